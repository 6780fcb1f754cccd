import { SpawnSyncReturns, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { loadStackFiles, renderStacks, synth } from '../lib';
import { consumerLock } from './_offline-lock';
import { requiredPackages } from '../test/_required-packages';

// The package as a user gets it: packed, installed offline into a fresh cdk8s app laid out as
// `cdk8s init typescript-app` lays it out (its tsconfig.json and cdk8s.yaml, taken from
// cdk8s-cli's own template), on a cdk8s patch other than ours.

const ROOT = path.resolve(__dirname, '..');
const TEMPLATE = path.join(ROOT, 'node_modules/cdk8s-cli/templates/typescript-app');
/** Our devDependency that is another cdk8s patch (`npm:cdk8s@...`), so `npm ci` caches it. */
const CDK8S_ALIAS = 'cdk8s-other-patch';
const ours = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8'));
const otherCdk8s = ours.devDependencies[CDK8S_ALIAS].replace(/^npm:cdk8s@/, '');

/** The user's entry point: the library's constructs and API beside a construct of their own. */
const MAIN_TS = `import { ApiObject, App, Chart } from 'cdk8s';
import { Construct } from 'constructs';
import { PythonWebStack, checkOutput, loadStackFiles, renderApp, writeOutput } from 'pyweb-cdk8s';

/** The team's own construct: a ConfigMap of on-call contacts, in a chart of its own. */
class OnCall extends Chart {
  constructor(scope: Construct, id: string, team: string, namespace: string) {
    super(scope, id);
    new ApiObject(this, 'contacts', {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: \`\${team}-on-call\`, namespace },
      data: { pager: \`\${team}@example.com\` },
    });
  }
}

const app = new App();
const [stack] = loadStackFiles(['stacks/flask-shop.yaml']);
const shop = new PythonWebStack(app, 'flask-shop', stack.config);
const onCall = new OnCall(app, 'on-call', 'storefront', shop.stack.namespace);
const files = renderApp({
  app,
  charts: [
    { chart: shop, path: 'development/flask-shop.k8s.yaml' },
    { chart: onCall, path: 'development/on-call.k8s.yaml' },
  ],
});
checkOutput(files);
writeOutput(process.env.CDK8S_OUTDIR ?? 'dist', files);
`;

let work: string;
let app: string;
let tarballFiles: Array<{ path: string; size: number }>;
let env: NodeJS.ProcessEnv;

function run(command: string, args: readonly string[], cwd: string): SpawnSyncReturns<string> {
  const r = spawnSync(command, args, { cwd, env, encoding: 'utf-8' });
  if (r.error) throw r.error;
  return r;
}

function ok(command: string, args: readonly string[], cwd: string): string {
  const r = run(command, args, cwd);
  if (r.status !== 0) throw new Error(`${command} ${args.join(' ')} exited ${r.status}:\n${r.stdout}\n${r.stderr}`);
  return r.stdout;
}

/** Every file below a folder, relative path -> content. */
function tree(dir: string): Map<string, string> {
  const files = new Map<string, string>();
  for (const entry of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile()) continue;
    const file = path.join(entry.parentPath, entry.name);
    files.set(path.relative(dir, file), fs.readFileSync(file, 'utf-8'));
  }
  return new Map([...files].sort(([a], [b]) => a.localeCompare(b)));
}

