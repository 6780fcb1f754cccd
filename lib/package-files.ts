import * as fs from 'fs';
import * as path from 'path';

const PACKAGE_NAME = 'pyweb-cdk8s';

let root: string | undefined;

/**
 * A file this package ships beside its code (the vendored Kubernetes and CRD schemas, the stack
 * file's JSON Schema), by its path inside the package. The package's folder is found from this
 * code's own location, however it runs: from source (`lib/`), bundled here (`build/main.js`)
 * or installed (`node_modules/pyweb-cdk8s/out/index.js`); never from the working directory.
 */
export function packageFile(...segments: string[]): string {
  root ??= findPackageRoot();
  return path.join(root, ...segments);
}

/**
 * The nearest folder above this code whose package.json is ours. When a user bundles our code
 * into their own file the folder is theirs, so the installed package is looked up instead.
 */
function findPackageRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (isOurPackage(dir)) return dir;
    if (path.dirname(dir) === dir) break;
  }
  try {
    return path.dirname(require.resolve(`${PACKAGE_NAME}/package.json`, { paths: [process.cwd()] }));
  } catch {
    throw new Error(`${PACKAGE_NAME}: cannot find the package's folder (its vendored schemas) above ${__dirname} or in node_modules: install ${PACKAGE_NAME} rather than bundling it`);
  }
}

function isOurPackage(dir: string): boolean {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, 'package.json'), 'utf-8')).name === PACKAGE_NAME;
  } catch {
    return false;
  }
}
