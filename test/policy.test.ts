import { EXCEPTIONS, Finding, PolicyContext, RULES, checkPolicy, formatFinding } from '../lib/check/policy';

// ---------------------------------------------------------------------------------------------
// Fixtures: a small web stack (Deployment + HPA + PDB + Service + Ingress, a StatefulSet
// database, a migration Job, NetworkPolicies, ServiceAccounts, config and secrets) that passes
// every rule. Each test builds a fresh copy and breaks exactly one thing.
// ---------------------------------------------------------------------------------------------

const NS = 'shop';

function selector(instance: string): Record<string, string> {
  return { 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': instance };
}

function labels(instance: string, component: string): Record<string, string> {
  return { ...selector(instance), 'app.kubernetes.io/component': component, 'app.kubernetes.io/part-of': 'shop' };
}

function meta(name: string, component: string): any {
  return { name, namespace: NS, labels: labels(name, component) };
}

function container(name: string, extra: any = {}): any {
  return {
    name,
    image: 'ghcr.io/acme/shop:1.2.3',
    imagePullPolicy: 'Always',
    resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '256Mi' } },
    securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, privileged: false, capabilities: { drop: ['ALL'] } },
    ...extra,
  };
}

function podSpec(serviceAccountName: string, containers: any[], extra: any = {}): any {
  return {
    serviceAccountName,
    automountServiceAccountToken: false,
    priorityClassName: 'shop-standard',
    securityContext: { runAsNonRoot: true, runAsUser: 10001, runAsGroup: 10001, fsGroup: 10001, seccompProfile: { type: 'RuntimeDefault' } },
    containers,
    ...extra,
  };
}

function spread(instance: string): any[] {
  return [{ maxSkew: 1, topologyKey: 'topology.kubernetes.io/zone', whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels: selector(instance) } }];
}

function networkPolicy(instance: string, component: string, ingress: any[], egress: any[]): any {
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: meta(instance, component),
    // One label only: Polaris's missingNetworkPolicy schema is a oneOf over the pod labels.
    spec: { podSelector: { matchLabels: { 'app.kubernetes.io/instance': instance } }, policyTypes: ['Ingress', 'Egress'], ingress, egress },
  };
}

const toDb = { to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-db' } } }], ports: [{ port: 5432, protocol: 'TCP' }] };
const secretRef = (name: string, secret: string, key: string): any => ({ name, valueFrom: { secretKeyRef: { name: secret, key } } });

/** A fresh copy of the compliant stack, by role. */
function base(): Record<string, any> {
  const web = container('app', {
    ports: [{ name: 'http', containerPort: 8000, protocol: 'TCP' }],
    readinessProbe: { httpGet: { path: '/ready', port: 'http' }, periodSeconds: 10 },
    livenessProbe: { httpGet: { path: '/live', port: 'http' }, periodSeconds: 20 },
    startupProbe: { tcpSocket: { port: 'http' }, failureThreshold: 30 },
    env: [
      { name: 'PORT', valueFrom: { configMapKeyRef: { name: 'shop-web-env', key: 'PORT' } } },
      secretRef('SECRET_KEY', 'shop-secrets', 'SECRET_KEY'),
      secretRef('POSTGRES_PASSWORD', 'shop-db-password', 'POSTGRES_PASSWORD'),
      secretRef('SENTRY_DSN', 'shop-sentry-dsn', 'SENTRY_DSN'),
      { name: 'DATABASE_HOST', value: 'shop-db' },
    ],
    envFrom: [{ configMapRef: { name: 'shop-web-env' } }],
    volumeMounts: [
      { name: 'tmp', mountPath: '/tmp' },
      { name: 'media', mountPath: '/media' },
    ],
  });
  const wait = container('wait-for-db', { command: ['sh', '-c', 'true'], env: [secretRef('PGPASSWORD', 'shop-db-password', 'POSTGRES_PASSWORD')] });
  const postgres = container('postgres', {
    image: 'postgres:16.4',
    ports: [{ name: 'postgres', containerPort: 5432, protocol: 'TCP' }],
    readinessProbe: { exec: { command: ['pg_isready', '--host', '127.0.0.1'] } },
    livenessProbe: { tcpSocket: { port: 'postgres' } },
    env: [secretRef('POSTGRES_PASSWORD', 'shop-db-password', 'POSTGRES_PASSWORD')],
    volumeMounts: [
      { name: 'data', mountPath: '/var/lib/postgresql/data' },
      { name: 'run', mountPath: '/var/run/postgresql' },
    ],
  });
  const migrate = container('migrate', {
    command: ['python', 'manage.py', 'migrate'],
    env: [secretRef('POSTGRES_PASSWORD', 'shop-db-password', 'POSTGRES_PASSWORD'), secretRef('SECRET_KEY', 'shop-secrets', 'SECRET_KEY')],
    volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
  });
  const tmp = { name: 'tmp', emptyDir: { sizeLimit: '64Mi' } };
  return {
    namespace: { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS, labels: { 'pod-security.kubernetes.io/enforce': 'restricted' } } },
    webSa: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('shop-web', 'web'), automountServiceAccountToken: false },
    dbSa: { apiVersion: 'v1', kind: 'ServiceAccount', metadata: meta('shop-db', 'database'), automountServiceAccountToken: false },
    env: { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta('shop-web-env', 'web'), data: { PORT: '8000', TZ: 'UTC' } },
    secret: { apiVersion: 'v1', kind: 'Secret', metadata: meta('shop-secrets', 'secrets'), type: 'Opaque', stringData: { SECRET_KEY: 'not-a-real-key' } },
    generator: {
      apiVersion: 'generators.external-secrets.io/v1alpha1',
      kind: 'Password',
      metadata: meta('shop-db-password', 'secrets'),
      spec: { length: 32, secretKeys: ['POSTGRES_PASSWORD'] },
    },
    dbPassword: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('shop-db-password', 'secrets'),
      spec: {
        refreshPolicy: 'CreatedOnce',
        target: { name: 'shop-db-password', creationPolicy: 'Orphan' },
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: 'shop-db-password' } } }],
      },
    },
    sentry: {
      apiVersion: 'external-secrets.io/v1',
      kind: 'ExternalSecret',
      metadata: meta('shop-sentry', 'secrets'),
      spec: {
        secretStoreRef: { kind: 'ClusterSecretStore', name: 'vault' },
        target: { name: 'shop-sentry-dsn' },
        data: [{ secretKey: 'SENTRY_DSN', remoteRef: { key: 'prod/shop', property: 'SENTRY_DSN' } }],
      },
    },
    media: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: meta('shop-media', 'web'),
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } } },
    },
    web: {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: meta('shop-web', 'web'),
      spec: {
        selector: { matchLabels: selector('shop-web') },
        strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 0 } },
        template: {
          metadata: { labels: labels('shop-web', 'web') },
          spec: podSpec('shop-web', [web], {
            initContainers: [wait],
            volumes: [tmp, { name: 'media', persistentVolumeClaim: { claimName: 'shop-media' } }],
            topologySpreadConstraints: spread('shop-web'),
            affinity: {
              podAntiAffinity: {
                preferredDuringSchedulingIgnoredDuringExecution: [
                  { weight: 100, podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels: selector('shop-web') } } },
                ],
              },
            },
          }),
        },
      },
    },
    webSvc: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('shop-web', 'web'),
      spec: { type: 'ClusterIP', selector: selector('shop-web'), ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }] },
    },
    hpa: {
      apiVersion: 'autoscaling/v2',
      kind: 'HorizontalPodAutoscaler',
      metadata: meta('shop-web', 'web'),
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-web' },
        minReplicas: 2,
        maxReplicas: 6,
        metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: 70 } } }],
      },
    },
    pdb: {
      apiVersion: 'policy/v1',
      kind: 'PodDisruptionBudget',
      metadata: meta('shop-web', 'web'),
      spec: { minAvailable: 1, unhealthyPodEvictionPolicy: 'AlwaysAllow', selector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-web' } } },
    },
    webNp: networkPolicy(
      'shop-web',
      'web',
      [{ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'ingress-nginx' } } }], ports: [{ port: 8000, protocol: 'TCP' }] }],
      [toDb],
    ),
    ingress: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata: meta('shop-web', 'web'),
      spec: {
        ingressClassName: 'nginx',
        tls: [{ hosts: ['shop.example.com'], secretName: 'shop-tls' }],
        rules: [{ host: 'shop.example.com', http: { paths: [{ path: '/', pathType: 'Prefix', backend: { service: { name: 'shop-web', port: { name: 'http' } } } }] } }],
      },
    },
    db: {
      apiVersion: 'apps/v1',
      kind: 'StatefulSet',
      metadata: meta('shop-db', 'database'),
      spec: {
        replicas: 1,
        serviceName: 'shop-db-headless',
        selector: { matchLabels: selector('shop-db') },
        template: {
          metadata: { labels: labels('shop-db', 'database') },
          spec: podSpec('shop-db', [postgres], { volumes: [{ name: 'run', emptyDir: {} }], topologySpreadConstraints: spread('shop-db') }),
        },
        volumeClaimTemplates: [{ metadata: { name: 'data' }, spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '5Gi' } } } }],
      },
    },
    dbSvc: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('shop-db', 'database'),
      spec: { type: 'ClusterIP', selector: selector('shop-db'), ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
    },
    dbHeadless: {
      apiVersion: 'v1',
      kind: 'Service',
      metadata: meta('shop-db-headless', 'database'),
      spec: { clusterIP: 'None', selector: selector('shop-db'), ports: [{ name: 'postgres', port: 5432, targetPort: 'postgres' }] },
    },
    dbNp: networkPolicy(
      'shop-db',
      'database',
      [{ from: [{ podSelector: { matchLabels: selector('shop-web') } }, { podSelector: { matchLabels: selector('shop-migrate') } }], ports: [{ port: 5432, protocol: 'TCP' }] }],
      [{ to: [{ namespaceSelector: {}, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ port: 53, protocol: 'UDP' }] }],
    ),
    job: {
      apiVersion: 'batch/v1',
      kind: 'Job',
      metadata: meta('shop-migrate', 'migrations'),
      spec: {
        ttlSecondsAfterFinished: 3600,
        backoffLimit: 2,
        template: { metadata: { labels: labels('shop-migrate', 'migrations') }, spec: podSpec('shop-web', [migrate], { restartPolicy: 'Never', volumes: [tmp] }) },
      },
    },
    jobNp: networkPolicy('shop-migrate', 'migrations', [{ from: [{ podSelector: { matchLabels: selector('shop-web') } }], ports: [{ port: 8080, protocol: 'TCP' }] }], [toDb]),
  };
}