beforeAll(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'pyweb-consumer-'));
  app = path.join(work, 'app');
  fs.mkdirSync(app);
  // No network: npm reads the cache only, and cdk8s-cli does not look for a newer version.
  // cdk8s-cli is installed "globally" (cdk8s's getting-started way): a prefix holding its bin.
  const prefix = path.join(work, 'global');
  fs.mkdirSync(path.join(prefix, 'bin'), { recursive: true });
  fs.symlinkSync(path.join(ROOT, 'node_modules/cdk8s-cli/bin/cdk8s'), path.join(prefix, 'bin/cdk8s'));
  env = {
    ...process.env,
    npm_config_offline: 'true',
    npm_config_audit: 'false',
    npm_config_fund: 'false',
    npm_config_update_notifier: 'false',
    npm_config_prefix: prefix,
    PATH: `${path.join(prefix, 'bin')}${path.delimiter}${process.env.PATH}`,
    CDK8S_CHECK_UPGRADE: 'false',
  };
  delete env.CDK8S_OUTDIR;

  const [packed] = JSON.parse(ok('npm', ['pack', '--json', '--pack-destination', work], ROOT));
  tarballFiles = packed.files;
  fs.renameSync(path.join(work, packed.filename), path.join(app, packed.filename));

  const dependencies = {
    'cdk8s': otherCdk8s,
    'constructs': ours.devDependencies.constructs,
    'pyweb-cdk8s': `file:${packed.filename}`,
  };
  const devDependencies = {
    '@types/node': ours.devDependencies['@types/node'],
    'ts-node': ours.devDependencies['ts-node'],
    'typescript': ours.devDependencies.typescript,
  };
  fs.writeFileSync(path.join(app, 'package.json'), `${JSON.stringify({ name: 'consumer-app', version: '1.0.0', private: true, scripts: { synth: 'cdk8s synth' }, dependencies, devDependencies }, null, 2)}\n`);
  const lock = consumerLock(ROOT, app, { dependencies, devDependencies, tarball: packed.filename, cdk8sAlias: CDK8S_ALIAS });
  fs.writeFileSync(path.join(app, 'package-lock.json'), `${JSON.stringify(lock, null, 2)}\n`);
  fs.copyFileSync(path.join(TEMPLATE, 'tsconfig.json'), path.join(app, 'tsconfig.json'));
  fs.copyFileSync(path.join(TEMPLATE, 'cdk8s.yaml'), path.join(app, 'cdk8s.yaml'));
  fs.writeFileSync(path.join(app, 'main.ts'), MAIN_TS);
  fs.mkdirSync(path.join(app, 'stacks'));
  for (const file of fs.readdirSync(path.join(ROOT, 'examples')).filter((f) => f.endsWith('.yaml'))) {
    fs.copyFileSync(path.join(ROOT, 'examples', file), path.join(app, 'stacks', file));
  }
  ok('npm', ['install'], app);
});

