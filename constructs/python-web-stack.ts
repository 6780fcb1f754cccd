import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { SYNC_WAVE, addGitOpsAnnotations } from './_gitops';
import { KEY_RULE, QUALIFIED_NAME, annotationIssues, isQualifiedKey } from './_k8s-names';
import { plainTextSecretIssues } from './_plain-text-secrets';
import { unwritableTextIssues } from './_written-text';
import { schemaIssues } from './_stack-schema';
import { StackIdentity } from './_identity';
import { databaseEngineIssues, databaseWarnings } from './_database-rules';
import { CNPG_CLUSTER_LABEL } from './_cnpg';
import { MonitoredStack } from './_alert-rules';
import { MetricsEndpoint, MetricsTarget } from './_metrics';
import { gunicornWritesJson, observabilityIssues, observabilityWarnings, watchedQueues } from './_observability';
import { GunicornJsonLogs } from './gunicorn-json-logs';
import { StackMonitoring } from './stack-monitoring';
import { AppSecrets, REDIS_PASSWORD_KEY } from './app-secrets';
import { CloudNativePgDatabase } from './cloudnative-pg-database';
import { IDatabaseConnection } from './database-connection';
import { PostgresBackup } from './postgres-backup';
import { DatabaseMigration } from './database-migration';
import { ExternalDatabase } from './external-database';
import { RedisServer } from './redis-server';
import { BackgroundWorker } from './background-worker';
import { CronSchedule } from './cron-schedule';
import { backgroundIssues } from './_background-checks';
import { redisIssues } from './_redis-checks';
import { PostgresDatabase } from './postgres-database';
import { databaseEnvIssues, databaseEnvList } from './_database-env';
import { AppVolumes, VolumeMountSpec, VolumesContext, volumeConsumers } from './app-volumes';
import { maxWorkerPods } from './resolve-background';
import { PythonRuntime } from './python-pod';
import { normalizeMountPath } from './python-pod';
import { MediaVolume } from './media-volume';
import { NamespaceResourcePolicy, PodBudget } from './namespace-resource-policy';
import { PythonWebService, ROLLOUT_SURGE_PERCENT, STACK_ENV } from './python-web-service';
import { ResolvedStack, isValidated, resolveStack } from './resolve-stack';
import { StackNetworkPolicies } from './stack-network-policies';
import { StaticFilesSidecar } from './static-files-sidecar';
import { WebIngress } from './web-ingress';
import { PythonWebStackProps } from './stack-config';

/**
 * One Python web stack, one chart, one output file: the namespace and everything the app
 * needs in it, wired together from one stack (one deploy target of a stack file).
 */
export class PythonWebStack extends Chart {
  /**
   * Every problem of a stack: against the stack's JSON Schema (types, formats, unknown keys),
   * then the checks of each part and across parts, on the resolved model. When the structure
   * is wrong, the semantic checks still run where they can, and add what the structural ones
   * did not cover, so a user sees every problem at once.
   */
  public static validate(props: PythonWebStackProps): ConfigIssue[] {
    const { issues, model } = stackIssues(props);
    lastValidated = model && issues.length === 0 ? { props, model } : undefined;
    return issues;
  }

  /**
   * Validates a stack once and resolves it: the model, or every problem. A model resolved here
   * is not validated again when a `PythonWebStack` is built from it (the command line validates
   * each deploy target once, when it loads the stack files).
   */
  public static resolve(props: PythonWebStackProps): { readonly stack?: ResolvedStack; readonly issues: ConfigIssue[] } {
    const issues = PythonWebStack.validate(props);
    const handedOver = lastValidated;
    lastValidated = undefined;
    if (issues.length > 0) return { issues };
    return { stack: handedOver?.props === props ? handedOver.model : resolveStack(props, { validated: true }), issues: [] };
  }

