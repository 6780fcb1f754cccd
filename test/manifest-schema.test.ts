import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { caseInsensitive } from '../lib/check/_k8s-schema-transform';
import { ManifestIssue, formatManifestIssue, validateManifest, validateManifests } from '../lib/check/manifest-schema';

const ROOT = path.resolve(__dirname, '..');

/** A minimal valid Deployment, with the pod spec's first container adjustable. */
function deployment(container: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'shop-web', namespace: 'shop', labels: { 'app.kubernetes.io/name': 'shop-web' } },
    spec: {
      replicas: 2,
      selector: { matchLabels: { app: 'shop-web' } },
      template: {
        metadata: { labels: { app: 'shop-web' } },
        spec: { containers: [{ name: 'web', image: 'ghcr.io/acme/shop:1.4.2', ...container }] },
      },
    },
  };
}

function service(targetPort: unknown): any {
  return {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'shop-web', namespace: 'shop' },
    spec: { selector: { app: 'shop-web' }, ports: [{ name: 'http', port: 80, targetPort }] },
  };
}

function externalSecret(spec: Record<string, unknown> = {}): any {
  return {
    apiVersion: 'external-secrets.io/v1',
    kind: 'ExternalSecret',
    metadata: { name: 'shop-db', namespace: 'shop' },
    spec: {
      refreshInterval: '1h',
      secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
      target: { name: 'shop-db', creationPolicy: 'Owner' },
      data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', property: 'password' } }],
      ...spec,
    },
  };
}

function password(spec: Record<string, unknown>): any {
  return {
    apiVersion: 'generators.external-secrets.io/v1alpha1',
    kind: 'Password',
    metadata: { name: 'shop-db-password', namespace: 'shop' },
    spec,
  };
}

/** `path: message` of each issue, for compact assertions. */
function lines(issues: readonly ManifestIssue[]): string[] {
  return issues.map((i) => `${i.path}: ${i.message}`);
}

