import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

/** One package entry of a package-lock.json (lockfileVersion 3). */
type LockEntry = Record<string, any>;

/** What the consumer app installs. */
export interface ConsumerDeps {
  /** The app's package.json `dependencies` and `devDependencies`. */
  readonly dependencies: Record<string, string>;
  readonly devDependencies: Record<string, string>;
  /** The packed tarball, a file name in the app's folder. */
  readonly tarball: string;
  /** Our devDependency that is an alias of the cdk8s patch the app uses (`npm:cdk8s@...`). */
  readonly cdk8sAlias: string;
}

/**
 * The consumer app's package-lock.json, taken from this repository's: the same versions and
 * integrity hashes, so `npm install --offline` finds every tarball in the npm cache that
 * `npm ci` filled here, and never needs a registry's package list (which the cache may lack, and
 * which would pick newer versions as they are published). Our alias of another cdk8s patch
 * becomes the app's `cdk8s`; our package is the tarball.
 */
export function consumerLock(root: string, app: string, deps: ConsumerDeps): object {
  const ours: Record<string, LockEntry> = JSON.parse(fs.readFileSync(path.join(root, 'package-lock.json'), 'utf-8')).packages;
  const manifest = JSON.parse(fs.readFileSync(path.join(root, 'package.json'), 'utf-8'));
  const alias = `node_modules/${deps.cdk8sAlias}`;
  // Our tree as the app's: the alias in cdk8s's place.
  const tree: Record<string, LockEntry> = {};
  for (const [p, entry] of Object.entries(ours)) {
    if (p === '' || p === 'node_modules/cdk8s' || p.startsWith('node_modules/cdk8s/')) continue;
    const at = p === alias || p.startsWith(`${alias}/`) ? `node_modules/cdk8s${p.slice(alias.length)}` : p;
    const { dev, devOptional, peer, name, ...rest } = entry;
    tree[at] = rest;
  }
  const tarball = fs.readFileSync(path.join(app, deps.tarball));
  const packages: Record<string, LockEntry> = {
    '': { name: 'consumer-app', version: '1.0.0', dependencies: deps.dependencies, devDependencies: deps.devDependencies },
    'node_modules/pyweb-cdk8s': {
      version: manifest.version,
      resolved: `file:${deps.tarball}`,
      integrity: `sha512-${createHash('sha512').update(tarball).digest('base64')}`,
      license: manifest.license,
      dependencies: manifest.dependencies,
      peerDependencies: manifest.peerDependencies,
      bin: manifest.bin,
      engines: manifest.engines,
    },
  };
  const resolve = (from: string, name: string): string => {
    for (let dir = from; ; dir = dir.replace(/\/?node_modules\/(@[^/]+\/)?[^/]+$/, '')) {
      const at = `${dir ? `${dir}/` : ''}node_modules/${name}`;
      if (tree[at] || packages[at]) return at;
      if (!dir) throw new Error(`consumer lock: ${name} (needed by ${from || 'the app'}) is not in package-lock.json`);
    }
  };
  const queue: Array<[string, Record<string, string> | undefined]> = [
    ['', { ...deps.dependencies, ...deps.devDependencies }],
    ['node_modules/pyweb-cdk8s', manifest.dependencies],
  ];
  while (queue.length > 0) {
    const [from, needs] = queue.shift()!;
    for (const name of Object.keys(needs ?? {})) {
      const at = resolve(from, name);
      if (packages[at]) continue;
      const entry = { ...tree[at] };
      // Registry tarballs by their usual address: the cache holds them under it and by integrity.
      entry.resolved ??= `https://registry.npmjs.org/${name}/-/${name.split('/').pop()}-${entry.version}.tgz`;
      packages[at] = entry;
      for (const [nested, bundled] of Object.entries(tree)) {
        if (nested.startsWith(`${at}/node_modules/`) && bundled.inBundle) packages[nested] = bundled;
      }
      const peers = Object.keys(entry.peerDependencies ?? {}).filter((n) => !entry.peerDependenciesMeta?.[n]?.optional);
      queue.push([at, { ...entry.dependencies, ...entry.optionalDependencies, ...Object.fromEntries(peers.map((n) => [n, '*'])) }]);
    }
  }
  return { name: 'consumer-app', version: '1.0.0', lockfileVersion: 3, requires: true, packages };
}