  public readonly stack: StackIdentity;
  public readonly secrets: AppSecrets;
  /** The statefulset database (with `database.importFrom`, the old one CloudNativePG imports from). */
  public readonly database?: PostgresDatabase;
  /** The CloudNativePG database (`database.engine: cloudnative-pg`). */
  public readonly cloudNativePg?: CloudNativePgDatabase;
  /** Where the app connects to its in-cluster database, whichever engine runs it. */
  public readonly databaseConnection?: IDatabaseConnection;
  /** The `pg_dump` CronJob of a statefulset database with `backup`. */
  public readonly backup?: PostgresBackup;
  /** What the stack allows but a reviewer should know, for the synth summary and the target README. */
  public readonly warnings: readonly string[];
  /** The managed Postgres of `database.external`. */
  public readonly externalDatabase?: ExternalDatabase;
  public readonly redis?: RedisServer;
  public readonly web: PythonWebService;
  /** The `workers`, by key. */
  public readonly workers: Readonly<Record<string, BackgroundWorker>>;
  /** The `schedules`, by key. */
  public readonly schedules: Readonly<Record<string, CronSchedule>>;
  public readonly migration?: DatabaseMigration;
  public readonly media?: MediaVolume;
  /** The `volumes` section's claims, scratch space and files. */
  public readonly volumes?: AppVolumes;
  public readonly staticFiles?: StaticFilesSidecar;
  public readonly ingress?: WebIngress;
  public readonly resourcePolicy: NamespaceResourcePolicy;
  public readonly networkPolicies: StackNetworkPolicies;
  /** PodMonitors, their NetworkPolicies, alerts and dashboard, when `monitoring` is on. */
  public readonly monitoring?: StackMonitoring;