describe('built-in kinds (Kubernetes 1.28 definitions)', () => {
  test('a minimal valid Deployment passes', () => {
    expect(validateManifest(deployment())).toEqual([]);
  });

  test('a fuller, valid Deployment passes (probes, env, security context, volumes, IntOrString strategy)', () => {
    const d = deployment({
      imagePullPolicy: 'IfNotPresent',
      ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
      env: [{ name: 'A', value: 'b' }, { name: 'S', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }],
      readinessProbe: { httpGet: { path: '/healthz', port: 'http' }, periodSeconds: 5 },
      livenessProbe: { tcpSocket: { port: 8000 } },
      securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } },
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
    });
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } };
    d.spec.template.spec.volumes = [{ name: 'tmp', emptyDir: { sizeLimit: '64Mi' } }];
    d.spec.template.spec.securityContext = { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } };
    expect(validateManifest(d)).toEqual([]);
  });

  test('fails if there is an unknown field at the top level', () => {
    const d = { ...deployment(), specs: {} };
    expect(lines(validateManifest(d))).toEqual(['specs: unknown field "specs" (did you mean "spec"?)']);
  });

  test('fails if there is an unknown field in spec', () => {
    const d = deployment();
    d.spec.replica = 3;
    expect(lines(validateManifest(d))).toEqual(['spec.replica: unknown field "replica" (did you mean "replicas"?)']);
  });

  test('fails if there is an unknown field deep in a container', () => {
    const issues = validateManifest(deployment({ imagePullPolicyy: 'Always' }));
    expect(issues).toEqual([{
      object: 'Deployment shop/shop-web',
      path: 'spec.template.spec.containers[0].imagePullPolicyy',
      message: 'unknown field "imagePullPolicyy" (did you mean "imagePullPolicy"?)',
    }]);
    expect(formatManifestIssue(issues[0])).toBe(
      'Deployment shop/shop-web: spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy" (did you mean "imagePullPolicy"?)');
  });

  test('fails if metadata has an unknown field (ObjectMeta is strict too)', () => {
    const d = deployment();
    d.metadata.label = { a: 'b' };
    expect(lines(validateManifest(d))).toEqual(['metadata.label: unknown field "label" (did you mean "labels"?)']);
  });

  test('fails if replicas is a string ("two")', () => {
    const d = deployment();
    d.spec.replicas = 'two';
    expect(lines(validateManifest(d))).toEqual(['spec.replicas: must be integer (got "two")']);
  });

  test('fails if a label value is not a string, and quotes the dotted key in the path', () => {
    const d = deployment();
    d.metadata.labels['app.kubernetes.io/version'] = 2;
    expect(lines(validateManifest(d))).toEqual(['metadata.labels["app.kubernetes.io/version"]: must be string (got 2)']);
  });

  test('fails if a container has no name (required)', () => {
    const d = deployment();
    delete d.spec.template.spec.containers[0].name;
    expect(lines(validateManifest(d))).toEqual(['spec.template.spec.containers[0].name: is required']);
  });

  test('fails if required spec fields are missing (selector, template)', () => {
    const d = deployment();
    d.spec = { replicas: 1 };
    expect(lines(validateManifest(d))).toEqual(['spec.selector: is required', 'spec.template: is required']);
  });

  test('IntOrString: a Service targetPort accepts 8080 and "http"', () => {
    expect(validateManifest(service(8080))).toEqual([]);
    expect(validateManifest(service('http'))).toEqual([]);
  });

  test('fails if an IntOrString is neither (one message, not one per alternative)', () => {
    expect(lines(validateManifest(service(true)))).toEqual(['spec.ports[0].targetPort: must be string or integer (got true)']);
    expect(lines(validateManifest(service(80.5)))).toEqual(['spec.ports[0].targetPort: must be string or integer (got 80.5)']);
  });

  test('Quantity: resources accept "250m" and 1', () => {
    const d = deployment({ resources: { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: 1, memory: '512Mi' } } });
    expect(validateManifest(d)).toEqual([]);
  });

  test('fails if a Quantity does not parse ("1Gb", "250 m", true)', () => {
    const d = deployment({ resources: { requests: { cpu: '250 m', memory: true }, limits: { memory: '1Gb' } } });
    expect(lines(validateManifest(d)).sort()).toEqual([
      'spec.template.spec.containers[0].resources.limits.memory: must be a quantity such as 250m, 0.5, 128Mi or 1Gi (got "1Gb")',
      'spec.template.spec.containers[0].resources.requests.cpu: must be a quantity such as 250m, 0.5, 128Mi or 1Gi (got "250 m")',
      'spec.template.spec.containers[0].resources.requests.memory: must be string or number (got true)',
    ]);
  });

  test('fails if an int32 is out of range', () => {
    const d = deployment();
    d.spec.replicas = 2 ** 31;
    expect(lines(validateManifest(d))).toEqual(['spec.replicas: must be a 32-bit integer (got 2147483648)']);
  });

  test('fails if a Secret data value is not base64 (format: byte)', () => {
    const secret = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'shop' }, data: { ok: 'aGVsbG8=', bad: 'hello!' } };
    expect(lines(validateManifest(secret))).toEqual(['data.bad: must be base64-encoded (got "hello!")']);
  });

  test('fails if the kind is unknown for Kubernetes 1.28, with a suggestion', () => {
    const d = { ...deployment(), kind: 'Deploymnet' };
    const issues = validateManifest(d);
    expect(issues).toHaveLength(1);
    expect(issues[0].path).toBe('kind');
    expect(issues[0].message).toMatch(/^unknown kind Deploymnet \(apiVersion apps\/v1\) for Kubernetes 1\.28/);
    expect(issues[0].message).toMatch(/did you mean Deployment\?$/);
  });

  test('fails if the apiVersion does not serve the kind, naming the one that does', () => {
    const issues = validateManifest({ ...deployment(), apiVersion: 'extensions/v1beta1' });
    expect(lines(issues)).toEqual([expect.stringMatching(/^apiVersion: unknown kind Deployment \(apiVersion extensions\/v1beta1\) for Kubernetes 1\.28.*Deployment is served as apps\/v1$/)]);
  });

  test('fails if apiVersion, kind or metadata.name is missing', () => {
    expect(lines(validateManifest({ metadata: { name: 'x' } }))).toEqual(['apiVersion: is required', 'kind: is required']);
    expect(lines(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { namespace: 'shop' } }))).toEqual(['metadata.name: is required']);
    expect(lines(validateManifest({ apiVersion: 'v1', kind: 'ConfigMap' }))).toEqual(['metadata: is required']);
  });

  test('fails if the object is not an object at all', () => {
    expect(validateManifest('kind: Deployment')).toEqual([{ object: '<not an object>', path: '', message: 'must be an object (got "kind: Deployment")' }]);
    expect(formatManifestIssue(validateManifest(null)[0])).toBe('<not an object>: must be an object (got null)');
  });

  test('a list kind needs no metadata.name (ListMeta has none)', () => {
    expect(validateManifest({ apiVersion: 'v1', kind: 'ConfigMapList', metadata: {}, items: [] })).toEqual([]);
  });

  test('names cluster-scoped objects without a namespace', () => {
    const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' }, spec: { finalizer: [] } };
    expect(validateManifest(ns).map(formatManifestIssue)).toEqual([
      'Namespace shop: spec.finalizer: unknown field "finalizer" (did you mean "finalizers"?)',
    ]);
  });

  test('every built-in kind compiles and accepts its bare identity (only "is required" complaints)', () => {
    const defs = JSON.parse(fs.readFileSync(path.join(ROOT, 'vendor/k8s-schemas/v1.28.0/_definitions.json'), 'utf8')).definitions;
    let kinds = 0;
    for (const def of Object.values<any>(defs)) {
      for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
        const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
        const named = /\.ObjectMeta$/.test(def.properties?.metadata?.$ref ?? ''); // not lists, not APIGroup...
        const issues = validateManifest({ apiVersion, kind: gvk.kind, ...(named ? { metadata: { name: 'x' } } : {}) });
        expect(issues.filter((i) => i.message !== 'is required')).toEqual([]);
        kinds++;
      }
    }
    expect(kinds).toBeGreaterThan(200);
  });
});