afterAll(() => {
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

test('the tarball ships the bundle, the declarations and the schemas, nothing else', () => {
  const paths = tarballFiles.map((f) => f.path);
  const stray = paths.filter((p) => !/^(package\.json|README\.md|LICENSE|bin\/pyweb-cdk8s\.js|out\/index\.js|out\/types\/.+\.d\.ts(\.map)?|schema\/stack\.schema\.json|vendor\/(k8s-schemas\/v1\.28\.0\/_definitions\.json|crds\/[^/]+\.yaml|[^/]+\/SOURCES\.md))$/.test(p));
  expect(stray).toEqual([]);
  // What the checks read at run time is there.
  expect(paths).toEqual(expect.arrayContaining(['out/index.js', 'out/types/lib/index.d.ts', 'out/types/constructs/index.d.ts',
    'out/types/constructs/python-web-stack.d.ts.map', 'vendor/k8s-schemas/v1.28.0/_definitions.json', 'vendor/crds/external-secrets.io_externalsecrets.yaml']));
  const code = tarballFiles.filter((f) => !/^(vendor|schema)\//.test(f.path)).reduce((sum, f) => sum + f.size, 0);
  // Issue 17: under 1 MB unpacked apart from the schemas (0.86 MB at 0.1.0, see the README).
  expect(code).toBeLessThan(1_000_000);
});

test('the declarations the package keeps type-check whole in the app, library checks on', () => {
  // build:package drops the declarations no entry point reaches (scripts/prune-declarations.js):
  // a user's tsc, even without skipLibCheck, must find every type the entry points name.
  fs.writeFileSync(path.join(app, 'types-check.ts'), `import * as library from 'pyweb-cdk8s';
import * as constructs from 'pyweb-cdk8s/constructs';
export const all = [library, constructs];
`);
  ok('npx', ['tsc', '--noEmit', '--skipLibCheck', 'false', '-p', '.'], app);
});

test('the app has one copy of cdk8s and constructs: its own, on another cdk8s patch', () => {
  expect(otherCdk8s).not.toEqual(ours.devDependencies.cdk8s);
  const installed = JSON.parse(fs.readFileSync(path.join(app, 'node_modules/pyweb-cdk8s/package.json'), 'utf-8'));
  expect(Object.keys(installed.peerDependencies).sort()).toEqual(['cdk8s', 'constructs']);
  for (const name of ['cdk8s', 'constructs']) {
    expect(installed.dependencies[name]).toBeUndefined();
    // What the package's code loads is the app's copy.
    const fromPackage = require.resolve(`${name}/package.json`, { paths: [path.join(app, 'node_modules/pyweb-cdk8s/out')] });
    expect(fromPackage).toEqual(path.join(app, 'node_modules', name, 'package.json'));
  }
  expect(JSON.parse(fs.readFileSync(path.join(app, 'node_modules/cdk8s/package.json'), 'utf-8')).version).toEqual(otherCdk8s);
});

test('npx cdk8s synth renders the stack byte for byte as this repository does, beside the user\'s own construct', () => {
  ok('npx', ['cdk8s', 'synth'], app);
  const [flask] = loadStackFiles([path.join(ROOT, 'examples/flask-shop.yaml')]);
  let expected = '';
  renderStacks([flask], (file) => { expected = file.content; });
  expect(expected).toContain('kind: Deployment');
  expect(fs.readFileSync(path.join(app, 'dist/development/flask-shop.k8s.yaml'), 'utf-8')).toEqual(expected);
  const own = fs.readFileSync(path.join(app, 'dist/development/on-call.k8s.yaml'), 'utf-8');
  expect(own).toContain('name: storefront-on-call');
  expect(own).toContain('namespace: flask-shop');
});

test('npx pyweb-cdk8s synth in a repository of stack files writes the same files as npm run synth here', () => {
  const expected = path.join(work, 'expected');
  synth({ configs: [path.join(ROOT, 'examples')], outdir: expected });
  const stdout = ok('npx', ['pyweb-cdk8s', 'synth', '--config', 'stacks/', '--outdir', 'manifests/'], app);
  expect(stdout).toMatch(/^synthesized \d+ file\(s\)/);
  const written = tree(path.join(app, 'manifests'));
  expect([...written.keys()]).toEqual([...tree(expected).keys()]);
  expect(written).toEqual(tree(expected));

  // plan against that render: nothing changes.
  const plan = run('npx', ['pyweb-cdk8s', 'plan', '--config', 'stacks/', '--against', 'manifests/'], app);
  expect(plan.stderr).toEqual('');
  expect(plan.status).toBe(0);
  expect(plan.stdout).toContain('target development: no changes');
});

test('the installed package loads cdk8s when it is used: not for a synth with every stack file unchanged; on first use of a construct, in a CommonJS or an ES module', () => {
  const required = (args: string[]) => {
    const r = requiredPackages(work, args, { cwd: app, env });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    return { stdout: r.stdout, loaded: r.packages };
  };
  const bin = path.join(app, 'node_modules/pyweb-cdk8s/bin/pyweb-cdk8s.js');
  // GIVEN a render of the stack files (the first renders, and loads cdk8s)
  expect(required([bin, 'synth', '--config', 'stacks/', '--outdir', 'lazy/']).loaded).toContain('cdk8s');
  // WHEN it runs again with nothing changed, THEN it loads neither cdk8s nor constructs
  const again = required([bin, 'synth', '--config', 'stacks/', '--outdir', 'lazy/']);
  expect(again.stdout).toMatch(/^synthesized \d+ file\(s\)/);
  expect(again.loaded.filter((p) => ['cdk8s', 'constructs', 'js-yaml', 'ajv'].includes(p))).toEqual([]);
  // AND so does a program of its own calling the synth command line or synth
  const own = required(['-e', "process.exitCode = require('pyweb-cdk8s').main(['--config', 'stacks/', '--outdir', 'lazy/']); require('pyweb-cdk8s').synth({ configs: ['stacks/'], outdir: 'lazy/' })"]);
  expect(own.stdout).toMatch(/^synthesized \d+ file\(s\)/);
  expect(own.loaded.filter((p) => ['cdk8s', 'constructs', 'js-yaml', 'ajv'].includes(p))).toEqual([]);
  // AND a program using the constructs gets them, by require or by import
  const cjs = required(['-e', "const p = require('pyweb-cdk8s'); console.log(typeof p.PythonWebStack, typeof require('pyweb-cdk8s/constructs').StackIdentity, Object.keys(p).includes('renderApp'))"]);
  expect(cjs.stdout).toBe('function function true\n');
  expect(cjs.loaded).toContain('cdk8s');
  const esm = spawnSync(process.execPath, ['--input-type=module', '-e', "import { PythonWebStack, cli } from 'pyweb-cdk8s'; import { StackIdentity } from 'pyweb-cdk8s/constructs'; console.log(typeof PythonWebStack, typeof cli, typeof StackIdentity)"], { cwd: app, env, encoding: 'utf-8' });
  expect(esm.stderr).toBe('');
  expect(esm.stdout).toBe('function function function\n');
});

test('npx pyweb-cdk8s init writes a starter stack that points at the packaged JSON Schema and renders', () => {
  expect(ok('npx', ['pyweb-cdk8s', 'init', '--name', 'shop', '--framework', 'fastapi'], app)).toContain('wrote stacks/shop.yaml');
  const text = fs.readFileSync(path.join(app, 'stacks/shop.yaml'), 'utf-8');
  const [first] = text.split('\n');
  expect(first).toEqual('# yaml-language-server: $schema=../node_modules/pyweb-cdk8s/schema/stack.schema.json');
  const schema = JSON.parse(fs.readFileSync(path.join(app, 'stacks', first.split('$schema=')[1]), 'utf-8'));
  expect(schema.$ref ?? schema.definitions?.StackConfig).toBeDefined();
  expect(ok('npx', ['pyweb-cdk8s', 'synth', '--config', 'stacks/shop.yaml', '--outdir', 'starter/'], app))
    .toContain('starter/development/shop.k8s.yaml');
});

test('npx pyweb-cdk8s init --from translates a compose file (reading its .env with the dotenv the package depends on) into a stack that renders', () => {
  // GIVEN the compose file of issue 20, its settings interpolated from a .env beside it
  fs.mkdirSync(path.join(app, 'legacy'), { recursive: true });
  fs.writeFileSync(path.join(app, 'legacy/.env'), 'PG_VERSION=13\n');
  fs.writeFileSync(path.join(app, 'legacy/docker-compose.yml'), fs.readFileSync(path.join(ROOT, 'test/compose/flask-guide/docker-compose.yml'), 'utf-8').replace('postgres:13', 'postgres:${PG_VERSION}'));
  // WHEN the installed command imports it, THEN the stack is written with the packaged schema, and renders
  expect(ok('npx', ['pyweb-cdk8s', 'init', '--from', 'legacy/docker-compose.yml', '--image', 'ghcr.io/acme/flask-app:1.0.0', '--name', 'legacy'], app)).toContain('wrote stacks/legacy.yaml from legacy/docker-compose.yml');
  const text = fs.readFileSync(path.join(app, 'stacks/legacy.yaml'), 'utf-8');
  expect(text.split('\n')[0]).toEqual('# yaml-language-server: $schema=../node_modules/pyweb-cdk8s/schema/stack.schema.json');
  expect(text).toContain('image: postgres:13');
  expect(ok('npx', ['pyweb-cdk8s', 'synth', '--config', 'stacks/legacy.yaml', '--outdir', 'legacy-out/'], app)).toContain('legacy-out/production/legacy.k8s.yaml');
});