  constructor(scope: Construct, id: string, props: PythonWebStackProps) {
    super(scope, id, { disableResourceNameHashes: true });
    const model = isValidated(props) ? (props as ResolvedStack) : resolved(PythonWebStack.resolve(props));
    const stack = this.stack = new StackIdentity(model);

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: stack.namespace,
        labels: {
          ...stack.labels('namespace', stack.name),
          // Make the cluster enforce what our output already satisfies.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });

    const monitoring = model.monitoring;
    const webMetrics = model.web.metrics;
    const jsonLogs = gunicornWritesJson(model);
    const db = model.database;
    this.warnings = [
      ...(db ? databaseWarnings(db, { environment: stack.environment, serviceAccountAnnotations: model.serviceAccount.annotations, clusterServiceAccount: stack.objectName('postgres') }) : []),
      ...observabilityWarnings(model),
    ];
    // The statefulset's password stays while CloudNativePG imports from it.
    const statefulset = db && (db.engine === 'statefulset' || db.importFrom === 'statefulset');
    // The exporter sidecar watches the StatefulSet's Postgres (CloudNativePG has its own PodMonitor).
    const exporter = Boolean(monitoring && db && db.engine === 'statefulset');
    this.secrets = new AppSecrets(this, 'Secrets', { ...model.secrets, stack, database: Boolean(statefulset), redis: Boolean(model.redis), exporter });

    const webName = stack.objectName('web');
    const migrations = model.web.migrations || undefined;
    // Every Python pod that may connect to the database and Redis, by the label their policies select.
    const clients = [
      stack.policySelector(webName),
      ...(migrations?.command ? [stack.policySelector(stack.objectName('migrate'))] : []),
      ...Object.keys(model.workers).map((key) => stack.policySelector(stack.objectName(`worker-${key}`))),
      ...Object.keys(model.schedules).map((key) => stack.policySelector(stack.objectName(`cron-${key}`))),
    ];
    const queueScaled = Object.values(model.workers).some((w) => w.autoscaling?.queue);
    const backup = db?.backup || undefined;
    if (db && db.engine === 'cloudnative-pg') {
      const cluster = stack.objectName('postgres');
      // The old database keeps running, unchanged, until the import is verified (README runbook).
      const legacy = db.importFrom === 'statefulset'
        ? new PostgresDatabase(this, 'Database', {
          engine: 'statefulset', image: db.importImage, name: db.name, user: db.user, storage: db.storage, resources: db.resources,
          stack, password: this.secrets.databasePassword(), importSource: true, clients: [{ [CNPG_CLUSTER_LABEL]: cluster }],
        })
        : undefined;
      this.database = legacy;
      this.databaseConnection = this.cloudNativePg = new CloudNativePgDatabase(this, 'CloudNativePg', {
        ...db,
        stack,
        clients,
        operatorNamespace: model.networkPolicy.databaseOperatorNamespace,
        prometheusNamespace: model.networkPolicy.prometheusNamespace,
        monitorLabels: monitoring?.labels,
        serviceAccountAnnotations: model.serviceAccount.annotations,
        importSource: legacy && { host: legacy.host, port: legacy.port, databaseName: legacy.databaseName, user: legacy.user, password: legacy.password, policySelector: legacy.policySelector },
      });
    } else if (db) {
      const backupClient = backup ? [stack.policySelector(stack.objectName('postgres-backup'))] : [];
      this.databaseConnection = this.database = new PostgresDatabase(this, 'Database', { ...db, stack, password: this.secrets.databasePassword(), exporterPassword: exporter ? this.secrets.exporterPassword() : undefined, clients: [...clients, ...backupClient] });
      if (backup) this.backup = new PostgresBackup(this, 'Backup', { schedule: backup.schedule, retention: backup.retention, volume: backup.volume!, stack, database: this.database, image: this.database.image });
    }
    if (model.externalDatabase) {
      this.externalDatabase = new ExternalDatabase(this, 'ExternalDatabase', {
        ...model.externalDatabase,
        stackName: stack.name,
        password: this.secrets.refFor(model.externalDatabase.passwordKey),
      });
    }
    if (model.redis) {
      this.redis = new RedisServer(this, 'Redis', {
        ...model.redis,
        stack,
        password: this.secrets.redisPassword(),
        clients,
        // KEDA's operator reads the queue lengths.
        clientNamespaces: queueScaled ? [model.networkPolicy.kedaNamespace] : [],
        ...(monitoring ? { exporter: { queues: watchedQueues(model) } } : {}),
      });
    }

    if (Object.keys(model.volumes).length > 0) {
      this.volumes = new AppVolumes(this, 'Volumes', { stack, volumes: model.volumes, instance: webName });
    }
    const inWeb = this.volumes?.mountedIn('web') ?? [];
    this.web = new PythonWebService(this, 'Web', {
      ...model.web,
      stack,
      extraConfig: { ...(this.databaseConnection ?? this.externalDatabase)?.connectionSettings(), ...(jsonLogs ? GunicornJsonLogs.ENV : {}) },
      extraEnv: [...this.secrets.env(), ...((this.databaseConnection ?? this.externalDatabase)?.clientEnv() ?? []), ...this.redisEnv(model)],
      serviceAccountAnnotations: { ...model.serviceAccount.annotations },
      // Settings files go into every Python container (init containers, the migration Job too).
      sharedVolumes: inWeb.filter((v) => v.kind === 'files').map((v) => ({ volume: v.volume, mount: v.mount, checksum: v.checksum! })),
    });
    // Claims and scratch space go into the app container.
    for (const v of inWeb.filter((x) => x.kind !== 'files')) {
      this.web.pod.addVolume(v.volume);
      this.web.pod.addMount('app', v.mount);
      if (v.readWriteOnce) this.web.replacePodsInPlace();
    }
    if (migrations?.waitCommand) this.web.addMigrationGate(migrations.waitCommand);
    if (jsonLogs) new GunicornJsonLogs(this, 'GunicornLogs', { web: this.web });
    // The app's metrics on a port of their own get a container port Prometheus can name.
    const separateMetricsPort = Boolean(monitoring && webMetrics && webMetrics.port !== this.web.port);
    if (separateMetricsPort) this.web.addAppPort({ name: 'metrics', containerPort: webMetrics!.port, protocol: 'TCP' });
    if (migrations?.command) {
      this.migration = new DatabaseMigration(this, 'Migration', { stack, runtime: this.web.runtime, command: migrations.command });
      // Listed (and applied) before the Deployment whose pods wait for it.
      this.web.deployment.node.addDependency(this.migration);
    }
    if (model.media) this.media = new MediaVolume(this, 'Media', { ...model.media, web: this.web });
    if (model.static) {
      this.staticFiles = new StaticFilesSidecar(this, 'Static', {
        ...model.static,
        web: this.web,
        media: this.media ? { urlPath: this.media.urlPath, volumeName: this.media.volumeName, serve: this.media.serve } : undefined,
        logFormat: model.logs.format,
        exporter: Boolean(monitoring),
        hiddenPaths: webMetrics && webMetrics.port === this.web.port ? [webMetrics.path] : [],
        otherPorts: webMetrics ? [webMetrics.port] : [],
      });
    }
    if (model.ingress) this.ingress = new WebIngress(this, 'Ingress', { ...model.ingress, web: this.web, uploadLimit: this.staticFiles?.maxUploadSize });

    // Workers and schedules: the web's runtime (image, env, secrets, database and Redis wiring)
    // through the same pod builder as the web and the migration.
    const media = this.media ? { volume: { name: this.media.volumeName, persistentVolumeClaim: { claimName: this.media.claimName } }, mountPath: this.media.mountPath } : undefined;
    const redisForKeda = this.redis ? { host: this.redis.host, port: this.redis.port, password: this.secrets.redisPassword() } : undefined;
    this.workers = Object.fromEntries(Object.entries(model.workers).map(([key, worker]) => [key, new BackgroundWorker(this, `Worker-${key}`, {
      stack, key, worker, runtime: this.runtimeFor(`workers.${key}`), volumes: this.mountsFor(`workers.${key}`), broker: Boolean(model.redis || model.externalRedis), brokerUrlEnv: this.brokerUrlEnv(model), redis: redisForKeda, media,
      exposeMetrics: Boolean(monitoring),
    })]));
    this.schedules = Object.fromEntries(Object.entries(model.schedules).map(([key, schedule]) => [key, new CronSchedule(this, `Schedule-${key}`, {
      stack, key, schedule, runtime: this.runtimeFor(`schedules.${key}`), volumes: this.mountsFor(`schedules.${key}`),
    })]));
    for (const w of Object.values(this.workers)) {
      // A worker's pods read the same config and secrets, and wait for nothing: listed after the web.
      w.node.addDependency(this.web);
      if (this.media) w.node.addDependency(this.media);
    }
    for (const s of Object.values(this.schedules)) s.node.addDependency(this.web);
    // The claims and ConfigMaps of `volumes` exist before the workers and schedules that mount them.
    if (this.volumes) for (const part of [...Object.values(this.workers), ...Object.values(this.schedules)]) part.node.addDependency(this.volumes);
    // The claims and ConfigMaps the pods mount are listed before the workloads.
    for (const part of [this.media, this.staticFiles, this.volumes]) if (part) this.web.deployment.node.addDependency(part);
    if (this.volumes) this.migration?.node.addDependency(this.volumes);

    this.resourcePolicy = new NamespaceResourcePolicy(this, 'ResourcePolicy', {
      stack,
      pods: this.peakPods(),
      claims: [
        ...(this.databaseConnection?.claims ?? []),
        // The old StatefulSet's claim stays in the namespace while CloudNativePG imports from it.
        ...(this.cloudNativePg && this.database ? this.database.claims : []),
        this.backup?.size, this.redis?.storageSize, this.media?.size, ...(this.volumes?.claimSizes ?? []),
      ].filter((s): s is string => s !== undefined),
      quota: model.resourceQuota !== false,
      ...(model.resourceQuota ? { headroom: model.resourceQuota.headroom } : {}),
    });
    // Sized from the workloads, but listed before them: a quota must exist before the pods it counts.
    for (const workload of [this.database?.statefulSet, this.cloudNativePg, this.backup, this.redis?.statefulSet, this.migration, this.web.deployment, ...Object.values(this.workers), ...Object.values(this.schedules)]) {
      workload?.node.addDependency(this.resourcePolicy);
    }

    this.networkPolicies = new StackNetworkPolicies(this, 'NetworkPolicies', {
      ...model.networkPolicy,
      stack,
      web: this.web.policySelector,
      webPort: this.web.servingPortName,
      migrations: this.migration?.policySelector,
      database: this.databaseConnection ? { labels: this.databaseConnection.policySelector, port: this.databaseConnection.port } : undefined,
      externalDatabase: this.externalDatabase ? { cidr: this.externalDatabase.cidr, port: this.externalDatabase.port } : undefined,
      redis: this.redis ? { labels: this.redis.policySelector, port: this.redis.port } : undefined,
      workers: Object.values(this.workers).map((w) => ({ name: w.workloadName, labels: w.policySelector })),
      schedules: Object.values(this.schedules).map((s) => ({ name: s.cronJobName, labels: s.policySelector })),
      acmeSolver: Boolean(model.ingress && model.ingress.tls?.clusterIssuer),
    });

    if (monitoring) {
      const webEndpoints: MetricsEndpoint[] = [
        ...(webMetrics ? [{ port: separateMetricsPort ? 'metrics' : this.web.appPortName, path: webMetrics.path }] : []),
        ...(this.staticFiles?.metrics ? [this.staticFiles.metrics] : []),
      ];
      const targets: MetricsTarget[] = [
        ...(webEndpoints.length ? [{ name: 'web', component: 'web' as const, instance: this.web.workloadName, selector: this.web.selectorLabels, policySelector: this.web.policySelector, endpoints: webEndpoints }] : []),
        ...(this.database?.metrics ? [this.database.metrics] : []),
        ...(this.redis?.metrics ? [this.redis.metrics] : []),
        ...Object.values(this.workers).flatMap((w) => (w.metrics ? [w.metrics] : [])),
      ];
      this.monitoring = new StackMonitoring(this, 'Monitoring', { stack, ...monitoring, targets, watched: this.watched() });
    }

    addGitOpsAnnotations(this);

  }

  /**
   * The Secrets and ConfigMaps the pods read that exist outside the output, with the keys they
   * must hold: an `existing` secret source, and `web.envFrom` (whose keys are not known).
   */
  public existingObjects(): { externalSecrets?: Record<string, string[]>; externalConfigMaps?: Record<string, string[]> } {
    const secrets: Record<string, string[]> = this.secrets.source === 'existing' ? this.secrets.requiredKeys() : {};
    const configMaps: Record<string, string[]> = {};
    for (const from of this.web.runtime.envFrom) {
      if (from.secretRef?.name) secrets[from.secretRef.name] ??= [];
      if (from.configMapRef?.name) configMaps[from.configMapRef.name] = [];
    }
    return {
      ...(this.secrets.source === 'existing' || Object.keys(secrets).length ? { externalSecrets: secrets } : {}),
      ...(Object.keys(configMaps).length ? { externalConfigMaps: configMaps } : {}),
    };
  }

  /** What the alerts and the dashboard watch, by the names this stack gave it. */
  private watched(): MonitoredStack {
    return {
      namespace: this.stack.namespace,
      deployment: this.web.workloadName,
      workers: Object.values(this.workers).map((w) => w.workloadName).sort(),
      ...(this.web.autoscaling ? { autoscaler: this.web.workloadName } : {}),
      ...(this.migration ? { migrationJobPrefix: this.migration.jobNamePrefix } : {}),
      ...(this.ingress ? { ingress: this.ingress.ingressName } : {}),
      nginxExporter: Boolean(this.staticFiles?.metrics),
      ...(this.database?.metrics ? { postgres: { database: this.database.databaseName } } : {}),
      ...(this.cloudNativePg ? { postgres: { database: this.cloudNativePg.databaseName, engine: 'cloudnative-pg' as const } } : {}),
      claims: Boolean(this.database || this.cloudNativePg || this.media),
      ...(this.redis?.metrics ? { redis: true, queues: this.redis.queues } : {}),
    };
  }

  /** The pods that can exist at once at the stack's peak: a rollout at maximum scale while a migration runs. */
  private peakPods(): PodBudget[] {
    const maxWeb = this.web.maxReplicas;
    const webContainers = [this.web.resources, ...(this.staticFiles?.podResources ?? [])];
    return [
      { count: maxWeb + Math.ceil((maxWeb * ROLLOUT_SURGE_PERCENT) / 100), containers: webContainers },
      ...(this.migration ? [{ count: 1, containers: [this.web.resources] }] : []),
      ...(this.databaseConnection?.pods ?? []),
      ...(this.cloudNativePg && this.database ? this.database.pods : []),
      ...(this.backup ? [{ count: 1, containers: [this.backup.resources] }] : []),
      ...(this.redis ? [{ count: 1, containers: [...this.redis.podResources] }] : []),
      ...Object.values(this.workers).map((w) => ({ count: w.peakPods, containers: [w.resources] })),
      // A schedule runs one pod at a time, or two when a run may start while the last one runs.
      ...Object.values(this.schedules).map((s) => ({ count: s.concurrencyPolicy === 'Allow' ? 2 : 1, containers: [this.web.resources] })),
    ];
  }

  /**
   * The Redis URL under each name of `redis.env`: in-cluster, built by the kubelet's `$(VAR)`
   * expansion from the password read by `secretKeyRef` (as DATABASE_URL); external, the whole
   * URL by `secretKeyRef`.
   */
  private redisEnv(model: ResolvedStack): k8s.EnvVar[] {
    if (this.redis && model.redis) {
      const url = `redis://:$(${REDIS_PASSWORD_KEY})@${this.redis.host}:${this.redis.port}/0`;
      return [
        { name: REDIS_PASSWORD_KEY, valueFrom: { secretKeyRef: this.secrets.redisPassword() } },
        ...model.redis.env.map((name) => ({ name, value: url })),
      ];
    }
    const external = model.externalRedis;
    if (!external) return [];
    // A name that is the urlKey itself is already an env var of the app, as every one of secrets.keys.
    return external.env.filter((name) => name !== external.urlKey).map((name) => ({ name, valueFrom: { secretKeyRef: this.secrets.refFor(external.urlKey) } }));
  }

  /**
   * The web's runtime as another workload (`workers.<key>`, `schedules.<key>`) gets it: with the
   * settings files (`files` volumes) its `mountIn` names instead of the web's, and their checksums.
   */
  private runtimeFor(consumer: string): PythonRuntime {
    const web = this.web.runtime;
    const files = (of: string) => (this.volumes?.mountedIn(of) ?? []).filter((v) => v.kind === 'files');
    const mine = files(consumer);
    const webFiles = files('web');
    if (mine.map((v) => v.key).join() === webFiles.map((v) => v.key).join()) return web;
    const webOnly = new Set(webFiles.flatMap((v) => Object.keys(v.checksum!)));
    return {
      ...web,
      sharedVolumes: mine.map(({ volume, mount }) => ({ volume, mount })),
      configChecksums: { ...Object.fromEntries(Object.entries(web.configChecksums).filter(([k]) => !webOnly.has(k))), ...Object.assign({}, ...mine.map((v) => v.checksum)) },
    };
  }

  /** The claims and scratch space of `volumes` that a workload's main container mounts. */
  private mountsFor(consumer: string): VolumeMountSpec[] {
    return (this.volumes?.mountedIn(consumer) ?? []).filter((v) => v.kind !== 'files');
  }

  /** The env var name the workers' readiness probe reads the broker's URL from. */
  private brokerUrlEnv(model: ResolvedStack): string | undefined {
    return (model.redis ?? model.externalRedis)?.env[0];
  }
}

/** Kubernetes' rules for label keys and values, which the API server enforces at apply time. */
function labelIssues(labels: Readonly<Record<string, string>>, path = 'labels'): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedKey(key)) issues.push({ path: `${path}["${key}"]`, message: 'is not a valid label key', allowed: KEY_RULE });
    if (value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
      issues.push({ path: `${path}["${key}"]`, message: 'is not a valid label value', value, allowed: 'at most 63 letters, digits, - _ . beginning and ending alphanumeric, or empty' });
    }
  }
  return issues;
}

