#!/usr/bin/env node
// Offline `cdk8s import`: generates imports/ from the schemas vendored under vendor/.
//
// cdk8s-cli's k8s importer downloads the 1.28 schema from a fixed URL. This machine (and
// many CI runners) cannot reach it, so we point the CLI's own download helper at our vendored
// copy of that very file, and let the CLI's own code generator do the rest. The output is
// therefore exactly what `cdk8s import k8s@1.28.0` produces online.
'use strict';
const fs = require('fs');
const path = require('path');

const root = path.resolve(__dirname, '..');
const cliRoot = path.dirname(require.resolve('cdk8s-cli/package.json'));
// cdk8s-cli's "exports" hides lib/; requiring by absolute path reaches the same module instance.
const util = require(path.join(cliRoot, 'lib/util.js'));
const { importDispatch } = require(path.join(cliRoot, 'lib/import/dispatch.js'));

const K8S_VERSION = '1.28.0';
const SCHEMA_URL = `https://raw.githubusercontent.com/cdk8s-team/cdk8s/master/kubernetes-schemas/v${K8S_VERSION}/_definitions.json`;
const LOCAL_SCHEMA = path.join(root, 'vendor/k8s-schemas', `v${K8S_VERSION}`, '_definitions.json');

const originalDownload = util.download;
util.download = async (url) => {
  if (url === SCHEMA_URL) return fs.promises.readFile(LOCAL_SCHEMA, 'utf-8');
  if (/^https?:/.test(url)) throw new Error(`offline import: refusing to download ${url}`);
  return originalDownload(url);
};

const CRDS = [
  'vendor/crds/external-secrets.io_externalsecrets.yaml',
  'vendor/crds/generators.external-secrets.io_passwords.yaml',
  // Both KEDA CRDs are of one API group, which the CLI names each generated file after: a
  // prefix (cdk8s's `NAME:=SPEC` syntax) keeps the second from overwriting the first.
  'scaledobjects:=vendor/crds/keda.sh_scaledobjects.yaml',
  'triggerauthentications:=vendor/crds/keda.sh_triggerauthentications.yaml',
  // CloudNativePG's Cluster, Pooler and ScheduledBackup share a group too; PodMonitor gets a
  // prefix so that a ServiceMonitor of the same group can be imported beside it.
  'cluster:=vendor/crds/postgresql.cnpg.io_clusters.yaml',
  'pooler:=vendor/crds/postgresql.cnpg.io_poolers.yaml',
  'scheduledbackup:=vendor/crds/postgresql.cnpg.io_scheduledbackups.yaml',
  'vendor/crds/barmancloud.cnpg.io_objectstores.yaml',
  'podmonitor:=vendor/crds/monitoring.coreos.com_podmonitors.yaml',
  'prometheusrules:=vendor/crds/monitoring.coreos.com_prometheusrules.yaml',
];

async function main() {
  // `--outdir <dir>` lets the test regenerate into a scratch folder and compare with imports/.
  const at = process.argv.indexOf('--outdir');
  const outdir = at > 0 ? path.resolve(process.argv[at + 1]) : path.join(root, 'imports');
  process.chdir(root);
  const specs = [{ source: `k8s@${K8S_VERSION}` }, ...CRDS.map((spec) => {
    const [prefix, source] = spec.includes(':=') ? spec.split(':=') : [undefined, spec];
    return { source, ...(prefix ? { moduleNamePrefix: prefix } : {}) };
  })];
  await importDispatch(specs, {}, { outdir, targetLanguage: 'typescript', save: false });
  const helpers = `${HELPERS_MODULE}.ts`;
  for (const file of fs.readdirSync(outdir).filter((f) => f.endsWith('.ts') && f !== helpers)) {
    const at = path.join(outdir, file);
    fs.writeFileSync(at, linearKeyCopies(fs.readFileSync(at, 'utf-8')));
  }
  // The helpers module is written by hand and lives in imports/: a scratch folder gets a copy.
  const ownHelpers = path.join(root, 'imports', helpers);
  if (path.join(outdir, helpers) !== ownHelpers) fs.copyFileSync(ownHelpers, path.join(outdir, helpers));
}

// The generated toJson functions drop undefined values with
//   Object.entries(o).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: v }), {})
// which copies the accumulator once per key: quadratic in an object's keys, and the largest share
// of synth's time spent in these functions. The accumulator is the reduce's own fresh object, so
// setting the key on it gives the same object in linear time. A computed key defines an own
// property even when it is "__proto__", where an assignment would set the prototype: assignKey
// defines that one. Both helpers are in imports/_to-json.ts, written by hand.
// The last step of every such function filters the object literal it just built, whose keys are
// the schema's field names: a loop over its keys without the [key, value] pair per key does that.
const RESULT_FILTER = 'return Object.entries(result).reduce((r, i) => (i[1] === undefined) ? r : ({ ...r, [i[0]]: i[1] }), {});';
const KEY_COPY = /\(\{ \.\.\.r, \[i\[0\]\]: (.*?) \}\), \{\}\)/g;
const HELPERS_MODULE = '_to-json';
function linearKeyCopies(source) {
  const rewritten = source.split(RESULT_FILTER).join('return withoutUndefined(result);').replace(KEY_COPY, 'assignKey(r, i[0], $1), {})');
  if (rewritten === source) return source;
  const lastImport = /^import .*;\n(?!import )/m.exec(rewritten);
  if (!lastImport) throw new Error('offline import: no import line to add the helpers after');
  const at = lastImport.index + lastImport[0].length;
  const used = ['assignKey', 'withoutUndefined'].filter((name) => rewritten.includes(`${name}(`));
  return `${rewritten.slice(0, at)}import { ${used.join(', ')} } from './${HELPERS_MODULE}';\n${rewritten.slice(at)}`;
}

main().catch((err) => {
  console.error(`import failed: ${err.message}`);
  process.exit(1);
});