type Fixture = ReturnType<typeof base>;

const all = (f: Fixture): any[] => Object.values(f).filter((o) => o !== undefined);
const webPod = (f: Fixture): any => f.web.spec.template.spec;
const app = (f: Fixture): any => webPod(f).containers[0];
// CloudNativePG objects, as an operator-run database would add them to the output.
const cnpg = (kind: string, name: string, spec: any): any => ({ apiVersion: 'postgresql.cnpg.io/v1', kind, metadata: meta(name, 'database'), spec });
const withCluster = (f: Fixture, spec: any = { instances: 1 }): void => void (f.pg = cnpg('Cluster', 'shop-pg', spec));
const appSc = (f: Fixture): any => app(f).securityContext;
const dbPod = (f: Fixture): any => f.db.spec.template.spec;

/** The findings of one rule over a (mutated) base. */
function findingsOf(ruleId: string, mutate: (f: Fixture) => void = () => undefined, ctx: PolicyContext = {}): Finding[] {
  const rules = RULES.filter((r) => r.id === ruleId);
  if (rules.length !== 1) throw new Error(`no rule ${ruleId}`);
  const f = base();
  mutate(f);
  return checkPolicy(all(f), ctx, { rules });
}

// The one pair of rules no output can satisfy together: kube-score wants an HPA'd Deployment to
// omit replicas, Polaris wants replicas >= 2 on every Deployment (POLICY.md, "Where the checkers
// disagree"). The base follows kube-score.
const CONFLICTING_WITH_BASE = ['polaris/deploymentMissingReplicas'];

// ---------------------------------------------------------------------------------------------
// Failing cases: every rule needs at least one. Titles complete "fails if ...".
// ---------------------------------------------------------------------------------------------

interface Case {
  readonly rule: string;
  readonly title: string;
  readonly mutate: (f: Fixture) => void;
  readonly ctx?: PolicyContext;
}