/** Label prefixes the stack sets itself; a stack's own labels may not use them. */
export const RESERVED_LABEL_PREFIXES = ['app.kubernetes.io/', 'pod-security.kubernetes.io/', 'pyweb.dev/', 'kubernetes.io/', 'k8s.io/'];

/** Namespaces the cluster itself (or its ingress controller) owns: a stack must never own them. */
function namespaceIssues(props: PythonWebStackProps, m: ResolvedStack): ConfigIssue[] {
  const namespace = m.namespace;
  if (namespace === 'default' || namespace.startsWith('kube-') || namespace === m.networkPolicy.ingressControllerNamespace) {
    return [{ path: props.namespace ? 'namespace' : 'name', message: `makes the stack own namespace ${namespace} (its default-deny policy, quota and Pod Security labels), which belongs to the cluster`, value: namespace, allowed: 'a namespace of its own, e.g. the stack name' }];
  }
  return [];
}

/** An env var the app would get twice (kube-score and kube-linter flag it; the last one wins silently). */
function envCollisions(m: ResolvedStack): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const env = Object.keys(m.web.env);
  const names = (m.database ?? m.externalDatabase)?.env;
  const fromDatabase: readonly string[] = names ? databaseEnvList(names) : [];
  // A managed database's password is read under the name of its secret key: that key may be the env name too.
  const sharedPassword = m.externalDatabase && m.externalDatabase.env.password === m.externalDatabase.passwordKey ? m.externalDatabase.passwordKey : undefined;
  for (const [key, name] of Object.entries(names ?? {})) {
    if (STACK_ENV.includes(name)) issues.push({ path: `database.env.${key}`, message: 'is an env var the stack sets itself', value: name, allowed: `any name but ${STACK_ENV.join(', ')}` });
  }
  for (const name of env.filter((n) => fromDatabase.includes(n))) {
    issues.push({ path: `web.env.${name}`, message: 'is set by the stack from the database section', allowed: 'remove it, or set database: false and bring your own' });
  }
  m.secrets.keys.forEach((key, i) => {
    if (env.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: 'is also in web.env: the app would get it twice', value: key, allowed: 'one of the two' });
    if (STACK_ENV.includes(key) || (fromDatabase.includes(key) && key !== sharedPassword)) issues.push({ path: `secrets.keys[${i}]`, message: 'is an env var the stack sets itself', value: key, allowed: `any name but ${[...STACK_ENV, ...fromDatabase].join(', ')}` });
  });
  return issues;
}

