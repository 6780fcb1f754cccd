import * as fs from 'fs';
import * as path from 'path';
import * as constructs from '../constructs';

// constructs/index.ts is the package's construct surface (`pyweb-cdk8s/constructs`, and through
// lib/index.ts `pyweb-cdk8s`): a construct a PythonWebStack exposes as a public field must be
// importable by the user who reaches for it, to build one alone or to name its type.

const DIR = path.resolve(__dirname, '../constructs');

test('every public construct module is re-exported by constructs/index.ts', () => {
  const index = fs.readFileSync(path.join(DIR, 'index.ts'), 'utf-8');
  const modules = fs.readdirSync(DIR).filter((f) => f.endsWith('.ts') && !f.startsWith('_') && f !== 'index.ts').map((f) => f.replace(/\.ts$/, '')).sort();
  // The stack file's sections are re-exported by stack-config.ts itself.
  const viaStackConfig = ['stack-config-background', 'stack-config-values'];
  const missing = modules.filter((m) => !viaStackConfig.includes(m) && !index.includes(`from './${m}'`));
  expect(missing).toEqual([]);
});

test('the database, volume and backup constructs of a stack are importable', () => {
  expect(Object.keys(constructs)).toEqual(expect.arrayContaining([
    'AppVolumes', 'CloudNativePgDatabase', 'ExternalDatabase', 'PostgresBackup', 'PostgresDatabase', 'cnpgClusterSelector', 'withSeconds',
  ]));
});