const FAILING: Case[] = [
  // Pod Security Standards
  { rule: 'pss/host-namespaces', title: 'the pod uses the host network', mutate: (f) => (webPod(f).hostNetwork = true) },
  { rule: 'pss/host-namespaces', title: 'the pod shares the host PID namespace', mutate: (f) => (webPod(f).hostPID = true) },
  { rule: 'pss/privileged', title: 'a container is privileged', mutate: (f) => (appSc(f).privileged = true) },
  { rule: 'pss/privileged', title: 'an init container is privileged', mutate: (f) => (webPod(f).initContainers[0].securityContext.privileged = true) },
  { rule: 'pss/host-path-volumes', title: 'the pod has a hostPath volume', mutate: (f) => webPod(f).volumes.push({ name: 'h', hostPath: { path: '/data' } }) },
  { rule: 'pss/host-ports', title: 'a container port sets hostPort', mutate: (f) => (app(f).ports[0].hostPort = 8000) },
  { rule: 'pss/capabilities-add', title: 'a container adds a capability other than NET_BIND_SERVICE', mutate: (f) => (appSc(f).capabilities.add = ['NET_BIND_SERVICE', 'NET_ADMIN']) },
  { rule: 'pss/capabilities-drop-all', title: 'a container drops only some capabilities', mutate: (f) => (appSc(f).capabilities.drop = ['NET_RAW']) },
  {
    rule: 'pss/capabilities-drop-all',
    title: 'an ephemeral container drops nothing',
    mutate: (f) => (webPod(f).ephemeralContainers = [{ name: 'debug', image: 'busybox:1.36', securityContext: { allowPrivilegeEscalation: false } }]),
  },
  { rule: 'pss/allow-privilege-escalation', title: 'allowPrivilegeEscalation is unset', mutate: (f) => delete appSc(f).allowPrivilegeEscalation },
  { rule: 'pss/allow-privilege-escalation', title: 'allowPrivilegeEscalation is true', mutate: (f) => (appSc(f).allowPrivilegeEscalation = true) },
  {
    rule: 'pss/run-as-non-root',
    title: 'neither the pod nor a container sets runAsNonRoot',
    mutate: (f) => {
      delete webPod(f).securityContext.runAsNonRoot;
      delete appSc(f).runAsNonRoot;
    },
  },
  { rule: 'pss/run-as-non-root', title: 'a container sets runAsNonRoot: false over a true pod', mutate: (f) => (appSc(f).runAsNonRoot = false) },
  { rule: 'pss/run-as-user', title: 'a container runs as uid 0', mutate: (f) => (appSc(f).runAsUser = 0) },
  { rule: 'pss/run-as-user', title: 'the pod runs as uid 0', mutate: (f) => (webPod(f).securityContext.runAsUser = 0) },
  { rule: 'pss/seccomp-profile', title: 'no seccomp profile is set anywhere', mutate: (f) => delete webPod(f).securityContext.seccompProfile },
  { rule: 'pss/seccomp-profile', title: 'a container sets Unconfined over a RuntimeDefault pod', mutate: (f) => (appSc(f).seccompProfile = { type: 'Unconfined' }) },
  { rule: 'pss/volume-types', title: 'the pod has an nfs volume', mutate: (f) => webPod(f).volumes.push({ name: 'n', nfs: { server: 'nas', path: '/' } }) },
  { rule: 'pss/proc-mount', title: 'a container sets procMount: Unmasked', mutate: (f) => (appSc(f).procMount = 'Unmasked') },
  { rule: 'pss/sysctls', title: 'the pod sets an unsafe sysctl', mutate: (f) => (webPod(f).securityContext.sysctls = [{ name: 'kernel.msgmax', value: '65536' }]) },
  { rule: 'pss/probe-host', title: 'a probe sets httpGet.host', mutate: (f) => (app(f).readinessProbe.httpGet.host = '10.0.0.1') },
  { rule: 'pss/probe-host', title: 'a preStop hook sets tcpSocket.host', mutate: (f) => (app(f).lifecycle = { preStop: { tcpSocket: { port: 8000, host: 'metadata' } } }) },

  // kube-score
  { rule: 'kube-score/container-resources', title: 'a container has no CPU limit', mutate: (f) => delete app(f).resources.limits.cpu },
  { rule: 'kube-score/container-resources', title: 'an init container requests 0 memory', mutate: (f) => (webPod(f).initContainers[0].resources.requests.memory = '0') },
  { rule: 'kube-score/container-image-tag', title: 'an image uses the latest tag', mutate: (f) => (app(f).image = 'ghcr.io/acme/shop:latest') },
  { rule: 'kube-score/container-image-tag', title: 'an image has no tag', mutate: (f) => (app(f).image = 'ghcr.io/acme/shop') },
  { rule: 'kube-score/container-image-pull-policy', title: 'a tagged image uses IfNotPresent', mutate: (f) => (app(f).imagePullPolicy = 'IfNotPresent') },
  { rule: 'kube-score/container-image-pull-policy', title: 'a tagged image leaves imagePullPolicy unset', mutate: (f) => delete app(f).imagePullPolicy },
  { rule: 'kube-score/container-security-context-readonlyrootfilesystem', title: 'the root filesystem is writable', mutate: (f) => (appSc(f).readOnlyRootFilesystem = false) },
  { rule: 'kube-score/container-security-context-readonlyrootfilesystem', title: 'a container has no securityContext', mutate: (f) => delete app(f).securityContext },
  {
    rule: 'kube-score/container-security-context-user-group-id',
    title: 'the pod runs as the postgres uid/gid 999',
    mutate: (f) => Object.assign(dbPod(f).securityContext, { runAsUser: 999, runAsGroup: 999 }),
  },
  { rule: 'kube-score/pod-probes', title: 'a Service targets pods without a readinessProbe', mutate: (f) => delete app(f).readinessProbe },
  { rule: 'kube-score/pod-probes', title: 'a Service targets pods without a livenessProbe', mutate: (f) => delete app(f).livenessProbe },
  { rule: 'kube-score/pod-probes-identical', title: 'readiness and liveness are the same httpGet', mutate: (f) => (app(f).livenessProbe = { httpGet: { path: '/ready', port: 'http' } }) },
  {
    rule: 'kube-score/pod-probes-identical',
    title: 'readiness and liveness run the same command',
    mutate: (f) => (dbPod(f).containers[0].livenessProbe = { exec: { command: ['pg_isready', '--host', '127.0.0.1'] } }),
  },
  { rule: 'kube-score/pod-networkpolicy', title: 'the only policy selecting the pod covers Ingress only', mutate: (f) => (f.webNp.spec.policyTypes = ['Ingress']) },
  { rule: 'kube-score/pod-networkpolicy', title: 'no policy selects the pod', mutate: (f) => delete f.jobNp },
  { rule: 'kube-score/environment-variable-key-duplication', title: 'a container declares an env var twice', mutate: (f) => app(f).env.push({ name: 'PORT', value: '9000' }) },
  {
    rule: 'kube-score/networkpolicy-targets-pod',
    title: 'a NetworkPolicy selects no pod',
    mutate: (f) => (f.webNp.spec.podSelector.matchLabels['app.kubernetes.io/instance'] = 'shop-wbe'),
  },
  {
    rule: 'kube-score/deployment-has-poddisruptionbudget',
    title: 'no PDB selects the Deployment pods',
    mutate: (f) => (f.pdb.spec.selector.matchLabels['app.kubernetes.io/instance'] = 'shop-api'),
  },
  { rule: 'kube-score/statefulset-has-poddisruptionbudget', title: 'a 3-replica StatefulSet has no PDB', mutate: (f) => (f.db.spec.replicas = 3) },
  { rule: 'kube-score/poddisruptionbudget-has-policy', title: 'a PDB sets neither minAvailable nor maxUnavailable', mutate: (f) => delete f.pdb.spec.minAvailable },
  { rule: 'kube-score/deployment-has-host-podantiaffinity', title: 'an HPA-scaled Deployment has no anti-affinity', mutate: (f) => delete webPod(f).affinity },
  {
    rule: 'kube-score/deployment-has-host-podantiaffinity',
    title: 'the anti-affinity term does not match the pods',
    mutate: (f) => (webPod(f).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels = { app: 'other' }),
  },
  { rule: 'kube-score/statefulset-has-host-podantiaffinity', title: 'a 3-replica StatefulSet has no anti-affinity', mutate: (f) => (f.db.spec.replicas = 3) },
  { rule: 'kube-score/deployment-strategy', title: 'a Deployment behind a Service uses Recreate', mutate: (f) => (f.web.spec.strategy = { type: 'Recreate' }) },
  { rule: 'kube-score/deployment-replicas', title: 'a Deployment behind a Service runs one replica without an HPA', mutate: (f) => delete f.hpa },
  { rule: 'kube-score/deployment-targeted-by-hpa-does-not-have-replicas-configured', title: 'an HPA-scaled Deployment sets replicas', mutate: (f) => (f.web.spec.replicas = 3) },
  {
    rule: 'kube-score/deployment-pod-selector-labels-match-template-metadata-labels',
    title: 'the Deployment selector does not match its template',
    mutate: (f) => (f.web.spec.selector.matchLabels['app.kubernetes.io/instance'] = 'web'),
  },
  {
    rule: 'kube-score/statefulset-pod-selector-labels-match-template-metadata-labels',
    title: 'the StatefulSet selector does not match its template',
    mutate: (f) => (f.db.spec.selector = { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }),
  },
  { rule: 'kube-score/statefulset-has-servicename', title: 'the serviceName Service is not headless', mutate: (f) => delete f.dbHeadless.spec.clusterIP },
  { rule: 'kube-score/statefulset-has-servicename', title: 'serviceName names no Service', mutate: (f) => (f.db.spec.serviceName = 'shop-db-hl') },
  { rule: 'kube-score/service-targets-pod', title: 'a Service selects no pod', mutate: (f) => (f.webSvc.spec.selector['app.kubernetes.io/instance'] = 'shop-wbe') },
  { rule: 'kube-score/service-type', title: 'a Service is a NodePort', mutate: (f) => (f.webSvc.spec.type = 'NodePort') },
  { rule: 'kube-score/ingress-targets-service', title: 'an Ingress backend names a port the Service lacks', mutate: (f) => (f.ingress.spec.rules[0].http.paths[0].backend.service.port = { name: 'https' }) },
  { rule: 'kube-score/horizontalpodautoscaler-has-target', title: 'the HPA targets a missing Deployment', mutate: (f) => (f.hpa.spec.scaleTargetRef.name = 'shop-api') },
  { rule: 'kube-score/horizontalpodautoscaler-has-target', title: 'the HPA target apiVersion differs', mutate: (f) => (f.hpa.spec.scaleTargetRef.apiVersion = 'apps/v1beta2') },
  { rule: 'kube-score/horizontalpodautoscaler-replicas', title: 'the HPA leaves minReplicas at its default of 1', mutate: (f) => delete f.hpa.spec.minReplicas },
  { rule: 'kube-score/label-values', title: 'a label value has a space', mutate: (f) => (f.web.metadata.labels.team = 'web team') },
  { rule: 'kube-score/stable-version', title: 'an HPA uses autoscaling/v2beta2', mutate: (f) => (f.hpa.apiVersion = 'autoscaling/v2beta2') },

  // kube-linter
  { rule: 'kube-linter/dangling-service', title: 'a Service selects no pod', mutate: (f) => (f.dbSvc.spec.selector['app.kubernetes.io/instance'] = 'postgres') },
  { rule: 'kube-linter/non-existent-service-account', title: 'the pod names a missing ServiceAccount', mutate: (f) => (webPod(f).serviceAccountName = 'ghost') },
  { rule: 'kube-linter/mismatching-selector', title: 'the selector does not match the template labels', mutate: (f) => (f.web.spec.selector.matchLabels['app.kubernetes.io/name'] = 'store') },
  { rule: 'kube-linter/liveness-port', title: 'the liveness probe targets an undeclared port', mutate: (f) => (app(f).livenessProbe.httpGet.port = 9090) },
  { rule: 'kube-linter/readiness-port', title: 'the readiness probe targets an undeclared port name', mutate: (f) => (app(f).readinessProbe.httpGet.port = 'metrics') },
  { rule: 'kube-linter/startup-port', title: 'the startup probe targets an undeclared port', mutate: (f) => (app(f).startupProbe.tcpSocket.port = 9000) },
  { rule: 'kube-linter/latest-tag', title: 'an image has no tag', mutate: (f) => (app(f).image = 'ghcr.io/acme/shop') },
  { rule: 'kube-linter/latest-tag', title: 'the only colon is a registry port', mutate: (f) => (app(f).image = 'registry:5000/acme/shop') },
  { rule: 'kube-linter/unset-cpu-requirements', title: 'a container requests no CPU', mutate: (f) => delete app(f).resources.requests.cpu },
  { rule: 'kube-linter/unset-memory-requirements', title: 'a container has memory limit 0', mutate: (f) => (app(f).resources.limits.memory = '0') },
  {
    rule: 'kube-linter/run-as-non-root',
    title: 'nothing sets runAsNonRoot or a non-zero runAsUser',
    mutate: (f) => {
      delete webPod(f).securityContext.runAsUser;
      delete webPod(f).securityContext.runAsNonRoot;
      delete appSc(f).runAsNonRoot;
    },
  },
  { rule: 'kube-linter/no-read-only-root-fs', title: 'readOnlyRootFilesystem is unset', mutate: (f) => delete appSc(f).readOnlyRootFilesystem },
  { rule: 'kube-linter/privilege-escalation-container', title: 'allowPrivilegeEscalation is true', mutate: (f) => (appSc(f).allowPrivilegeEscalation = true) },
  { rule: 'kube-linter/privilege-escalation-container', title: 'a container adds SYS_ADMIN', mutate: (f) => (appSc(f).capabilities.add = ['SYS_ADMIN']) },
  { rule: 'kube-linter/privileged-container', title: 'a container is privileged', mutate: (f) => (appSc(f).privileged = true) },
  { rule: 'kube-linter/drop-net-raw-capability', title: 'a container does not drop NET_RAW', mutate: (f) => (appSc(f).capabilities.drop = ['CHOWN']) },
  {
    rule: 'kube-linter/no-anti-affinity',
    title: 'a 3-replica Deployment has no anti-affinity',
    mutate: (f) => {
      f.web.spec.replicas = 3;
      delete webPod(f).affinity;
    },
  },
  { rule: 'kube-linter/pdb-min-available', title: 'minAvailable equals the HPA minReplicas', mutate: (f) => (f.pdb.spec.minAvailable = 2) },
  { rule: 'kube-linter/pdb-min-available', title: 'minAvailable is 100%', mutate: (f) => (f.pdb.spec.minAvailable = '100%') },
  {
    rule: 'kube-linter/pdb-max-unavailable',
    title: 'maxUnavailable is 0',
    mutate: (f) => {
      delete f.pdb.spec.minAvailable;
      f.pdb.spec.maxUnavailable = 0;
    },
  },
  { rule: 'kube-linter/pdb-unhealthy-pod-eviction-policy', title: 'unhealthyPodEvictionPolicy is unset', mutate: (f) => delete f.pdb.spec.unhealthyPodEvictionPolicy },
  { rule: 'kube-linter/job-ttl-seconds-after-finished', title: 'a standalone Job has no ttlSecondsAfterFinished', mutate: (f) => delete f.job.spec.ttlSecondsAfterFinished },
  {
    rule: 'kube-linter/job-ttl-seconds-after-finished',
    title: 'a CronJob job template sets ttlSecondsAfterFinished',
    mutate: (f) => {
      f.cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('shop-cleanup', 'jobs'), spec: { schedule: '@daily', jobTemplate: { spec: { ...f.job.spec } } } };
    },
  },
  { rule: 'kube-linter/env-var-secret', title: 'an env var named like a secret has a literal value', mutate: (f) => app(f).env.push({ name: 'API_SECRET', value: 'hunter2' }) },
  { rule: 'kube-linter/duplicate-env-var', title: 'a container declares an env var twice', mutate: (f) => app(f).env.push({ name: 'DATABASE_HOST', value: 'other' }) },
  { rule: 'kube-linter/host-network', title: 'the pod uses the host network', mutate: (f) => (webPod(f).hostNetwork = true) },
  { rule: 'kube-linter/host-pid', title: 'the pod shares the host PID namespace', mutate: (f) => (webPod(f).hostPID = true) },
  { rule: 'kube-linter/host-ipc', title: 'the pod shares the host IPC namespace', mutate: (f) => (webPod(f).hostIPC = true) },
  { rule: 'kube-linter/sensitive-host-mounts', title: 'the pod mounts /etc from the host', mutate: (f) => webPod(f).volumes.push({ name: 'etc', hostPath: { path: '/etc' } }) },
  { rule: 'kube-linter/ssh-port', title: 'a container exposes port 22', mutate: (f) => app(f).ports.push({ name: 'ssh', containerPort: 22 }) },
  { rule: 'kube-linter/unsafe-sysctls', title: 'the pod sets a net.* sysctl', mutate: (f) => (webPod(f).securityContext.sysctls = [{ name: 'net.core.somaxconn', value: '1024' }]) },

  // Polaris
  { rule: 'polaris/tagNotSpecified', title: 'an image uses latest', mutate: (f) => (app(f).image = 'ghcr.io/acme/shop:latest') },
  { rule: 'polaris/tagNotSpecified', title: 'an image has no tag', mutate: (f) => (app(f).image = 'shop') },
  { rule: 'polaris/pullPolicyNotAlways', title: 'imagePullPolicy is unset', mutate: (f) => delete app(f).imagePullPolicy },
  { rule: 'polaris/pullPolicyNotAlways', title: 'a tagged (not digest-pinned) image uses IfNotPresent', mutate: (f) => (app(f).imagePullPolicy = 'IfNotPresent') },
  { rule: 'polaris/readinessProbeMissing', title: 'a container has no readinessProbe', mutate: (f) => delete app(f).readinessProbe },
  { rule: 'polaris/livenessProbeMissing', title: 'a container has no livenessProbe', mutate: (f) => delete dbPod(f).containers[0].livenessProbe },
  { rule: 'polaris/cpuRequestsMissing', title: 'a container requests no CPU', mutate: (f) => delete app(f).resources.requests.cpu },
  { rule: 'polaris/cpuLimitsMissing', title: 'a container has no CPU limit', mutate: (f) => delete app(f).resources.limits.cpu },
  { rule: 'polaris/memoryRequestsMissing', title: 'a container requests no memory', mutate: (f) => delete app(f).resources.requests.memory },
  { rule: 'polaris/memoryLimitsMissing', title: 'a container has no memory limit', mutate: (f) => delete app(f).resources.limits },
  { rule: 'polaris/notReadOnlyRootFilesystem', title: 'the root filesystem is writable', mutate: (f) => (appSc(f).readOnlyRootFilesystem = false) },
  { rule: 'polaris/privilegeEscalationAllowed', title: 'allowPrivilegeEscalation is unset', mutate: (f) => delete appSc(f).allowPrivilegeEscalation },
  {
    rule: 'polaris/runAsRootAllowed',
    title: 'neither the pod nor the container prevents root',
    mutate: (f) => {
      delete webPod(f).securityContext.runAsUser;
      delete webPod(f).securityContext.runAsNonRoot;
      delete appSc(f).runAsNonRoot;
    },
  },
  { rule: 'polaris/runAsRootAllowed', title: 'the container overrides a non-root pod with runAsNonRoot: false', mutate: (f) => (appSc(f).runAsNonRoot = false) },
  { rule: 'polaris/runAsPrivileged', title: 'a container is privileged', mutate: (f) => (appSc(f).privileged = true) },
  { rule: 'polaris/dangerousCapabilities', title: 'a container adds NET_ADMIN', mutate: (f) => (appSc(f).capabilities.add = ['net_admin']) },
  { rule: 'polaris/insecureCapabilities', title: 'a container does not drop ALL', mutate: (f) => (appSc(f).capabilities.drop = ['NET_RAW']) },
  {
    rule: 'polaris/linuxHardening',
    title: 'there is no seccomp profile, SELinux, AppArmor or dropped capability',
    mutate: (f) => {
      delete webPod(f).securityContext.seccompProfile;
      appSc(f).capabilities.drop = [];
    },
  },
  { rule: 'polaris/sensitiveContainerEnvVar', title: 'a password is set with a literal value', mutate: (f) => app(f).env.push({ name: 'DB_PASSWORD', value: 'hunter2' }) },
  { rule: 'polaris/sensitiveContainerEnvVar', title: 'a literal value holds a private key', mutate: (f) => app(f).env.push({ name: 'TLS_KEY', value: '-----BEGIN RSA PRIVATE KEY-----\nabc' }) },
  { rule: 'polaris/hostPortSet', title: 'a container port sets hostPort', mutate: (f) => (app(f).ports[0].hostPort = 80) },
  { rule: 'polaris/hostIPCSet', title: 'hostIPC is true', mutate: (f) => (webPod(f).hostIPC = true) },
  { rule: 'polaris/hostPIDSet', title: 'hostPID is true', mutate: (f) => (webPod(f).hostPID = true) },
  { rule: 'polaris/hostNetworkSet', title: 'hostNetwork is true', mutate: (f) => (webPod(f).hostNetwork = true) },
  { rule: 'polaris/hostPathSet', title: 'the pod has a hostPath volume', mutate: (f) => webPod(f).volumes.push({ name: 'h', hostPath: { path: '/srv' } }) },
  { rule: 'polaris/priorityClassNotSet', title: 'the pod sets no priorityClassName', mutate: (f) => delete f.job.spec.template.spec.priorityClassName },
  { rule: 'polaris/automountServiceAccountToken', title: 'the pod uses the default ServiceAccount', mutate: (f) => delete dbPod(f).serviceAccountName },
  {
    rule: 'polaris/automountServiceAccountToken',
    title: 'neither the pod nor its ServiceAccount disables the token',
    mutate: (f) => {
      delete webPod(f).automountServiceAccountToken;
      delete f.webSa.automountServiceAccountToken;
    },
  },
  { rule: 'polaris/topologySpreadConstraint', title: 'the pod has no topology spread constraints', mutate: (f) => delete webPod(f).topologySpreadConstraints },
  { rule: 'polaris/topologySpreadConstraint', title: 'a constraint spreads over an unknown key', mutate: (f) => (dbPod(f).topologySpreadConstraints[0].topologyKey = 'rack') },
  {
    rule: 'polaris/missingNetworkPolicy',
    title: 'the policy matchLabels repeats two pod labels (oneOf)',
    mutate: (f) => (f.webNp.spec.podSelector.matchLabels['app.kubernetes.io/name'] = 'shop'),
  },
  { rule: 'polaris/missingNetworkPolicy', title: 'the policy has no egress rule', mutate: (f) => (f.jobNp.spec.egress = []) },
  { rule: 'polaris/missingNetworkPolicy', title: 'the policy declares only Ingress', mutate: (f) => (f.dbNp.spec.policyTypes = ['Ingress']) },
  { rule: 'polaris/metadataAndInstanceMismatched', title: 'the Job name carries a hash the instance label lacks', mutate: (f) => (f.job.metadata.name = 'shop-migrate-44ad443863') },
  { rule: 'polaris/deploymentMissingReplicas', title: 'an HPA-scaled Deployment omits replicas (conflicts with kube-score)', mutate: () => undefined },
  { rule: 'polaris/deploymentMissingReplicas', title: 'a Deployment runs one replica', mutate: (f) => (f.web.spec.replicas = 1) },
  { rule: 'polaris/missingPodDisruptionBudget', title: 'no PDB shares a label with the Deployment', mutate: (f) => delete f.pdb },
  { rule: 'polaris/pdbMinAvailableGreaterThanHPAMinReplicas', title: 'minAvailable 3 exceeds HPA minReplicas 2', mutate: (f) => (f.pdb.spec.minAvailable = 3) },
  { rule: 'polaris/pdbDisruptionsIsZero', title: 'minAvailable is 100%', mutate: (f) => (f.pdb.spec.minAvailable = '100%') },
  {
    rule: 'polaris/pdbDisruptionsIsZero',
    title: 'maxUnavailable is 0%',
    mutate: (f) => {
      delete f.pdb.spec.minAvailable;
      f.pdb.spec.maxUnavailable = '0%';
    },
  },
  { rule: 'polaris/hpaMinAvailability', title: 'minReplicas is 1', mutate: (f) => (f.hpa.spec.minReplicas = 1) },
  { rule: 'polaris/hpaMaxAvailability', title: 'maxReplicas equals minReplicas', mutate: (f) => (f.hpa.spec.maxReplicas = 2) },
  { rule: 'polaris/tlsSettingsMissing', title: 'the Ingress has no tls', mutate: (f) => delete f.ingress.spec.tls },

  // Cross-references
  { rule: 'xref/service-selector', title: 'the Service selector has a typo', mutate: (f) => (f.webSvc.spec.selector['app.kubernetes.io/instance'] = 'shop-wbe') },
  { rule: 'xref/service-target-port', title: 'targetPort names a port no container declares', mutate: (f) => (f.webSvc.spec.ports[0].targetPort = 'web') },
  { rule: 'xref/service-target-port', title: 'targetPort defaults to a port number no container declares', mutate: (f) => (f.dbSvc.spec.ports[0] = { name: 'postgres', port: 80 }) },
  { rule: 'xref/service-target-port', title: 'the protocol differs from the container port', mutate: (f) => (f.webSvc.spec.ports[0].protocol = 'UDP') },
  { rule: 'xref/workload-selector', title: 'the selector does not match the template labels', mutate: (f) => (f.db.spec.selector.matchLabels['app.kubernetes.io/instance'] = 'db') },
  { rule: 'xref/workload-selector', title: 'a Deployment has no selector', mutate: (f) => delete f.web.spec.selector },
  { rule: 'xref/statefulset-service-name', title: 'serviceName names no Service', mutate: (f) => (f.db.spec.serviceName = 'shop-postgres') },
  { rule: 'xref/statefulset-service-name', title: 'the named Service is not headless', mutate: (f) => (f.db.spec.serviceName = 'shop-db') },
  { rule: 'xref/statefulset-service-name', title: 'the headless Service selects other pods', mutate: (f) => (f.dbHeadless.spec.selector = selector('shop-web')) },
  { rule: 'xref/hpa-target', title: 'scaleTargetRef names no workload', mutate: (f) => (f.hpa.spec.scaleTargetRef.kind = 'StatefulSet') },
  { rule: 'xref/hpa-target', title: 'the scaled workload sets replicas', mutate: (f) => (f.web.spec.replicas = 2) },
  { rule: 'xref/hpa-target', title: 'a container does not request the CPU a Utilization metric needs', mutate: (f) => delete app(f).resources.requests.cpu },
  {
    rule: 'xref/hpa-target',
    title: 'a memory Utilization metric is added while a sidecar requests no memory',
    mutate: (f) => {
      f.hpa.spec.metrics.push({ type: 'Resource', resource: { name: 'memory', target: { type: 'Utilization', averageUtilization: 80 } } });
      webPod(f).initContainers.push({ ...container('proxy', { restartPolicy: 'Always' }), resources: { requests: { cpu: '10m' }, limits: { cpu: '100m', memory: '64Mi' } } });
    },
  },
  { rule: 'xref/pdb-selector', title: 'the PDB selects no pods', mutate: (f) => (f.pdb.spec.selector.matchLabels = { 'app.kubernetes.io/instance': 'shop-api' }) },
  { rule: 'xref/pdb-selector', title: 'minAvailable equals the HPA minReplicas', mutate: (f) => (f.pdb.spec.minAvailable = 2) },
  {
    rule: 'xref/pdb-selector',
    title: 'minAvailable 50% of a 1-replica StatefulSet leaves nothing to evict',
    mutate: (f) => {
      f.pdb.spec.selector.matchLabels = { 'app.kubernetes.io/instance': 'shop-db' };
      f.pdb.spec.minAvailable = '50%';
    },
  },
  { rule: 'xref/networkpolicy-selector', title: 'podSelector selects no pods', mutate: (f) => (f.webNp.spec.podSelector.matchLabels['app.kubernetes.io/instance'] = 'shop-wbe') },
  {
    rule: 'xref/networkpolicy-selector',
    title: 'an ingress peer podSelector selects no pods',
    mutate: (f) => (f.dbNp.spec.ingress[0].from[1].podSelector.matchLabels['app.kubernetes.io/instance'] = 'shop-migration'),
  },
  { rule: 'xref/networkpolicy-selector', title: 'an egress peer podSelector selects no pods', mutate: (f) => (f.webNp.spec.egress[0] = { to: [{ podSelector: { matchLabels: { app: 'redis' } } }] }) },
  { rule: 'xref/ingress-backend', title: 'the backend Service is missing', mutate: (f) => (f.ingress.spec.rules[0].http.paths[0].backend.service.name = 'shop-api') },
  { rule: 'xref/ingress-backend', title: 'the backend port number is not a Service port', mutate: (f) => (f.ingress.spec.rules[0].http.paths[0].backend.service.port = { number: 8000 }) },
  { rule: 'xref/ingress-backend', title: 'the default backend names a missing Service', mutate: (f) => (f.ingress.spec.defaultBackend = { service: { name: 'fallback', port: { number: 80 } } }) },
  { rule: 'xref/probe-port', title: 'a probe names a port the container does not declare', mutate: (f) => (app(f).livenessProbe.httpGet.port = 'metrics') },
  { rule: 'xref/probe-port', title: 'a grpc probe targets an undeclared port', mutate: (f) => (dbPod(f).containers[0].readinessProbe = { grpc: { port: 9090 } }) },
  { rule: 'xref/service-account', title: 'serviceAccountName names no ServiceAccount', mutate: (f) => (dbPod(f).serviceAccountName = 'postgres') },
  { rule: 'xref/volume-mounts', title: 'a container mounts a volume the pod lacks', mutate: (f) => app(f).volumeMounts.push({ name: 'cache', mountPath: '/cache' }) },
  { rule: 'xref/pvc-claim', title: 'claimName names no PVC', mutate: (f) => (webPod(f).volumes[1].persistentVolumeClaim.claimName = 'shop-uploads') },
  { rule: 'xref/env-refs', title: 'a secretKeyRef names a key the Secret lacks', mutate: (f) => (app(f).env[1].valueFrom.secretKeyRef.key = 'DJANGO_SECRET_KEY') },
  { rule: 'xref/env-refs', title: 'a secretKeyRef names a Secret nothing provides', mutate: (f) => (app(f).env[1].valueFrom.secretKeyRef.name = 'shop-secret') },
  { rule: 'xref/env-refs', title: 'a configMapKeyRef names a key the ConfigMap lacks', mutate: (f) => (app(f).env[0].valueFrom.configMapKeyRef.key = 'WEB_CONCURRENCY') },
  { rule: 'xref/env-refs', title: 'envFrom names a missing Secret', mutate: (f) => app(f).envFrom.push({ secretRef: { name: 'shop-extra' } }) },
  { rule: 'xref/env-refs', title: 'the Password generator does not yield the key read', mutate: (f) => (f.generator.spec.secretKeys = ['password']) },
  { rule: 'xref/env-refs', title: 'the generatorRef names a missing generator', mutate: (f) => delete f.generator },
  { rule: 'xref/env-refs', title: 'a Secret is only declared to exist with other keys', mutate: (f) => (app(f).env[1].valueFrom.secretKeyRef.name = 'legacy'), ctx: { externalSecrets: { legacy: ['OTHER'] } } },
  {
    rule: 'xref/env-refs',
    title: 'a secret volume item names a missing key',
    mutate: (f) => webPod(f).volumes.push({ name: 'keys', secret: { secretName: 'shop-secrets', items: [{ key: 'tls.key', path: 'tls.key' }] } }),
  },
  { rule: 'xref/external-secret-target', title: 'no pod reads the target Secret', mutate: (f) => (f.sentry.spec.target.name = 'shop-sentry') },
  { rule: 'xref/external-secret-target', title: 'pods read a key the ExternalSecret does not yield', mutate: (f) => app(f).env.push(secretRef('SENTRY_ENV', 'shop-sentry-dsn', 'SENTRY_ENVIRONMENT')) },
  { rule: 'xref/external-secret-target', title: 'the Password generator is missing', mutate: (f) => delete f.generator },
  { rule: 'xref/cnpg-cluster-ref', title: 'a Pooler names a Cluster that is not in the output', mutate: (f) => void (f.pooler = cnpg('Pooler', 'shop-pg-pooler', { cluster: { name: 'shop-pg' }, instances: 1, type: 'rw', pgbouncer: {} })) },
  { rule: 'xref/cnpg-cluster-ref', title: 'a ScheduledBackup names a Cluster with a typo', mutate: (f) => { withCluster(f); f.backup = cnpg('ScheduledBackup', 'shop-pg-backup', { cluster: { name: 'shop-pgg' }, schedule: '0 0 2 * * *' }); } },
  {
    rule: 'xref/cnpg-backup-plugin',
    title: 'a ScheduledBackup by plugin names a plugin its Cluster does not run',
    mutate: (f) => { withCluster(f); f.backup = cnpg('ScheduledBackup', 'shop-pg-backup', { cluster: { name: 'shop-pg' }, schedule: '0 0 2 * * *', method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } }); },
  },
  { rule: 'xref/cnpg-backup-plugin', title: 'a Cluster archives WAL to an ObjectStore that is not in the output', mutate: (f) => withCluster(f, { instances: 1, plugins: [{ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'shop-pg-backups' } }] }) },
  { rule: 'xref/database-host', title: 'PGHOST (through envFrom) names a -rw Service no Cluster makes', mutate: (f) => (f.env.data.PGHOST = 'shop-pg-rw') },
  {
    rule: 'xref/database-host',
    title: 'a postgres URL names a pooler that is not in the output, beside a Cluster',
    mutate: (f) => { withCluster(f); app(f).env.push({ name: 'DB_HOST', value: 'shop-pg-rw' }, { name: 'DATABASE_URL', value: 'postgresql://shop:$(PGPASSWORD)@shop-pooler.shop.svc:5432/shop' }); },
  },
];