/** Ports a command line binds besides the app's (`--bind 0.0.0.0:9000`, `--port 9000`): a suggestion must avoid them. */
function portsIn(command: readonly string[]): number[] {
  const ports: number[] = [];
  command.forEach((arg, i) => {
    for (const m of arg.matchAll(/:(\d{2,5})\b/g)) ports.push(Number(m[1]));
    const flag = /^--?[\w-]*port(?:=(\d+))?$/i.exec(arg);
    if (flag) ports.push(Number(flag[1] ?? command[i + 1]));
  });
  return ports.filter((p) => Number.isInteger(p) && p > 0 && p < 65536);
}

/**
 * Two volumes mounted at one path in one container of a workload (or at the root), which the API
 * server refuses: the web app's mounts, and each worker's and schedule's.
 */
function mountIssues(m: ResolvedStack): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const consumers = volumeConsumers(volumesContext(m));
  const volumesIn = (consumer: string): Array<[string, string]> => Object.entries(m.volumes)
    .filter(([, v]) => (v.mountIn ?? consumers).includes(consumer))
    .map(([key, v]) => [v.mountPath, `volumes.${key}.mountPath`]);
  const tmp: [string, string] = ['/tmp', 'the stack\'s /tmp'];
  const web: Array<[string, string]> = [tmp];
  if (m.media) web.push([m.media.mountPath, 'media.mountPath']);
  if (m.static?.collect) web.push([m.static.collect.outputDir, 'static.collect.outputDir']);
  const workloads = [
    [...web, ...volumesIn('web')],
    ...Object.entries(m.workers).map(([key, w]) => [tmp, ...(w.mountMedia && m.media ? [[m.media.mountPath, 'media.mountPath'] as [string, string]] : []), ...volumesIn(`workers.${key}`)]),
    ...Object.keys(m.schedules).map((key) => [tmp, ...volumesIn(`schedules.${key}`)]),
  ];
  const said = new Set<string>();
  const say = (issue: ConfigIssue) => {
    // A collision of volumes mounted everywhere is one mistake, said once.
    const line = `${issue.path}\n${issue.message}`;
    if (!said.has(line)) issues.push(issue);
    said.add(line);
  };
  for (const mounts of workloads) {
    const seen = new Map<string, string>();
    for (const [mountPath, where] of mounts) {
      const clean = normalizeMountPath(mountPath);
      if (clean === '/') say({ path: where, message: "cannot be the container's root", value: mountPath, allowed: 'a folder such as /app/staticfiles' });
      const other = seen.get(clean);
      if (other) say({ path: where, message: `is the same folder as ${other}: two volumes cannot be mounted at one path`, value: mountPath, allowed: 'a folder of its own' });
      seen.set(clean, where);
    }
  }
  if (m.static && m.static.copyFrom !== undefined && normalizeMountPath(m.static.copyFrom) === '/') {
    issues.push({ path: 'static.copyFrom', message: "cannot be the image's root", value: m.static.copyFrom, allowed: 'the folder of static files, e.g. /app/static' });
  }
  return issues;
}

