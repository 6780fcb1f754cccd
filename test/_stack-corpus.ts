import * as fc from 'fast-check';

// The property-test corpus: generated stack files (valid ones and near misses) and mutations of
// them. test/property.test.ts runs them through synth; test/editor-schema.test.ts checks that the
// published JSON Schema agrees with synth on them.

const quantityCpu = fc.constantFrom('100m', '250m', '500m', '1', '1500m', '2');
const quantityMem = fc.constantFrom('64Mi', '128Mi', '256Mi', '512Mi', '1Gi', '2Gi');
const command = fc.array(fc.constantFrom('python', 'manage.py', 'migrate', '-m', 'app', '--noinput', 'flask', 'db', 'upgrade'), { minLength: 1, maxLength: 4 });
const resources = fc.record({ requests: fc.record({ cpu: quantityCpu, memory: quantityMem }, { requiredKeys: [] }), limits: fc.record({ cpu: quantityCpu, memory: quantityMem }, { requiredKeys: [] }) }, { requiredKeys: [] });
const envName = fc.stringMatching(/^[A-Z][A-Z0-9_]{0,12}$/);

const web = fc.record({
  image: fc.constantFrom('ghcr.io/acme/shop:1.4.2', 'registry.example.com:5000/team/app:2024.1', `acme/app@sha256:${'b'.repeat(64)}`, 'python-app:3'),
  framework: fc.constantFrom('django', 'flask', 'fastapi', 'generic'),
  command,
  port: fc.integer({ min: 1024, max: 65535 }),
  healthPath: fc.constantFrom('/healthz', '/up', '/health/'),
  env: fc.dictionary(envName, fc.string({ maxLength: 20 }), { maxKeys: 4 }),
  resources,
  autoscaling: fc.oneof(fc.constant(false as const), fc.record({ minReplicas: fc.integer({ min: 1, max: 5 }), maxReplicas: fc.integer({ min: 1, max: 20 }), targetCPUUtilization: fc.integer({ min: 1, max: 100 }) }, { requiredKeys: [] })),
  replicas: fc.integer({ min: 1, max: 5 }),
  migrations: fc.oneof(fc.constant(false as const), fc.record({ command, waitCommand: command }, { requiredKeys: [] })),
  drainSeconds: fc.integer({ min: 0, max: 60 }),
}, { requiredKeys: ['image'] });

export const stackArb = fc.record({
  name: fc.stringMatching(/^[a-z][a-z0-9-]{0,18}[a-z0-9]$/),
  environment: fc.constantFrom('development', 'staging', 'production'),
  labels: fc.dictionary(fc.constantFrom('team', 'tier', 'cost-center'), fc.constantFrom('a', 'web', 'x1')),
  web,
  static: fc.oneof(fc.constant(false as const), fc.record({ urlPath: fc.constantFrom('/static/', '/assets/'), copyFrom: fc.constant('/app/static'), maxUploadSize: fc.constantFrom('1m', '20m'), port: fc.constantFrom(8080, 8081) }, { requiredKeys: [] })),
  media: fc.oneof(fc.constant(false as const), fc.record({ size: fc.constantFrom('1Gi', '10Gi'), accessMode: fc.constantFrom('ReadWriteMany', 'ReadWriteOnce'), mountPath: fc.constant('/app/media'), urlPath: fc.constantFrom('/media/', '/uploads/') }, { requiredKeys: [] })),
  database: fc.oneof(fc.constant(false as const), fc.record({ image: fc.constantFrom('postgres:16.4', 'postgres:15.8'), storage: fc.record({ size: fc.constantFrom('5Gi', '20Gi') }) }, { requiredKeys: [] })),
  secrets: fc.record({
    source: fc.constantFrom('existing', 'external', 'generated'),
    external: fc.record({ storeName: fc.constant('vault'), remoteKey: fc.constant('prod/app') }),
    keys: fc.uniqueArray(fc.constantFrom('SIGNING_SALT', 'SENTRY_DSN', 'STRIPE_WEBHOOK'), { maxLength: 3 }),
  }, { requiredKeys: [] }),
  ingress: fc.oneof(fc.constant(false as const), fc.record({ host: fc.constantFrom('a.example.com', 'shop.test'), className: fc.constant('nginx'), tls: fc.constantFrom({ secretName: 'tls' }, { clusterIssuer: 'le' }) }, { requiredKeys: ['host'] })),
}, { requiredKeys: ['name', 'web'] });

/** A mutation of a valid stack: a value replaced, a key removed or an unknown key added. */
const PATHS = ['name', 'environment', 'web', 'web.image', 'web.port', 'web.framework', 'web.env', 'web.resources.requests.cpu', 'web.autoscaling', 'web.autoscaling.minReplicas',
  'static', 'static.urlPath', 'media', 'media.accessMode', 'database', 'database.storage.size', 'secrets.source', 'secrets.keys', 'ingress', 'ingress.tls', 'networkPolicy'];
export const mutation = fc.record({
  path: fc.constantFrom(...PATHS),
  op: fc.constantFrom('set', 'delete', 'unknown-key', 'odd-key'),
  oddKey: fc.constantFrom('constructor', '__proto__', 'toString', '', ' ', 'a.b', 'ü', '0'),
  value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.constantFrom('latest', 'a/b:latest', -1, 0, 80, '1.5.5', 'Gi', '/', '', 'x'.repeat(70))),
});

export function mutate(stack: any, m: { path: string; op: string; value: unknown; oddKey: string }): any {
  const copy = JSON.parse(JSON.stringify(stack));
  const keys = m.path.split('.');
  let node = copy;
  for (const k of keys.slice(0, -1)) {
    if (node[k] === null || typeof node[k] !== 'object') node[k] = {};
    node = node[k];
  }
  const last = keys[keys.length - 1];
  if (m.op === 'delete') delete node[last];
  else if (m.op === 'unknown-key') node[`${last}Extra`] = m.value;
  else if (m.op === 'odd-key') node[last] = { [m.oddKey]: m.value };
  else node[last] = m.value;
  return copy;
}