describe('custom resources (vendored CRDs)', () => {
  test('a valid ExternalSecret (external-secrets.io/v1) passes', () => {
    expect(validateManifest(externalSecret())).toEqual([]);
  });

  test('an ExternalSecret with dataFrom, a template and a generator source passes', () => {
    const es = externalSecret({
      dataFrom: [{ extract: { key: 'shop/app' } }, { sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-db-password' } } }],
      target: { name: 'shop-db', template: { engineVersion: 'v2', type: 'Opaque', data: { url: 'postgres://{{ .password }}@db' }, metadata: { labels: { a: 'b' } } } },
    });
    expect(validateManifest(es)).toEqual([]);
  });

  test('fails if an ExternalSecret has an unknown spec field', () => {
    expect(validateManifest(externalSecret({ refreshIntervall: '1h' }))).toEqual([{
      object: 'ExternalSecret shop/shop-db',
      path: 'spec.refreshIntervall',
      message: 'unknown field "refreshIntervall" (did you mean "refreshInterval"?)',
    }]);
  });

  test('fails if an ExternalSecret has an unknown field deep inside (data[0].remoteRef)', () => {
    const es = externalSecret({ data: [{ secretKey: 'password', remoteRef: { key: 'shop/db', propertyy: 'password' } }] });
    expect(lines(validateManifest(es))).toEqual(['spec.data[0].remoteRef.propertyy: unknown field "propertyy" (did you mean "property"?)']);
  });

  test('fails if an ExternalSecret enum value is not allowed, listing the allowed values', () => {
    const es = externalSecret({ secretStoreRef: { kind: 'Vault', name: 'vault' } });
    expect(lines(validateManifest(es))).toEqual(['spec.secretStoreRef.kind: must be one of "SecretStore", "ClusterSecretStore" (got "Vault")']);
  });

  test('fails if an ExternalSecret data entry misses required fields or breaks a pattern', () => {
    const es = externalSecret({ data: [{ secretKey: 'bad key', remoteRef: {} }] });
    expect(lines(validateManifest(es))).toEqual([
      'spec.data[0].remoteRef.key: is required',
      'spec.data[0].secretKey: must match ^[-._a-zA-Z0-9]+$ (got "bad key")',
    ]);
  });

  test('fails if a custom resource\'s metadata has an unknown field (it is ObjectMeta)', () => {
    const es = externalSecret();
    es.metadata.annotation = {};
    expect(lines(validateManifest(es))).toEqual(['metadata.annotation: unknown field "annotation" (did you mean "annotations"?)']);
  });

  test('fails if the ExternalSecret uses v1beta1, which is no longer served', () => {
    const issues = validateManifest({ ...externalSecret(), apiVersion: 'external-secrets.io/v1beta1' });
    expect(lines(issues)).toEqual([expect.stringMatching(/^apiVersion: unknown kind ExternalSecret .*ExternalSecret is served as external-secrets\.io\/v1$/)]);
  });

  test('a valid Password generator passes', () => {
    expect(validateManifest(password({ length: 32, digits: 5, symbols: 0, noUpper: false, allowRepeat: true, encoding: 'raw' }))).toEqual([]);
  });

  test('a Password relying on server-side defaults for its "required" fields passes', () => {
    // allowRepeat, length and noUpper are required in the schema but have defaults, which the
    // API server applies before it validates.
    expect(validateManifest(password({ symbols: 2 }))).toEqual([]);
  });

  test('fails if a Password has a wrong type, enum value or unknown field', () => {
    expect(lines(validateManifest(password({ length: '32', encoding: 'base58', upper: true }))).sort()).toEqual([
      'spec.encoding: must be one of "base64", "base64url", "base32", "hex", "raw" (got "base58")',
      'spec.length: must be integer (got "32")',
      'spec.upper: unknown field "upper" (did you mean "noUpper"?)',
    ]);
  });

  test("a Go pattern's (?i) flag is read case-insensitively, as the API server reads it (PrometheusRule)", () => {
    const rule = (strategy: string): any => ({
      apiVersion: 'monitoring.coreos.com/v1',
      kind: 'PrometheusRule',
      metadata: { name: 'shop', namespace: 'shop' },
      spec: { groups: [{ name: 'shop', partial_response_strategy: strategy, rules: [{ alert: 'Down', expr: 'up == 0' }] }] },
    });
    expect(validateManifest(rule('warn'))).toEqual([]);
    expect(validateManifest(rule('Abort'))).toEqual([]);
    expect(lines(validateManifest(rule('fail')))).toEqual([expect.stringMatching(/^spec\.groups\[0\]\.partial_response_strategy: /)]);
    expect(caseInsensitive('^(?i)(abort|warn)?$')).toBe('^([aA][bB][oO][rR][tT]|[wW][aA][rR][nN])?$');
    expect(caseInsensitive('(?i)a\\d[a-z]')).toBe('[aA]\\d[a-z]');
  });

  test('every served version of every vendored CRD is known and compiles', () => {
    const dir = path.join(ROOT, 'vendor/crds');
    let versions = 0;
    for (const file of fs.readdirSync(dir).filter((f) => f.endsWith('.yaml'))) {
      for (const crd of yaml.loadAll(fs.readFileSync(path.join(dir, file), 'utf8')) as any[]) {
        if (crd?.kind !== 'CustomResourceDefinition') continue;
        for (const v of crd.spec.versions.filter((x: any) => x.served)) {
          const issues = validateManifest({ apiVersion: `${crd.spec.group}/${v.name}`, kind: crd.spec.names.kind, metadata: { name: 'x' } });
          expect(issues.filter((i) => i.message !== 'is required')).toEqual([]);
          versions++;
        }
      }
    }
    expect(versions).toBeGreaterThanOrEqual(2);
  });
});

describe('validateManifests', () => {
  test('reports every object\'s issues, each with its object', () => {
    const bad = deployment({ imagePullPolicyy: 'Always' });
    const issues = validateManifests([service(8080), bad, externalSecret({ oops: 1 })]);
    expect(issues.map(formatManifestIssue)).toEqual([
      'Deployment shop/shop-web: spec.template.spec.containers[0].imagePullPolicyy: unknown field "imagePullPolicyy" (did you mean "imagePullPolicy"?)',
      'ExternalSecret shop/shop-db: spec.oops: unknown field "oops"',
    ]);
  });
});