/**
 * The model `PythonWebStack.validate` just checked, for `PythonWebStack.resolve` to take at once
 * (resolving a stack costs as much as checking it: not twice).
 */
let lastValidated: { readonly props: PythonWebStackProps; readonly model: ResolvedStack } | undefined;

/**
 * `PythonWebStack.validate`'s issues, and the model its checks read when they ran on one: the
 * props resolved once, marked validated (see `isValidated`) and frozen, so that
 * `PythonWebStack.resolve` returns that very model when there are no issues (and only then).
 */
function stackIssues(props: PythonWebStackProps): { issues: ConfigIssue[]; model?: ResolvedStack } {
  // A character no YAML reader takes back is refused first: every other message would print it.
  const unwritable = unwritableTextIssues(props);
  if (unwritable.length > 0) return { issues: unwritable };
  const structural = schemaIssues(props);
  if (structural.length === 0) {
    const model = resolveStack(props, { validated: true });
    return { issues: semanticIssues(props, model), model };
  }
  let semantic: ConfigIssue[];
  try {
    semantic = semanticIssues(props, resolveStack(props));
  } catch (err) {
    // Checks written for well-typed props may trip on wrong types: the structural issues say it all.
    if (!(err instanceof TypeError)) throw err;
    semantic = [];
  }
  const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
  return { issues: [...structural, ...semantic.filter((s) => !structural.some((t) => overlaps(s.path, t.path)))] };
}

