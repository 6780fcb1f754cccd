import { App } from 'cdk8s';
import { PythonWebStack } from '../constructs';
import { withSeconds } from '../constructs/cloudnative-pg-database';
import { cnpgImage } from '../constructs/resolve-stack';
import { RULES, checkPolicy, formatFinding } from '../lib/check/policy';
import { validateManifests, formatManifestIssue } from '../lib/check/manifest-schema';
import { SYNTH_RULES } from '../lib/check/output-checks';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const objectStore = { destinationPath: 's3://acme-backups/shop', endpointURL: 'https://minio.example.com:9000', credentialsSecret: 'shop-backup-s3' };
const cnpg = (database: any = {}, environment: 'development' | 'staging' | 'production' = 'production') =>
  synthStack(stack({ environment, web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'django' }, database: { engine: 'cloudnative-pg', backup: false, ...database }, secrets: { source: environment === 'development' ? 'generated' : 'existing' } }));
const full = () => cnpg({ pooler: {}, backup: { schedule: '0 2 * * *', retention: '14d', objectStore } });

describe('CloudNativePgDatabase', () => {
  test('a Cluster <name>-postgres: 3 instances in production, 1 elsewhere; database and owner named as for the statefulset', () => {
    const cluster = only(cnpg(), 'Cluster', 'shop-postgres');
    expect(cluster.apiVersion).toBe('postgresql.cnpg.io/v1');
    expect(cluster.spec.instances).toBe(3);
    expect(cluster.spec.bootstrap).toEqual({ initdb: { database: 'shop', owner: 'shop' } });
    expect(only(cnpg({}, 'staging'), 'Cluster').spec.instances).toBe(1);
    expect(only(cnpg({ instances: 5 }), 'Cluster').spec.instances).toBe(5);
  });

  test('storage and resources from the stack; instances spread across nodes and zones', () => {
    const spec = only(cnpg({ storage: { size: '50Gi', storageClassName: 'fast' }, resources: { requests: { cpu: '1', memory: '2Gi' }, limits: { memory: '4Gi' } } }), 'Cluster').spec;
    expect(spec.storage).toEqual({ size: '50Gi', storageClass: 'fast' });
    expect(spec.resources).toEqual({ requests: { cpu: '1', memory: '2Gi' }, limits: { cpu: '1', memory: '4Gi' } });
    expect(spec.affinity).toEqual({ enablePodAntiAffinity: true, topologyKey: 'kubernetes.io/hostname', podAntiAffinityType: 'preferred' });
    expect(spec.topologySpreadConstraints[0]).toMatchObject({ topologyKey: 'topology.kubernetes.io/zone', labelSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-postgres', 'cnpg.io/podRole': 'instance' } } });
  });

  test('an official postgres:<version> image means CloudNativePG\'s image of that version; others are taken as they are', () => {
    expect(cnpgImage(undefined)).toBe('ghcr.io/cloudnative-pg/postgresql:16.4');
    expect(cnpgImage('postgres:15.8')).toBe('ghcr.io/cloudnative-pg/postgresql:15.8');
    expect(cnpgImage('docker.io/library/postgres:17-bookworm')).toBe('ghcr.io/cloudnative-pg/postgresql:17');
    expect(cnpgImage('registry.example.com/pg:16.4-1')).toBe('registry.example.com/pg:16.4-1');
    expect(only(cnpg({ image: 'postgres:15.8' }), 'Cluster').spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:15.8');
  });

  test('the app, the migration Job and its gate read the password from the operator\'s <cluster>-app Secret, through the pooler', () => {
    const objects = full();
    const config = only(objects, 'ConfigMap', 'shop-web-env').data;
    expect(config).toMatchObject({ PGHOST: 'shop-postgres-pooler', PGPORT: '5432', PGDATABASE: 'shop', PGUSER: 'shop' });
    const job = objects.find((o) => o.kind === 'Job');
    for (const c of [container(podSpec(only(objects, 'Deployment')), 'app'), container(podSpec(only(objects, 'Deployment')), 'wait-for-migrations'), container(podSpec(job), 'migrate')]) {
      expect(c.env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-postgres-app', key: 'password' } } });
    }
    // Without a pooler, straight to the primary's read-write Service.
    expect(only(cnpg(), 'ConfigMap', 'shop-web-env').data.PGHOST).toBe('shop-postgres-rw');
  });

  test('no database password of our own: the operator generates it', () => {
    const objects = cnpg({}, 'development');
    expect(objects.filter((o) => o.kind === 'Secret').flatMap((s) => Object.keys(s.stringData ?? {}))).not.toContain('POSTGRES_PASSWORD');
  });

  test('a Pooler <name>-postgres-pooler in front of the primary: transaction pooling and 2 pods by default, restricted and with resources', () => {
    const pooler = only(full(), 'Pooler', 'shop-postgres-pooler');
    expect(pooler.spec).toMatchObject({ cluster: { name: 'shop-postgres' }, instances: 2, type: 'rw', pgbouncer: { poolMode: 'transaction' } });
    const pgbouncer = pooler.spec.template.spec.containers[0];
    expect(pgbouncer.name).toBe('pgbouncer');
    expect(pgbouncer.resources.limits.memory).toBeDefined();
    expect(pgbouncer.securityContext).toMatchObject({ allowPrivilegeEscalation: false, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(only(cnpg({ pooler: { instances: 3, poolMode: 'session' } }), 'Pooler').spec).toMatchObject({ instances: 3, pgbouncer: { poolMode: 'session' } });
  });

  test('backups: an ObjectStore for the Barman Cloud plugin, the Cluster archives WAL through it, a ScheduledBackup by the plugin method', () => {
    const objects = full();
    const store = only(objects, 'ObjectStore', 'shop-postgres-backups');
    expect(store.apiVersion).toBe('barmancloud.cnpg.io/v1');
    expect(store.spec.retentionPolicy).toBe('14d');
    expect(store.spec.configuration).toMatchObject({
      destinationPath: 's3://acme-backups/shop', endpointURL: 'https://minio.example.com:9000',
      s3Credentials: { accessKeyId: { name: 'shop-backup-s3', key: 'ACCESS_KEY_ID' }, secretAccessKey: { name: 'shop-backup-s3', key: 'ACCESS_SECRET_KEY' } },
    });
    const cluster = only(objects, 'Cluster');
    expect(cluster.spec.plugins).toEqual([{ name: 'barman-cloud.cloudnative-pg.io', isWALArchiver: true, parameters: { barmanObjectName: 'shop-postgres-backups' } }]);
    // The deprecated in-tree barmanObjectStore is never used.
    expect(cluster.spec.backup).toBeUndefined();
    const scheduled = only(objects, 'ScheduledBackup', 'shop-postgres-backup');
    expect(scheduled.spec).toMatchObject({ cluster: { name: 'shop-postgres' }, method: 'plugin', pluginConfiguration: { name: 'barman-cloud.cloudnative-pg.io' }, schedule: '0 0 2 * * *', immediate: true });
  });

  test('without a credentials Secret, the pods\' cloud identity: IAM role, GKE, Azure AD', () => {
    const configOf = (destinationPath: string) => only(cnpg({ backup: { schedule: '0 2 * * *', objectStore: { destinationPath } } }), 'ObjectStore').spec.configuration;
    expect(configOf('s3://bkt/p').s3Credentials).toEqual({ inheritFromIAMRole: true });
    expect(configOf('gs://bkt/p').googleCredentials).toEqual({ gkeEnvironment: true });
    expect(configOf('https://acct.blob.core.windows.net/c/p').azureCredentials).toEqual({ inheritFromAzureAD: true });
  });

  test('backups by cloud identity: serviceAccount.annotations go on the Cluster\'s ServiceAccount (serviceAccountTemplate); with a credentials Secret, they do not', () => {
    // GIVEN a stack whose app has an IAM role (IRSA), and a bucket without a credentials Secret
    const withIdentity = (objectStore: any, annotations: Record<string, string>) => synthStack(stack({
      environment: 'production', secrets: { source: 'existing' },
      serviceAccount: { annotations }, database: { engine: 'cloudnative-pg', backup: { schedule: '0 2 * * *', objectStore } },
    }));
    const irsa = { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop' };
    // THEN the operator makes the instances' ServiceAccount with the role, which the Barman Cloud plugin uploads as
    const cluster = only(withIdentity({ destinationPath: 's3://bkt/p' }, irsa), 'Cluster');
    expect(cluster.spec.serviceAccountTemplate).toEqual({ metadata: { annotations: irsa } });
    expect(cluster.spec.inheritedMetadata.labels['azure.workload.identity/use']).toBeUndefined();
    // Azure Workload Identity injects its token only into pods labeled for it.
    const azure = only(withIdentity({ destinationPath: 'https://acct.blob.core.windows.net/c/p' }, { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' }), 'Cluster');
    expect(azure.spec.serviceAccountTemplate.metadata.annotations).toEqual({ 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' });
    expect(azure.spec.inheritedMetadata.labels['azure.workload.identity/use']).toBe('true');
    // With a Secret, or without backups, the database pods get no identity of the app's.
    expect(only(withIdentity({ destinationPath: 's3://bkt/p', credentialsSecret: 'shop-backup-s3' }, irsa), 'Cluster').spec.serviceAccountTemplate).toBeUndefined();
    expect(only(synthStack(stack({ environment: 'production', serviceAccount: { annotations: irsa }, database: { engine: 'cloudnative-pg', backup: false } })), 'Cluster').spec.serviceAccountTemplate).toBeUndefined();
    // AND the Cluster is valid against the vendored CRD (serviceAccountTemplate.metadata.annotations)
    expect(validateManifests([cluster, azure]).map(formatManifestIssue)).toEqual([]);
  });

  test('CloudNativePG schedules have a seconds field: a five-field cron gets "0 " first', () => {
    expect(withSeconds('0 2 * * *')).toBe('0 0 2 * * *');
    expect(withSeconds(' */15  * * * 1-5 ')).toBe('0 */15 * * * 1-5');
  });

  test('monitoring on: PodMonitors for the instances and the pooler, on their metrics ports', () => {
    const objects = full();
    expect(only(objects, 'PodMonitor', 'shop-postgres').spec).toEqual({ selector: { matchLabels: { 'cnpg.io/cluster': 'shop-postgres', 'cnpg.io/podRole': 'instance' } }, podMetricsEndpoints: [{ port: 'metrics' }] });
    expect(only(objects, 'PodMonitor', 'shop-postgres-pooler').spec.selector).toEqual({ matchLabels: { 'cnpg.io/poolerName': 'shop-postgres-pooler' } });
  });

  test('NetworkPolicies: operator to instances (8000, 5432), instances to each other, pooler to instances, app to pooler, backups to the store', () => {
    const objects = full();
    const instances = only(objects, 'NetworkPolicy', 'shop-postgres').spec;
    const ports = (rule: any) => rule.ports.map((p: any) => p.port);
    const from = (peer: any) => instances.ingress.find((r: any) => JSON.stringify(r.from).includes(JSON.stringify(peer)));
    expect(ports(from({ 'kubernetes.io/metadata.name': 'cnpg-system' }))).toEqual([8000, 5432]);
    expect(ports(from({ 'cnpg.io/cluster': 'shop-postgres' }))).toEqual([5432, 8000]);
    expect(ports(from({ 'cnpg.io/poolerName': 'shop-postgres-pooler' }))).toEqual([5432]);
    // The app reaches the instances only through the pooler.
    expect(JSON.stringify(instances.ingress)).not.toContain('shop-web');
    // The object store's own port (from endpointURL) besides the API server's.
    expect(instances.egress.map(ports)).toContainEqual([443, 6443, 9000]);
    const pooler = only(objects, 'NetworkPolicy', 'shop-postgres-pooler').spec;
    expect(pooler.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-web' } } }, { podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-migrate' } } }]);
    const web = only(objects, 'NetworkPolicy', 'shop-web').spec;
    expect(web.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'cnpg.io/poolerName': 'shop-postgres-pooler' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(only(synthStack(stack({ environment: 'production', database: { engine: 'cloudnative-pg', backup: false }, networkPolicy: { databaseOperatorNamespace: 'postgres-operator' } })), 'NetworkPolicy', 'shop-postgres')
      .spec.ingress[0].from).toEqual([{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'postgres-operator' } } }]);
  });

  test('the Cluster is kept on delete (its volumes go with it) and applied with the database wave', () => {
    const cluster = only(full(), 'Cluster');
    expect(cluster.metadata.annotations).toMatchObject({ 'argocd.argoproj.io/sync-options': 'Prune=false,Delete=false', 'kustomize.toolkit.fluxcd.io/prune': 'disabled', 'argocd.argoproj.io/sync-wave': '-2' });
  });

  test('the quota holds the instances, a bootstrap Job pod, the backup sidecars and the pooler pods, and one claim per instance', () => {
    const hard = only(full(), 'ResourceQuota').spec.hard;
    // One 10Gi claim per instance, plus the quota's 20% headroom.
    expect(hard.persistentvolumeclaims).toBe(String(Math.ceil(3 * 1.2)));
    expect(hard['requests.storage']).toBe(`${Math.ceil(30 * 1.2)}Gi`);
  });

  test('every object is valid against the vendored CRDs, and the whole output passes every rule of the checkers', () => {
    const objects = full();
    expect(validateManifests(objects).map(formatManifestIssue)).toEqual([]);
    const findings = checkPolicy(objects, { externalSecrets: { 'shop-secrets': [] } }, { rules: RULES.filter((r) => r.source === 'pss' || r.source === 'xref') });
    expect(findings.map(formatFinding)).toEqual([]);
  });

  test('the pods read a Secret only the operator makes: the checks know its name and keys, and refuse any other key', () => {
    const objects = full();
    const web = only(objects, 'Deployment');
    const app = container(podSpec(web), 'app');
    const at = app.env.findIndex((e: any) => e.name === 'PGPASSWORD');
    app.env[at] = { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-postgres-app', key: 'passwd' } } };
    const findings = checkPolicy(objects, { externalSecrets: { 'shop-secrets': [] } }, { rules: RULES.filter((r) => r.id === 'xref/env-refs') }).map(formatFinding);
    expect(findings).toEqual([expect.stringContaining('Secret shop-postgres-app has no key passwd (it provides: dbname, fqdn-jdbc-uri, fqdn-uri, host, jdbc-uri, password, pgpass, port, uri, user, username)')]);
  });

  describe('cross-references the operator relies on, checked at every synth', () => {
    const synthFindings = (objects: any[]) => checkPolicy(objects, { externalSecrets: { 'shop-secrets': [] } }, { rules: SYNTH_RULES }).map(formatFinding);

    test('fails if the app\'s database host names a Service CloudNativePG does not create', () => {
      // GIVEN the production output, whose app connects through the pooler
      const objects = full();
      const config = only(objects, 'ConfigMap', 'shop-web-env');
      expect(config.data.PGHOST).toBe('shop-postgres-pooler');
      // WHEN the host has a typo (a user's construct, a hand edit)
      config.data.PGHOST = 'shop-postgres-pool';
      // THEN every pod that reads it is named, with the Services that do exist
      const findings = synthFindings(objects);
      const creates = 'which neither the output nor CloudNativePG creates (CloudNativePG creates here: shop-postgres-rw, shop-postgres-ro, shop-postgres-r, shop-postgres-pooler)';
      expect(findings).toContain(`xref/database-host: Deployment shop/shop-web: spec.template.spec.containers[0].env[1].valueFrom.configMapKeyRef: env PGHOST (ConfigMap shop-web-env) names Service shop-postgres-pool, ${creates}`);
      // DATABASE_URL as the kubelet expands it from $(PGHOST).
      expect(findings).toContain(`xref/database-host: Deployment shop/shop-web: spec.template.spec.containers[0].env[10].value: env DATABASE_URL names Service shop-postgres-pool, ${creates}`);
      // The migration gate and the migration Job read it too.
      expect(findings.filter((f) => f.startsWith('xref/database-host: Deployment shop/shop-web: spec.template.spec.initContainers[0]'))).toHaveLength(2);
      expect(findings.filter((f) => f.startsWith('xref/database-host: Job shop/shop-migrate-'))).toHaveLength(2);
      expect(findings.every((f) => f.startsWith('xref/database-host: '))).toBe(true);
    });

    test('fails if the Pooler or the ScheduledBackup names a Cluster that is not there, or the Cluster an ObjectStore', () => {
      const objects = full();
      only(objects, 'Pooler').spec.cluster.name = 'shop-pg';
      only(objects, 'ScheduledBackup').spec.cluster.name = 'shop-pg';
      only(objects, 'Cluster').spec.plugins[0].parameters.barmanObjectName = 'shop-backups';
      expect(synthFindings(objects).filter((f) => f.startsWith('xref/cnpg-'))).toEqual([
        'xref/cnpg-cluster-ref: Pooler shop/shop-postgres-pooler: spec.cluster.name: Cluster shop-pg is not in the output (Clusters here: shop-postgres)',
        'xref/cnpg-cluster-ref: ScheduledBackup shop/shop-postgres-backup: spec.cluster.name: Cluster shop-pg is not in the output (Clusters here: shop-postgres)',
        'xref/cnpg-backup-plugin: Cluster shop/shop-postgres: spec.plugins[0].parameters.barmanObjectName: ObjectStore shop-backups is not in the output',
      ]);
    });

    test('fails if a ScheduledBackup uses the plugin the Cluster does not run', () => {
      const objects = full();
      delete only(objects, 'Cluster').spec.plugins;
      expect(synthFindings(objects)).toContain('xref/cnpg-backup-plugin: ScheduledBackup shop/shop-postgres-backup: spec.pluginConfiguration.name: Cluster shop-postgres does not run plugin barman-cloud.cloudnative-pg.io (its plugins: none): the backup would never start');
    });
  });

  test('importFrom: statefulset: the Cluster bootstraps by initdb.import from the old database, which keeps running, unchanged but for names the operator needs', () => {
    const old = synthStack(stack({ environment: 'production', database: { image: 'postgres:15.8', backup: false }, secrets: { source: 'existing' } }));
    const objects = cnpg({ image: 'postgres:15.8', importFrom: 'statefulset' });
    const cluster = only(objects, 'Cluster', 'shop-postgres');
    expect(cluster.spec.bootstrap.initdb).toEqual({ database: 'shop', owner: 'shop', import: { type: 'microservice', databases: ['shop'], source: { externalCluster: 'statefulset' } } });
    expect(cluster.spec.externalClusters).toEqual([{
      name: 'statefulset',
      connectionParameters: { host: 'shop-postgres', port: '5432', user: 'shop', dbname: 'shop', sslmode: 'prefer' },
      password: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' },
    }]);
    expect(cluster.spec.imageName).toBe('ghcr.io/cloudnative-pg/postgresql:15.8');
    // The old StatefulSet: same image, data and Services; only its ServiceAccount is renamed,
    // because CloudNativePG names the Cluster's own ServiceAccount and PDB shop-postgres.
    const before = only(old, 'StatefulSet', 'shop-postgres');
    const after = only(objects, 'StatefulSet', 'shop-postgres');
    expect(after.spec.template.spec.serviceAccountName).toBe('shop-postgres-statefulset');
    expect({ ...after.spec.template.spec, serviceAccountName: 'x' }).toEqual({ ...before.spec.template.spec, serviceAccountName: 'x' });
    expect(only(objects, 'PersistentVolumeClaim', 'shop-postgres-data')).toEqual(only(old, 'PersistentVolumeClaim', 'shop-postgres-data'));
    expect(only(objects, 'Service', 'shop-postgres')).toEqual(only(old, 'Service', 'shop-postgres'));
    expect(objects.filter((o) => o.kind === 'ServiceAccount' || o.kind === 'PodDisruptionBudget').map((o) => o.metadata.name)).not.toContain('shop-postgres');
    // Only the Cluster's pods (the import Job) reach the old database now; the app goes to the Cluster.
    expect(only(objects, 'NetworkPolicy', 'shop-postgres-statefulset').spec.ingress[0].from).toEqual([{ podSelector: { matchLabels: { 'cnpg.io/cluster': 'shop-postgres' } } }]);
    expect(only(objects, 'NetworkPolicy', 'shop-postgres').spec.egress).toContainEqual({ to: [{ podSelector: { matchLabels: { 'app.kubernetes.io/instance': 'shop-postgres' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
    expect(only(objects, 'ConfigMap', 'shop-web-env').data.PGHOST).toBe('shop-postgres-rw');
    // The new instances' pods do not carry the label the old Service selects them by.
    expect(cluster.spec.inheritedMetadata.labels['app.kubernetes.io/instance']).toBeUndefined();
    expect(validateManifests(objects).map(formatManifestIssue)).toEqual([]);
    expect(checkPolicy(objects, { externalSecrets: { 'shop-secrets': ['POSTGRES_PASSWORD'] } }, { rules: RULES.filter((r) => r.source === 'pss' || r.source === 'xref') }).map(formatFinding)).toEqual([]);
  });

  test('snapshot: production with pooler and object-store backups', () => {
    expect(full().filter((o) => ['Cluster', 'Pooler', 'ObjectStore', 'ScheduledBackup', 'PodMonitor'].includes(o.kind) || o.metadata.name.startsWith('shop-postgres'))).toMatchSnapshot();
  });
});

describe('database engine rules', () => {
  const issues = (database: any, environment = 'production') =>
    PythonWebStack.validate(stack({ environment: environment as any, database, secrets: { source: 'existing' } })).map((i) => `${i.path}: ${i.message}`);

  test('fails if a production database says nothing about backups, naming both ways out', () => {
    const [issue] = PythonWebStack.validate(stack({ environment: 'production', database: {}, secrets: { source: 'existing' } }));
    expect(issue).toMatchObject({ path: 'database.backup', message: expect.stringMatching(/required in production/) });
    expect(issue.allowed).toMatch(/schedule.*or backup: false/);
    expect(issues({ backup: false })).toEqual([]);
    expect(issues({ backup: { schedule: '0 2 * * *' } })).toEqual([]);
    // Development and staging may go without (staging warns).
    expect(issues({}, 'staging')).toEqual([]);
  });

  test('staging without a backup decision synthesizes, with a warning', () => {
    const app = new (require('cdk8s').App)();
    const chart = new PythonWebStack(app, 's', stack({ environment: 'staging', database: {}, secrets: { source: 'existing' } }));
    expect(chart.warnings).toEqual([expect.stringMatching(/^database\.backup is not set: this staging database has no backups/)]);
    const quiet = new PythonWebStack(app, 't', stack({ name: 'quiet', environment: 'staging', database: { backup: false }, secrets: { source: 'existing' } }));
    expect(quiet.warnings).toEqual([]);
  });

  test('warns if backups go to an object store by cloud identity and serviceAccount.annotations gives the pods none', () => {
    // GIVEN backups to a bucket without a credentials Secret: the Barman Cloud plugin uploads as the Postgres pods
    const warnings = (objectStore: any, serviceAccount?: any) => new PythonWebStack(new App(), 's', stack({
      environment: 'production', secrets: { source: 'existing' }, serviceAccount,
      database: { engine: 'cloudnative-pg', backup: { schedule: '0 2 * * *', objectStore } },
    })).warnings;
    // THEN without annotations, a warning names the ServiceAccount and the way out for that cloud
    expect(warnings({ destinationPath: 's3://bkt/p' })).toEqual([
      'database.backup.objectStore has no credentialsSecret and serviceAccount.annotations is empty: backups to s3://bkt/p authenticate as '
      + 'ServiceAccount shop-postgres, which gets no cloud identity, and fail unless it gets one another way '
      + '(set serviceAccount.annotations, e.g. eks.amazonaws.com/role-arn, or a credentialsSecret)',
    ]);
    expect(warnings({ destinationPath: 'gs://bkt/p' }, { annotations: {} })).toEqual([expect.stringMatching(/backups to gs:\/\/bkt\/p .*e\.g\. iam\.gke\.io\/gcp-service-account,/)]);
    expect(warnings({ destinationPath: 'https://acct.blob.core.windows.net/c/p' })).toEqual([expect.stringMatching(/e\.g\. azure\.workload\.identity\/client-id,/)]);
    // AND none with an identity to pass on, or with a Secret
    expect(warnings({ destinationPath: 's3://bkt/p' }, { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop' } })).toEqual([]);
    expect(warnings({ destinationPath: 's3://bkt/p', credentialsSecret: 'shop-backup-s3' })).toEqual([]);
  });

  test('fails if a statefulset database sets keys only CloudNativePG reads', () => {
    expect(issues({ instances: 3, pooler: {}, importFrom: 'statefulset', backup: { schedule: '0 2 * * *', objectStore: { destinationPath: 's3://bkt/p' } } })).toEqual([
      'database.instances: is only used when engine is cloudnative-pg',
      'database.pooler: is only used when engine is cloudnative-pg',
      'database.importFrom: is only used when engine is cloudnative-pg',
      'database.backup.objectStore: is for engine cloudnative-pg; a statefulset database dumps to backup.volume',
    ]);
  });

  test('fails if a cloudnative-pg backup has no object store, or a volume', () => {
    expect(issues({ engine: 'cloudnative-pg', backup: { schedule: '0 2 * * *', volume: { size: '5Gi' } } })).toEqual([
      'database.backup.objectStore: is required when engine is cloudnative-pg (backups go to object storage)',
      'database.backup.volume: is for engine statefulset; CloudNativePG backs up to backup.objectStore',
    ]);
  });

  test('fails if a cloudnative-pg image is the official postgres image by digest', () => {
    expect(issues({ engine: 'cloudnative-pg', backup: false, image: `postgres@sha256:${'a'.repeat(64)}` })).toEqual([
      expect.stringMatching(/^database\.image: is the official postgres image by digest/),
    ]);
  });

  test('fails if the schedule, retention or destination have the wrong format', () => {
    expect(issues({ engine: 'cloudnative-pg', backup: { schedule: 'daily', retention: '30 days', objectStore: { destinationPath: 'ftp://x' } } })).toEqual([
      'database.backup.objectStore.destinationPath: has the wrong format',
      'database.backup.retention: has the wrong format',
      'database.backup.schedule: has the wrong format',
    ]);
  });
});
