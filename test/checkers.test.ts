import * as path from 'path';
import { PythonWebStackProps } from '../constructs';
import { EXCEPTIONS, RULES, checkPolicy, formatFinding } from '../lib/check/policy';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { RenderedFile, renderFiles } from '../lib/render/render';
import { ROOT } from './_cli';

// The checker battery: every rule of ../shared/POLICY.md (PSS restricted, kube-score, kube-linter,
// Polaris defaults, cross-references) as a named test, over every example and over a matrix of
// generated stacks. Zero findings, but for the deliberate exceptions that EXCEPTIONS lists (and
// the README explains).

const FRAMEWORKS = ['django', 'flask', 'fastapi', 'generic'] as const;
const SOURCES = ['existing', 'external', 'generated'] as const;

/**
 * The database of a matrix stack: development gets the plain statefulset; in production (where
 * a backup decision is required) existing-secret stacks dump to a volume and external-secret
 * stacks run CloudNativePG with a pooler and object-store backups.
 */
function databaseFor(source: (typeof SOURCES)[number]): NonNullable<PythonWebStackProps['database']> {
  if (source === 'generated') return {};
  if (source === 'existing') return { backup: { schedule: '0 2 * * *', volume: { size: '5Gi' } } };
  return { engine: 'cloudnative-pg', pooler: {}, backup: { schedule: '0 2 * * *', objectStore: { destinationPath: 's3://backups/app' } } };
}

/** Every framework x static x media x database x secrets source x autoscaling. */
function matrix(): PythonWebStackProps[] {
  const stacks: PythonWebStackProps[] = [];
  for (const framework of FRAMEWORKS) for (const isStatic of [false, true]) for (const media of [false, true])
    for (const database of [false, true]) for (const source of SOURCES) for (const autoscaling of [false, true]) {
      const name = `m-${framework}-${+isStatic}${+media}${+database}-${source.slice(0, 3)}-${+autoscaling}`;
      stacks.push({
        name,
        environment: source === 'generated' ? 'development' : 'production',
        web: {
          image: 'registry.example.com/app:1.0.0',
          framework,
          ...(framework === 'generic' ? { command: ['uvicorn', 'app:app'] } : {}),
          ...(framework === 'flask' ? { migrations: { command: ['flask', 'db', 'upgrade'] } } : {}),
          ...(autoscaling ? {} : { autoscaling: false, replicas: 3 }),
        },
        ...(isStatic ? { static: framework === 'django' ? {} : { copyFrom: '/app/static' } } : {}),
        ...(media ? { media: {} } : {}),
        ...(database ? { database: databaseFor(source) } : {}),
        secrets: { source, keys: ['APP_SALT'], ...(source === 'external' ? { external: { storeName: 'vault', remoteKey: 'app' } } : {}) },
        ingress: { host: `${name}.example.com`, className: 'nginx', tls: { clusterIssuer: 'letsencrypt' } },
      });
    }
  return stacks;
}

let outputs: RenderedFile[];

beforeAll(() => {
  const examples = loadStackFiles(findStackFiles(path.join(ROOT, 'examples')));
  const generated = matrix().map((config) => ({ file: `${config.name}.yaml`, target: config.environment!, config }));
  outputs = renderFiles([...examples, ...generated]);
});

describe('checker battery', () => {
  test('covers every example and the whole matrix (192 stacks)', () => {
    expect(outputs.length).toBe(loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))).length + 192);
  });

  const findingsOf = (rule: (typeof RULES)[number]) =>
    outputs.flatMap((f) => checkPolicy(f.objects, { externalSecrets: f.externalSecrets, externalConfigMaps: f.externalConfigMaps }, { rules: [rule] }).map((x) => `${f.path}: ${formatFinding(x)}`));

  test.each(RULES.filter((r) => !EXCEPTIONS[r.id]).map((r) => [r.id, r] as const))('%s: no findings', (_id, rule) => {
    expect(findingsOf(rule).slice(0, 5)).toEqual([]);
  });

  // An exception that no output needs would hide a regression: each must fire on the real output.
  test.each(Object.keys(EXCEPTIONS))('exception %s is necessary: the rule fires on the real output', (id) => {
    expect(findingsOf(RULES.find((r) => r.id === id)!).length).toBeGreaterThan(0);
  });

  test('every exception is a rule that exists, and is explained', () => {
    const ids = new Set(RULES.map((r) => r.id));
    for (const [id, reason] of Object.entries(EXCEPTIONS)) {
      expect(ids.has(id)).toBe(true);
      expect(reason.length).toBeGreaterThan(40);
    }
  });
});