/** The checks of each part and across parts, for structurally valid props, on their model. */
function semanticIssues(props: PythonWebStackProps, m: ResolvedStack): ConfigIssue[] {
  return [
    ...PythonWebService.validate(props.web, 'web', m.name),
    ...AppSecrets.validate(props.secrets ?? {}, m.environment, 'secrets', Boolean(m.database)),
    ...(props.database && !props.database.external ? PostgresDatabase.validate(props.database, 'database', m.name) : []),
    ...(props.database ? ExternalDatabase.validate(props.database, m.secrets.keys, 'database') : []),
    ...(props.database ? databaseEnvIssues(props.database) : []),
    ...AppVolumes.validate(props.volumes ?? {}, volumesContext(m)),
    ...(props.database ? databaseEngineIssues(props.database, m.environment, 'database') : []),
    ...(props.static ? StaticFilesSidecar.validate(props.static, m.web.framework, m.web.port, 'static', portsIn(props.web.command ?? [])) : []),
    ...(props.media ? MediaVolume.validate(props.media, maxWebPods(m), 'media') : []),
    ...(props.ingress ? WebIngress.validate(props.ingress, 'ingress') : []),
    ...StackNetworkPolicies.validate(props.networkPolicy ?? {}, 'networkPolicy'),
    ...annotationIssues(m.serviceAccount.annotations, 'serviceAccount.annotations', { [SYNC_WAVE]: 'remove it: the stack orders its objects itself' }),
    ...(props.redis && !props.redis.external ? RedisServer.validate(props.redis, 'redis') : []),
    ...redisIssues(props, m),
    ...backgroundIssues(props, m),
    ...crossSectionIssues(props, m),
    ...plainTextSecretIssues(props, m.secrets),
  ];
}