// Passing variants for rules that apply only conditionally, or with a deliberate exception.
const PASSING: Case[] = [
  { rule: 'kube-score/container-image-pull-policy', title: 'a digest-pinned image uses IfNotPresent', mutate: (f) => Object.assign(app(f), { image: `ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`, imagePullPolicy: 'IfNotPresent' }) },
  { rule: 'polaris/pullPolicyNotAlways', title: 'a digest-pinned image uses IfNotPresent', mutate: (f) => Object.assign(app(f), { image: `ghcr.io/acme/shop@sha256:${'a'.repeat(64)}`, imagePullPolicy: 'IfNotPresent' }) },
  { rule: 'kube-score/container-image-pull-policy', title: 'an untagged image leaves the policy unset (defaults to Always)', mutate: (f) => Object.assign(app(f), { image: 'shop', imagePullPolicy: undefined }) },
  { rule: 'kube-score/pod-probes', title: 'Job pods have no probes', mutate: () => undefined },
  { rule: 'kube-score/pod-probes', title: 'no Service targets the pods', mutate: (f) => { delete f.webSvc; delete app(f).readinessProbe; } },
  { rule: 'polaris/readinessProbeMissing', title: 'init containers and Job pods have no probes', mutate: () => undefined },
  { rule: 'kube-score/deployment-replicas', title: 'an HPA scales the Deployment', mutate: () => undefined },
  { rule: 'kube-score/deployment-replicas', title: 'no Service targets a 1-replica Deployment', mutate: (f) => { delete f.hpa; delete f.webSvc; } },
  { rule: 'kube-score/deployment-has-poddisruptionbudget', title: 'a 1-replica Deployment has no PDB', mutate: (f) => { delete f.pdb; f.web.spec.replicas = 1; } },
  { rule: 'kube-score/statefulset-has-host-podantiaffinity', title: 'a 1-replica StatefulSet has no anti-affinity', mutate: () => undefined },
  { rule: 'kube-score/deployment-has-host-podantiaffinity', title: 'the anti-affinity is on zones', mutate: (f) => (webPod(f).affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.topologyKey = 'topology.kubernetes.io/zone') },
  { rule: 'kube-linter/no-anti-affinity', title: 'an HPA-scaled Deployment leaves replicas unset (counts as 1)', mutate: (f) => delete webPod(f).affinity },
  { rule: 'polaris/deploymentMissingReplicas', title: 'a Deployment sets replicas: 2', mutate: (f) => (f.web.spec.replicas = 2) },
  { rule: 'polaris/topologySpreadConstraint', title: 'Job pods have none', mutate: () => undefined },
  { rule: 'polaris/hpaMinAvailability', title: 'minReplicas is unset (the schema only checks a set value)', mutate: (f) => delete f.hpa.spec.minReplicas },
  { rule: 'polaris/sensitiveContainerEnvVar', title: 'secret-looking names use valueFrom', mutate: () => undefined },
  { rule: 'pss/run-as-non-root', title: 'every container sets runAsNonRoot without the pod', mutate: (f) => delete webPod(f).securityContext.runAsNonRoot },
  { rule: 'pss/seccomp-profile', title: 'every container sets RuntimeDefault without the pod', mutate: (f) => { delete webPod(f).securityContext.seccompProfile; for (const c of [...webPod(f).containers, ...webPod(f).initContainers]) c.securityContext.seccompProfile = { type: 'RuntimeDefault' }; } },
  { rule: 'kube-linter/job-ttl-seconds-after-finished', title: 'a CronJob leaves ttl to its history limits', mutate: (f) => { f.cron = { apiVersion: 'batch/v1', kind: 'CronJob', metadata: meta('c', 'jobs'), spec: { schedule: '@daily', jobTemplate: { spec: { template: f.job.spec.template } } } }; } },
  { rule: 'xref/networkpolicy-selector', title: 'a peer with a namespaceSelector points outside the output', mutate: (f) => f.webNp.spec.egress.push({ to: [{ namespaceSelector: { matchLabels: { team: 'payments' } }, podSelector: { matchLabels: { app: 'ledger' } } }] }) },
  { rule: 'xref/service-selector', title: 'a Service has no selector (manually managed endpoints)', mutate: (f) => { f.ext = { apiVersion: 'v1', kind: 'Service', metadata: meta('legacy', 'web'), spec: { ports: [{ port: 80 }] } }; } },
  { rule: 'xref/env-refs', title: 'the missing ref is optional', mutate: (f) => app(f).env.push({ name: 'OPTIONAL', valueFrom: { secretKeyRef: { name: 'nope', key: 'X', optional: true } } }) },
  { rule: 'xref/env-refs', title: 'a declared existing Secret holds the key', mutate: (f) => (app(f).env[1].valueFrom.secretKeyRef.name = 'legacy'), ctx: { externalSecrets: { legacy: ['SECRET_KEY'] } } },
  {
    rule: 'xref/env-refs',
    title: 'a Password generator without secretKeys yields "password"',
    mutate: (f) => {
      delete f.generator.spec.secretKeys;
      for (const pod of [webPod(f), dbPod(f), f.job.spec.template.spec])
        for (const c of [...pod.containers, ...(pod.initContainers ?? [])]) for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name === 'shop-db-password') e.valueFrom.secretKeyRef.key = 'password';
    },
  },
  { rule: 'xref/env-refs', title: 'the ExternalSecret target defaults to its own name', mutate: (f) => { delete f.sentry.spec.target; f.sentry.metadata.name = 'shop-sentry-dsn'; } },
  { rule: 'xref/pvc-claim', title: 'the StatefulSet mounts its volumeClaimTemplate', mutate: () => undefined },
  { rule: 'xref/pdb-selector', title: 'minAvailable 50% of an HPA minimum of 4', mutate: (f) => { f.hpa.spec.minReplicas = 4; f.pdb.spec.minAvailable = '50%'; } },
  { rule: 'xref/cnpg-cluster-ref', title: 'the Pooler names a Cluster of the output', mutate: (f) => { withCluster(f); f.pooler = cnpg('Pooler', 'shop-pg-pooler', { cluster: { name: 'shop-pg' }, instances: 1, type: 'rw', pgbouncer: {} }); } },
  {
    rule: 'xref/cnpg-backup-plugin',
    title: 'the Cluster runs the plugin and its ObjectStore is in the output',
    mutate: (f) => {
      withCluster(f, { instances: 1, plugins: [{ name: 'barman-cloud.cloudnative-pg.io', parameters: { barmanObjectName: 'shop-pg-backups' } }] });
      f.store = { apiVersion: 'barmancloud.cnpg.io/v1', kind: 'ObjectStore', metadata: meta('shop-pg-backups', 'database'), spec: { configuration: { destinationPath: 's3://b/p' } } };
      f.backup = cnpg('ScheduledBackup', 'shop-pg-backup', { cluster: { name: 'shop-pg' }, schedule: '0 0 2 * * *', method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' } });
    },
  },
  {
    rule: 'xref/database-host',
    title: 'the hosts are the Cluster\'s -rw and -ro Services and its Pooler, by short and full name',
    mutate: (f) => {
      withCluster(f);
      f.pooler = cnpg('Pooler', 'shop-pg-pooler', { cluster: { name: 'shop-pg' }, instances: 1, type: 'rw', pgbouncer: {} });
      f.env.data.PGHOST = 'shop-pg-pooler';
      app(f).env.push({ name: 'PAPERLESS_DBHOST', value: 'shop-pg-rw.shop.svc.cluster.local' }, { name: 'DATABASE_URL', value: 'postgresql://u:p@shop-pg-ro:5432/shop' });
    },
  },
  {
    rule: 'xref/database-host',
    title: 'the host is a Service of the output, in another namespace, or outside the cluster',
    mutate: (f) => {
      f.env.data.PGHOST = 'shop-db';
      app(f).env.push({ name: 'DB_HOST', value: 'shop-pg-rw.other.svc' }, { name: 'DATABASE_URL', value: 'postgres://u:p@db.abc.eu-west-1.rds.amazonaws.com:5432/shop' });
    },
  },
];

// ---------------------------------------------------------------------------------------------

describe('policy rules', () => {
  test('the compliant base passes every rule (the HPA/replicas conflict aside)', () => {
    const findings = checkPolicy(all(base()), {}, { skip: CONFLICTING_WITH_BASE });
    expect(findings.map(formatFinding)).toEqual([]);
  });

  test('kube-score and Polaris cannot both pass an HPA-scaled Deployment', () => {
    const rules = RULES.filter((r) => r.id === 'polaris/deploymentMissingReplicas' || r.id === 'kube-score/deployment-targeted-by-hpa-does-not-have-replicas-configured');
    for (const replicas of [undefined, 2]) {
      const f = base();
      f.web.spec.replicas = replicas;
      expect(checkPolicy(all(f), {}, { rules })).toHaveLength(1);
    }
  });

  test('rule ids are unique, prefixed by their source, and described', () => {
    const ids = RULES.map((r) => r.id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of RULES) {
      expect(r.id.startsWith(`${r.source}/`)).toBe(true);
      expect(r.description.length).toBeGreaterThan(10);
    }
  });

  test('every rule has a failing case, and every case names a rule', () => {
    const ids = new Set(RULES.map((r) => r.id));
    const covered = new Set(FAILING.map((c) => c.rule));
    expect([...ids].filter((id) => !covered.has(id))).toEqual([]);
    expect([...FAILING, ...PASSING].map((c) => c.rule).filter((id) => !ids.has(id))).toEqual([]);
  });

  describe.each(RULES.map((r) => r.id))('%s', (id) => {
    const failing = FAILING.filter((c) => c.rule === id);
    if (!CONFLICTING_WITH_BASE.includes(id)) {
      test('passes the compliant base', () => {
        expect(findingsOf(id)).toEqual([]);
      });
    }
    test.each(failing.map((c) => [c.title, c] as const))('fails if %s', (_title, c) => {
      const found = findingsOf(id, c.mutate, c.ctx);
      expect(found.length).toBeGreaterThan(0);
      for (const f of found) {
        expect(f.rule).toBe(id);
        expect(f.object).toMatch(/^[A-Za-z]+ shop\/[a-z0-9-]+$/);
        expect(f.message).not.toBe('');
      }
    });
    const passing = PASSING.filter((c) => c.rule === id);
    if (passing.length > 0) {
      test.each(passing.map((c) => [c.title, c] as const))('passes if %s', (_title, c) => {
        expect(findingsOf(id, c.mutate, c.ctx)).toEqual([]);
      });
    }
  });
});

describe('checkPolicy', () => {
  test('skips the rules named in skip, e.g. the deliberate exceptions', () => {
    const f = base();
    Object.assign(dbPod(f).securityContext, { runAsUser: 999, runAsGroup: 999, fsGroup: 999 });
    const id = 'kube-score/container-security-context-user-group-id';
    expect(checkPolicy(all(f)).some((x) => x.rule === id)).toBe(true);
    expect(checkPolicy(all(f), {}, { skip: Object.keys(EXCEPTIONS) }).some((x) => x.rule === id)).toBe(false);
  });

  test('EXCEPTIONS holds exactly the deliberate exceptions the README lists, each with a reason', () => {
    expect(Object.keys(EXCEPTIONS).sort()).toEqual(['kube-score/container-security-context-user-group-id', 'polaris/deploymentMissingReplicas', 'polaris/priorityClassNotSet']);
    expect(EXCEPTIONS['kube-score/container-security-context-user-group-id']).toMatch(/postgres.*999/);
  });

  test('runs only the given rules', () => {
    const f = base();
    app(f).image = 'ghcr.io/acme/shop:latest';
    const rules = RULES.filter((r) => r.id === 'polaris/tagNotSpecified');
    expect(checkPolicy(all(f), {}, { rules }).map((x) => x.rule)).toEqual(['polaris/tagNotSpecified']);
  });

  test('findings point at the object and path', () => {
    const [finding] = findingsOf('pss/allow-privilege-escalation', (g) => (appSc(g).allowPrivilegeEscalation = true));
    expect(finding).toEqual({
      rule: 'pss/allow-privilege-escalation',
      object: 'Deployment shop/shop-web',
      path: 'spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      message: 'container "app": allowPrivilegeEscalation is true (must be false)',
    });
  });

  test('CronJob and bare Pod templates are found where they live', () => {
    const f = base();
    f.cron = {
      apiVersion: 'batch/v1',
      kind: 'CronJob',
      metadata: meta('shop-cron', 'jobs'),
      spec: { schedule: '@daily', jobTemplate: { spec: { template: { metadata: { labels: {} }, spec: { containers: [{ name: 'c', image: 'x:1' }] } } } } },
    };
    f.pod = { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'debug', namespace: NS }, spec: { hostPID: true, containers: [{ name: 'c', image: 'x:1' }] } };
    const findings = checkPolicy(all(f), {}, { rules: RULES.filter((r) => r.id === 'pss/allow-privilege-escalation' || r.id === 'pss/host-namespaces') });
    // Rule order first, then object order.
    expect(findings.map((x) => `${x.object} ${x.path}`)).toEqual([
      'Pod shop/debug spec.hostPID',
      'CronJob shop/shop-cron spec.jobTemplate.spec.template.spec.containers[0].securityContext.allowPrivilegeEscalation',
      'Pod shop/debug spec.containers[0].securityContext.allowPrivilegeEscalation',
    ]);
  });

  test('objects of another namespace do not satisfy references', () => {
    // The web Deployment and the migration Job both use shop-web.
    expect(findingsOf('xref/service-account', (g) => (g.webSa.metadata.namespace = 'other'))).toHaveLength(2);
  });

  test('a run sees the objects as they are now, even when the same array was checked before', () => {
    const f = base();
    const objects = all(f);
    const rules = RULES.filter((r) => r.id === 'xref/service-account');
    expect(checkPolicy(objects, {}, { rules })).toEqual([]);
    objects.splice(objects.indexOf(f.dbSa), 1);
    expect(checkPolicy(objects, {}, { rules })).toHaveLength(1);
  });
});

describe('formatFinding', () => {
  test('joins rule, object, path and message', () => {
    expect(formatFinding({ rule: 'xref/pvc-claim', object: 'Deployment shop/web', path: 'spec.x', message: 'boom' })).toBe('xref/pvc-claim: Deployment shop/web: spec.x: boom');
  });

  test('leaves out a missing path', () => {
    expect(formatFinding({ rule: 'kube-score/pod-probes', object: 'Deployment shop/web', message: 'boom' })).toBe('kube-score/pod-probes: Deployment shop/web: boom');
  });
});