/** What the checks of `volumes` need to know of the workloads that may mount them. */
function volumesContext(m: ResolvedStack): VolumesContext {
  const workers = Object.entries(m.workers).map(([key, w]): [string, number] => [`workers.${key}`, maxWorkerPods(w)]);
  // A schedule runs one pod at a time, or two when a run may start while the last one runs.
  const schedules = Object.entries(m.schedules).map(([key, s]): [string, number] => [`schedules.${key}`, s.concurrencyPolicy === 'Allow' ? 2 : 1]);
  return { maxWebPods: maxWebPods(m), consumers: [...workers, ...schedules].map(([c]) => c), consumerPods: Object.fromEntries([...workers, ...schedules]) };
}

/** The most web pods that run at once, outside rollouts. */
function maxWebPods(m: ResolvedStack): number {
  return m.web.autoscaling ? m.web.autoscaling.maxReplicas : m.web.replicas!;
}

/** Problems that span sections. */
function crossSectionIssues(props: PythonWebStackProps, m: ResolvedStack): ConfigIssue[] {
  const issues: ConfigIssue[] = [...labelIssues(m.labels), ...namespaceIssues(props, m), ...envCollisions(m), ...mountIssues(m), ...observabilityIssues(m)];
  if (m.monitoring) issues.push(...labelIssues(m.monitoring.labels, 'monitoring.labels'));
  for (const key of Object.keys(m.labels).filter((k) => RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p)))) {
    issues.push({ path: `labels["${key}"]`, message: 'is set by the stack itself', allowed: `a key outside ${RESERVED_LABEL_PREFIXES.join(', ')}` });
  }
  if (m.media && !m.static && m.media.serve !== 'app') {
    issues.push({ path: 'media.serve', message: `${m.media.serve} needs the nginx sidecar, which serves the files: without static, the app serves every path`, value: m.media.serve, allowed: 'static: {...} with it, or serve: app' });
  }
  if (m.static && m.media) {
    const staticPath = m.static.urlPath;
    const mediaPath = m.media.urlPath;
    if (mediaPath.startsWith(staticPath) || staticPath.startsWith(mediaPath)) {
      issues.push({ path: 'media.urlPath', message: `overlaps static.urlPath (${staticPath}): nginx could not tell the two apart`, value: mediaPath, allowed: 'two separate prefixes, e.g. /static/ and /media/' });
    }
  }
  return issues;
}

/** The model, or a ConfigError with every problem. */
function resolved(result: ReturnType<typeof PythonWebStack.resolve>): ResolvedStack {
  throwIfAny(result.issues);
  return result.stack!;
}
