import type { ResolvedResources } from './_resources';
import { defaultEntrypoint, serverCommand } from './_server-command';
import { ResolvedExternalRedis, ResolvedRedis, ResolvedSchedule, ResolvedWorker, resolveRedis, resolveRedisEnv, resolveSchedule, resolveWorker } from './resolve-background';
import type {
  BackupObjectStoreConfig, DatabaseBackupConfig, DatabaseConfig, DatabaseEngine, DatabaseEnvConfig, EgressRuleConfig, EnvFromConfig, Environment, ExternalDatabaseConfig, Framework, IngressConfig, LogFormat, MediaAccessMode, MediaConfig, MediaServe, MonitoringConfig, NetworkPolicyConfig, PoolMode, SecretsConfig, VolumeConfig,
  PostgresSslMode, PythonWebStackProps, ResourceQuotaConfig, SecretsSource, StaticCollectConfig, StaticConfig, WebConfig, WebServer,
} from './stack-config';

/**
 * Every default of a stack, in one place: the pure functions below turn a stack's props (or one
 * section of them) into a fully defaulted, immutable model, and constructs read only that. A
 * new stack-file key gets its default here, in its section's resolver, and nowhere else.
 * Resolving twice gives the same model (a resolved section is valid input), so a construct may
 * resolve the props it is given whether they come from a stack file or were resolved already.
 */

/** Seconds the server gives in-flight requests once it is told to stop. */
export const GRACEFUL_TIMEOUT = 25;

/** The uid (and gid) of every Python container of an image not built for a user of its own: at least 10000, so it matches no user of the node. */
export const DEFAULT_PYTHON_UID = 10001;

/** The app's listen port when `web.port` is not set. */
export const DEFAULT_WEB_PORT = 8000;

/** The nginx sidecar's port when `static.port` is not set (it must differ from `web.port`). */
export const DEFAULT_STATIC_PORT = 8080;

/** libpq's names and the URL: what the app reads the database from unless `database.env` says otherwise. */
export const DEFAULT_DATABASE_ENV: Readonly<DatabaseEnvConfig> = { host: 'PGHOST', port: 'PGPORT', name: 'PGDATABASE', user: 'PGUSER', password: 'PGPASSWORD', url: 'DATABASE_URL' };

/** libpq's TLS mode variable, which a managed database's clients get too. */
export const DEFAULT_SSL_MODE_ENV = 'PGSSLMODE';

/** Room a ResourceQuota leaves on top of the stack's peak. */
export const DEFAULT_QUOTA_HEADROOM = '20%';

/** The environment of a stack that names none. */
export const DEFAULT_ENVIRONMENT: Environment = 'development';

/** Defaults of the app container's resources. */
export const DEFAULT_WEB_RESOURCES: ResolvedResources = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

/** Defaults of the nginx container's resources. */
export const DEFAULT_NGINX_RESOURCES: ResolvedResources = {
  requests: { cpu: '50m', memory: '32Mi' },
  limits: { cpu: '250m', memory: '64Mi' },
};

/** Defaults of the Postgres container's resources. */
export const DEFAULT_DATABASE_RESOURCES: ResolvedResources = {
  requests: { cpu: '250m', memory: '512Mi' },
  limits: { cpu: '1', memory: '1Gi' },
};

/** Defaults of `web.autoscaling`. */
export const DEFAULT_AUTOSCALING: ResolvedAutoscaling = { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 };

/** The collect step django gets without being told. */
export const DJANGO_COLLECT: StaticCollectConfig = {
  command: ['python', 'manage.py', 'collectstatic', '--noinput'],
  outputDir: '/app/staticfiles',
};

/** The migration commands django gets without being told. */
const DJANGO_MIGRATIONS: ResolvedMigrations = {
  command: ['python', 'manage.py', 'migrate', '--noinput'],
  waitCommand: ['python', 'manage.py', 'migrate', '--check'],
};

/** A HorizontalPodAutoscaler's settings with their defaults. */
export interface ResolvedAutoscaling {
  readonly minReplicas: number;
  readonly maxReplicas: number;
  readonly targetCPUUtilization: number;
  /** @default - memory is not a scaling metric */
  readonly targetMemoryUtilization?: number;
}

/** `web.migrations` with the django defaults filled in. */
export interface ResolvedMigrations {
  /** @default - no migration Job */
  readonly command?: string[];
  /** @default - no gate in the web pods */
  readonly waitCommand?: string[];
}

/** The `web` section, every default filled in. */
export interface ResolvedWeb {
  readonly image: string;
  readonly framework: Framework;
  /** The server of the default command. */
  readonly server: WebServer;
  /** @default - none (`command` is given, or the framework is generic) */
  readonly entrypoint?: string;
  /** The server command: given, or the framework's default; undefined with `args` alone (the image's ENTRYPOINT runs). */
  readonly command?: string[];
  /** Arguments of the ENTRYPOINT (or of `command`). @default - none */
  readonly args?: string[];
  readonly port: number;
  readonly healthPath: string;
  readonly probes: ResolvedProbes;
  /** Existing ConfigMaps and Secrets whose keys every Python container reads. */
  readonly envFrom: EnvFromConfig[];
  /** The size limit of /tmp. */
  readonly tmpSize: string;
  readonly runAsUser: number;
  readonly runAsGroup: number;
  readonly env: Readonly<Record<string, string>>;
  /** The fixed pod count; undefined when autoscaled. */
  readonly replicas?: number;
  readonly resources: ResolvedResources;
  /** false for a fixed `replicas` count. */
  readonly autoscaling: ResolvedAutoscaling | false;
  /** false when there are none. */
  readonly migrations: ResolvedMigrations | false;
  readonly drainSeconds: number;
  /** The app's Prometheus endpoint. @default - none */
  readonly metrics?: { readonly path: string; readonly port: number };
}

/** The `monitoring` section, every default filled in. */
export interface ResolvedMonitoring {
  readonly prometheusNamespace: string;
  readonly labels: Readonly<Record<string, string>>;
  readonly alerts: boolean;
  readonly dashboard: boolean;
}

/** `web.probes`, every default filled in. */
export interface ResolvedProbes {
  readonly readiness: string;
  /** `tcp` or a path. */
  readonly liveness: string;
  readonly startup: string;
  /** The Host header of the HTTP probes. @default - none */
  readonly host?: string;
  readonly startupSeconds: number;
}

/** The env var names a Postgres client reads (only those given are set). */
export type ResolvedDatabaseEnv = Readonly<DatabaseEnvConfig>;

/** One volume of `volumes`, every default filled in: exactly one of `size`, `scratch`, `files`. */
export interface ResolvedVolume {
  /** A claim of this size. @default - not a claim */
  readonly size?: string;
  /** With `size`. @default - not a claim */
  readonly accessMode?: MediaAccessMode;
  /** @default - the cluster's default storage class */
  readonly storageClassName?: string;
  /** An emptyDir of at most this size. @default - not scratch */
  readonly scratch?: string;
  /** @default - not files */
  readonly files?: { readonly [fileName: string]: string };
  readonly mountPath: string;
  readonly readOnly: boolean;
  /** The workloads that mount it. @default - every one */
  readonly mountIn?: string[];
}

/** The `static` section, every default filled in. */
export interface ResolvedStatic {
  readonly urlPath: string;
  /** @default - `copyFrom` is used */
  readonly collect?: StaticCollectConfig;
  /** @default - `collect` is used */
  readonly copyFrom?: string;
  readonly nginxImage: string;
  readonly port: number;
  readonly maxUploadSize: string;
  readonly resources: ResolvedResources;
}

/** The `media` section, every default filled in. */
export interface ResolvedMedia {
  readonly size: string;
  /** @default - the cluster's default storage class */
  readonly storageClassName?: string;
  readonly accessMode: MediaAccessMode;
  readonly mountPath: string;
  readonly urlPath: string;
  readonly serve: MediaServe;
}

/** The `database` section, every default filled in. */
export interface ResolvedDatabase {
  readonly engine: DatabaseEngine;
  /** The engine's image: with cloudnative-pg, CloudNativePG's (see `cnpgImage`). */
  readonly image: string;
  readonly name: string;
  readonly user: string;
  readonly storage: { readonly size: string; readonly storageClassName?: string };
  readonly resources: ResolvedResources;
  /** The names the app reads the connection from. */
  readonly env: ResolvedDatabaseEnv;
  /** cloudnative-pg: the instances. @default - none with the statefulset engine */
  readonly instances?: number;
  /** cloudnative-pg: the PgBouncer Pooler. @default - none */
  readonly pooler?: { readonly instances: number; readonly poolMode: PoolMode };
  /** Backups; false: none, said explicitly. @default - no decision (refused in production) */
  readonly backup?: ResolvedDatabaseBackup | false;
  /** cloudnative-pg: bootstrap from the stack's statefulset database. @default - none */
  readonly importFrom?: 'statefulset';
  /** With `importFrom`: the image the old StatefulSet keeps running. @default - none */
  readonly importImage?: string;
}

/** `database.backup`, every default filled in. */
export interface ResolvedDatabaseBackup {
  readonly schedule: string;
  readonly retention: string;
  /** cloudnative-pg. @default - none with the statefulset engine */
  readonly objectStore?: BackupObjectStoreConfig;
  /** statefulset: the dumps' volume. @default - none with cloudnative-pg */
  readonly volume?: { readonly size: string; readonly storageClassName?: string };
}

/** `database.external`, every default filled in. */
export interface ResolvedExternalDatabase {
  readonly host: string;
  readonly port: number;
  readonly name: string;
  readonly user: string;
  readonly passwordKey: string;
  readonly cidr: string;
  readonly sslMode: PostgresSslMode;
  /** The names the app reads the connection from. */
  readonly env: ResolvedDatabaseEnv;
}

/** `secrets.external`, every default filled in. */
export interface ResolvedExternalSecrets {
  readonly storeName: string;
  readonly storeKind: 'ClusterSecretStore' | 'SecretStore';
  readonly remoteKey: string;
  readonly refreshInterval: string;
  readonly generateDatabasePassword: boolean;
}

/** The `secrets` section, every default filled in. */
export interface ResolvedSecrets {
  readonly source: SecretsSource;
  /** The existing Secret's name; only with source `existing`. */
  readonly existingSecret?: string;
  /** Only with source `external`. */
  readonly external?: ResolvedExternalSecrets;
  readonly keys: string[];
  /** Names of `web.env` (or labels) that look secret but hold public values. */
  readonly publicKeys: string[];
}

/** The `ingress` section, every default filled in. */
export interface ResolvedIngress {
  readonly host: string;
  /** @default - the cluster's default IngressClass */
  readonly className?: string;
  /** @default - no TLS */
  readonly tls?: { readonly secretName: string; readonly clusterIssuer?: string };
  readonly extraHosts: string[];
  readonly annotations: Readonly<Record<string, string>>;
}

/** The `networkPolicy` section, every default filled in. */
export interface ResolvedNetworkPolicy {
  readonly ingressControllerNamespace: string;
  readonly databaseOperatorNamespace: string;
  readonly internetEgressPorts: number[];
  readonly egress: EgressRuleConfig[];
  readonly kedaNamespace: string;
  /**
   * The namespace of the Prometheus that scrapes the stack (`monitoring.prometheusNamespace`),
   * let in to the CloudNativePG metrics ports even when `monitoring` is off.
   */
  readonly prometheusNamespace: string;
}

/** One stack, every default filled in; sections that are off are undefined. */
export interface ResolvedStack extends ResolvedIdentity {
  readonly web: ResolvedWeb;
  readonly static?: ResolvedStatic;
  readonly media?: ResolvedMedia;
  /** The in-cluster Postgres; undefined without one (none, or `database.external`). */
  readonly database?: ResolvedDatabase;
  /** The managed Postgres of `database.external`. */
  readonly externalDatabase?: ResolvedExternalDatabase;
  /** The in-cluster Redis; undefined without one (none, or `redis.external`). */
  readonly redis?: ResolvedRedis;
  /** The managed Redis of `redis.external`. */
  readonly externalRedis?: ResolvedExternalRedis;
  /** By key, in the stack file's order. */
  readonly workers: Readonly<Record<string, ResolvedWorker>>;
  /** By key, in the stack file's order. */
  readonly schedules: Readonly<Record<string, ResolvedSchedule>>;
  readonly secrets: ResolvedSecrets;
  readonly ingress?: ResolvedIngress;
  readonly networkPolicy: ResolvedNetworkPolicy;
  /** false without a ResourceQuota (in development, or `resourceQuota: false`). */
  readonly resourceQuota: { readonly headroom: string } | false;
  readonly serviceAccount: { readonly annotations: Readonly<Record<string, string>> };
  /** `volumes`, by key, in key order. */
  readonly volumes: Readonly<Record<string, ResolvedVolume>>;
  /** Prometheus monitors, alerts and dashboard; undefined when off. */
  readonly monitoring?: ResolvedMonitoring;
  readonly logs: { readonly format: LogFormat };
}

/** Who a stack is: its name, namespace, environment, region and extra labels, resolved. */
export interface ResolvedIdentity {
  readonly name: string;
  readonly namespace: string;
  readonly environment: Environment;
  /** @default - none */
  readonly region?: string;
  readonly labels: Readonly<Record<string, string>>;
}

/** The identity part of a stack's props (see `StackIdentity`). */
export function resolveIdentity(props: Pick<PythonWebStackProps, 'name' | 'namespace' | 'environment' | 'region' | 'labels'>): ResolvedIdentity {
  return {
    name: props.name,
    namespace: props.namespace ?? props.name,
    environment: props.environment ?? DEFAULT_ENVIRONMENT,
    ...(props.region !== undefined ? { region: props.region } : {}),
    labels: { ...props.labels },
  };
}

/**
 * Marks a model, and each of its sections, as validated: a construct given such a section
 * (spread into its props, which copies the mark) does not validate it again. Only
 * `PythonWebStack.resolve` marks, after validating; the models are frozen, so they stay valid.
 */
const VALIDATED = Symbol('validated');

/** Whether these props are (a copy of) a section of a stack that `PythonWebStack.resolve` validated. */
export function isValidated(props: object): boolean {
  return (props as { [VALIDATED]?: boolean })[VALIDATED] === true;
}

/** Options of `resolveStack`. */
export interface ResolveStackOptions {
  /** Mark the model as validated (see `isValidated`). @default false */
  readonly validated?: boolean;
}

/** The stack's props (one deploy target), resolved; the props must be valid (see `PythonWebStack.validate`). */
export function resolveStack(props: PythonWebStackProps, options: ResolveStackOptions = {}): ResolvedStack {
  const identity = resolveIdentity(props);
  const web = resolveWeb(props.web, props.name);
  const model: Record<string, object | string | false | undefined> = {
    ...identity,
    web,
    ...(props.static ? { static: resolveStatic(props.static, web.framework) } : {}),
    ...(props.media ? { media: resolveMedia(props.media) } : {}),
    ...(props.database && !props.database.external ? { database: resolveDatabase(props.database, props.name, identity.environment) } : {}),
    ...(props.database && props.database.external ? { externalDatabase: resolveExternalDatabase(props.database.external, props.name, props.database.env) } : {}),
    ...(props.redis && !props.redis.external ? { redis: resolveRedis(props.redis) } : {}),
    ...(props.redis && props.redis.external ? { externalRedis: { urlKey: props.redis.external.urlKey, env: resolveRedisEnv(props.redis) } } : {}),
    workers: Object.fromEntries(Object.entries(props.workers ?? {}).map(([key, w]) => [key, resolveWorker(w)])),
    schedules: Object.fromEntries(Object.entries(props.schedules ?? {}).map(([key, c]) => [key, resolveSchedule(c)])),
    secrets: resolveSecrets(props.secrets ?? {}, identity.environment, props.name),
    ...(props.ingress ? { ingress: resolveIngress(props.ingress, props.name) } : {}),
    networkPolicy: resolveNetworkPolicy(props.networkPolicy ?? {}, props.monitoring || undefined),
    resourceQuota: resolveResourceQuota(props.resourceQuota, identity.environment),
    serviceAccount: { annotations: { ...props.serviceAccount?.annotations } },
    volumes: resolveVolumes(props.volumes ?? {}),
    ...(props.monitoring ? { monitoring: resolveMonitoring(props.monitoring) } : {}),
    logs: { format: props.logs?.format ?? 'text' },
  };
  if (options.validated) {
    for (const section of [model, ...Object.values(model)]) {
      if (section !== null && typeof section === 'object') Object.defineProperty(section, VALIDATED, { value: true, enumerable: true });
    }
  }
  return deepFreeze(model as unknown as ResolvedStack);
}

/** Merges a section's `resources` over its defaults, key by key (`requests.cpu` alone keeps the rest). */
export function resolveResources(given: WebConfig['resources'], defaults: ResolvedResources): ResolvedResources {
  return {
    requests: { ...defaults.requests, ...given?.requests },
    limits: { ...defaults.limits, ...given?.limits },
  } as ResolvedResources;
}

/** The `web` section; `stackName` names django's default WSGI module. */
export function resolveWeb(web: WebConfig, stackName: string): ResolvedWeb {
  const framework = web.framework ?? 'generic';
  const server = web.server ?? 'gunicorn';
  const autoscaling = web.autoscaling === false ? false : { ...DEFAULT_AUTOSCALING, ...web.autoscaling };
  const entrypoint = web.entrypoint ?? defaultEntrypoint(framework, stackName, server);
  // A generic app without an entrypoint has no default command (validation asks for one).
  // With `args` alone the image's ENTRYPOINT runs them: no command at all.
  const command = web.command ?? (web.args ? undefined : entrypoint ? serverCommand({ server, framework, entrypoint, gracefulTimeout: GRACEFUL_TIMEOUT }) : []);
  const healthPath = web.healthPath ?? '/healthz';
  const probes = web.probes ?? {};
  const runAsUser = web.runAsUser ?? DEFAULT_PYTHON_UID;
  const port = web.port ?? DEFAULT_WEB_PORT;
  return {
    image: web.image,
    framework,
    server,
    ...(entrypoint !== undefined ? { entrypoint } : {}),
    ...(command ? { command: [...command] } : {}),
    ...(web.args ? { args: [...web.args] } : {}),
    port,
    healthPath,
    probes: {
      readiness: probes.readiness ?? healthPath,
      liveness: probes.liveness ?? 'tcp',
      startup: probes.startup ?? healthPath,
      // The kubelet sends the pod's IP as Host, which Django's ALLOWED_HOSTS refuses (400).
      ...(probes.host ?? (framework === 'django' ? 'localhost' : undefined) ? { host: probes.host ?? 'localhost' } : {}),
      startupSeconds: probes.startupSeconds ?? 150,
    },
    envFrom: (web.envFrom ?? []).map((from) => ({ ...from })),
    tmpSize: web.tmpSize ?? '256Mi',
    runAsUser,
    runAsGroup: web.runAsGroup ?? runAsUser,
    env: { ...web.env },
    ...(autoscaling ? {} : { replicas: web.replicas ?? 2 }),
    resources: resolveResources(web.resources, DEFAULT_WEB_RESOURCES),
    autoscaling,
    migrations: resolveMigrations(web.migrations, framework),
    drainSeconds: web.drainSeconds ?? 5,
    ...(web.metrics ? { metrics: { path: web.metrics.path ?? '/metrics', port: web.metrics.port ?? port } } : {}),
  };
}

function resolveMigrations(given: WebConfig['migrations'], framework: Framework): ResolvedMigrations | false {
  const django = framework === 'django';
  if (given === false || (given === undefined && !django)) return false;
  const command = given?.command ?? (django ? DJANGO_MIGRATIONS.command : undefined);
  const waitCommand = given?.waitCommand ?? (django ? DJANGO_MIGRATIONS.waitCommand : undefined);
  return { ...(command ? { command: [...command] } : {}), ...(waitCommand ? { waitCommand: [...waitCommand] } : {}) };
}

/** The `static` section; django collects its static files without being told how. */
export function resolveStatic(s: StaticConfig, framework: Framework): ResolvedStatic {
  const collect = s.collect ?? (s.copyFrom || framework !== 'django' ? undefined : DJANGO_COLLECT);
  return {
    urlPath: s.urlPath ?? '/static/',
    ...(collect ? { collect: { command: [...collect.command], outputDir: collect.outputDir } } : {}),
    ...(s.copyFrom !== undefined ? { copyFrom: s.copyFrom } : {}),
    nginxImage: s.nginxImage ?? 'nginxinc/nginx-unprivileged:1.27.3-alpine',
    port: s.port ?? DEFAULT_STATIC_PORT,
    maxUploadSize: s.maxUploadSize ?? '10m',
    resources: resolveResources(s.resources, DEFAULT_NGINX_RESOURCES),
  };
}

/** The `media` section. */
export function resolveMedia(m: MediaConfig): ResolvedMedia {
  return {
    size: m.size ?? '10Gi',
    ...(m.storageClassName !== undefined ? { storageClassName: m.storageClassName } : {}),
    accessMode: m.accessMode ?? 'ReadWriteMany',
    mountPath: m.mountPath ?? '/app/media',
    urlPath: m.urlPath ?? '/media/',
    serve: m.serve ?? 'app',
  };
}

/** The `database` section; the database and its user are named after the stack. */
export function resolveDatabase(d: DatabaseConfig, stackName: string, environment: Environment = DEFAULT_ENVIRONMENT): ResolvedDatabase {
  const identifier = stackName.replace(/-/g, '_');
  const storageClassName = d.storage?.storageClassName;
  const engine = d.engine ?? 'statefulset';
  const cnpg = engine === 'cloudnative-pg';
  return {
    engine,
    image: cnpg ? cnpgImage(d.image) : d.image ?? DEFAULT_POSTGRES_IMAGE,
    name: d.name ?? identifier,
    user: d.user ?? identifier,
    storage: { size: d.storage?.size ?? '10Gi', ...(storageClassName !== undefined ? { storageClassName } : {}) },
    resources: resolveResources(d.resources, DEFAULT_DATABASE_RESOURCES),
    env: { ...(d.env ?? DEFAULT_DATABASE_ENV) },
    ...(cnpg ? { instances: d.instances ?? (environment === 'production' ? 3 : 1) } : {}),
    ...(cnpg && d.pooler ? { pooler: { instances: d.pooler.instances ?? 2, poolMode: d.pooler.poolMode ?? 'transaction' } } : {}),
    ...(d.backup === false ? { backup: false } : d.backup ? { backup: resolveBackup(d.backup, cnpg) } : {}),
    // The old StatefulSet keeps the official image `image` names (switching keeps the version).
    ...(cnpg && d.importFrom ? { importFrom: d.importFrom, importImage: importImage(d) } : {}),
  };
}

/** The official image the old StatefulSet keeps (`database.image` when it names one); a resolved section keeps its own. */
function importImage(d: DatabaseConfig & { readonly importImage?: string }): string {
  if (d.importImage !== undefined) return d.importImage;
  return d.image !== undefined && OFFICIAL_POSTGRES_TAG.test(d.image) ? d.image : DEFAULT_POSTGRES_IMAGE;
}

/** `database.backup`: 30 days, and with the statefulset engine a 10Gi volume for the dumps. */
function resolveBackup(b: DatabaseBackupConfig, cnpg: boolean): ResolvedDatabaseBackup {
  const storageClassName = b.volume?.storageClassName;
  return {
    schedule: b.schedule,
    retention: b.retention ?? '30d',
    ...(b.objectStore ? { objectStore: { ...b.objectStore } } : {}),
    ...(!cnpg ? { volume: { size: b.volume?.size ?? '10Gi', ...(storageClassName !== undefined ? { storageClassName } : {}) } } : {}),
  };
}

/** The statefulset engine's image. */
export const DEFAULT_POSTGRES_IMAGE = 'postgres:16.4';

/** The CloudNativePG operand image of the Postgres version the statefulset engine runs. */
export const DEFAULT_CNPG_IMAGE = 'ghcr.io/cloudnative-pg/postgresql:16.4';

/** The namespace of the Prometheus that scrapes the stack's PodMonitors (NetworkPolicy). */
export const DEFAULT_PROMETHEUS_NAMESPACE = 'monitoring';

/** The official Postgres image by tag (`postgres:16.4`, `docker.io/library/postgres:16.4-bookworm`). */
export const OFFICIAL_POSTGRES_TAG = /^(?:docker\.io\/)?(?:library\/)?postgres:([0-9]+(?:\.[0-9]+)?)(?:-[A-Za-z0-9_.-]+)?$/;

/**
 * The CloudNativePG operand image for `database.image`: an official `postgres:<version>` means
 * CloudNativePG's image of that version (so switching engines keeps the Postgres version), any
 * other image is taken as a CloudNativePG operand image.
 */
export function cnpgImage(image: string | undefined): string {
  if (image === undefined) return DEFAULT_CNPG_IMAGE;
  const official = OFFICIAL_POSTGRES_TAG.exec(image);
  return official ? `ghcr.io/cloudnative-pg/postgresql:${official[1]}` : image;
}

/** `database.external`: a managed Postgres on the standard port, over TLS, named like the in-cluster one. */
export function resolveExternalDatabase(e: ExternalDatabaseConfig, stackName: string, env?: DatabaseEnvConfig): ResolvedExternalDatabase {
  const identifier = stackName.replace(/-/g, '_');
  return {
    host: e.host,
    port: e.port ?? 5432,
    name: e.name ?? identifier,
    user: e.user ?? identifier,
    passwordKey: e.passwordKey,
    cidr: e.cidr,
    sslMode: e.sslMode ?? 'require',
    env: { ...(env ?? { ...DEFAULT_DATABASE_ENV, sslMode: DEFAULT_SSL_MODE_ENV }) },
  };
}

/** `volumes`, in key order: claims are ReadWriteMany unless said; files are always read-only. */
export function resolveVolumes(volumes: { readonly [key: string]: VolumeConfig }): Record<string, ResolvedVolume> {
  return Object.fromEntries(Object.keys(volumes).sort().map((key) => [key, resolveVolume(volumes[key])]));
}

function resolveVolume(v: VolumeConfig): ResolvedVolume {
  const common = { mountPath: v.mountPath, ...(v.mountIn ? { mountIn: [...v.mountIn] } : {}) };
  if (v.files) return { ...common, files: { ...v.files }, readOnly: true };
  if (v.scratch) return { ...common, scratch: v.scratch, readOnly: v.readOnly ?? false };
  return {
    ...common,
    size: v.size,
    accessMode: v.accessMode ?? 'ReadWriteMany',
    ...(v.storageClassName !== undefined ? { storageClassName: v.storageClassName } : {}),
    readOnly: v.readOnly ?? false,
  };
}

/** `resourceQuota`: a quota in staging and production only, unless turned off. */
export function resolveResourceQuota(q: ResourceQuotaConfig | false | undefined, environment: Environment): { headroom: string } | false {
  if (q === false || environment === 'development') return false;
  return { headroom: q?.headroom ?? DEFAULT_QUOTA_HEADROOM };
}

/** The `secrets` section: development may use generated values; anywhere else the default keeps secrets out of git. */
export function resolveSecrets(s: SecretsConfig, environment: Environment, stackName: string): ResolvedSecrets {
  const source = s.source ?? (environment === 'development' ? 'generated' : 'existing');
  const e = s.external;
  return {
    source,
    ...(source === 'existing' ? { existingSecret: s.existingSecret ?? `${stackName}-secrets` } : {}),
    ...(e ? {
      external: {
        storeName: e.storeName,
        storeKind: e.storeKind ?? 'ClusterSecretStore',
        remoteKey: e.remoteKey,
        refreshInterval: e.refreshInterval ?? '1h',
        generateDatabasePassword: e.generateDatabasePassword ?? true,
      },
    } : {}),
    keys: [...(s.keys ?? [])],
    publicKeys: [...(s.publicKeys ?? [])],
  };
}

/** The `ingress` section: cert-manager issues into `<name>-tls` unless told otherwise. */
export function resolveIngress(i: IngressConfig, stackName: string): ResolvedIngress {
  return {
    host: i.host,
    ...(i.className !== undefined ? { className: i.className } : {}),
    ...(i.tls ? { tls: { secretName: i.tls.secretName ?? `${stackName}-tls`, ...(i.tls.clusterIssuer ? { clusterIssuer: i.tls.clusterIssuer } : {}) } } : {}),
    extraHosts: [...(i.extraHosts ?? [])],
    annotations: { ...i.annotations },
  };
}

/** The `monitoring` section: Prometheus in `monitoring`, alerts and a dashboard. */
export function resolveMonitoring(m: MonitoringConfig): ResolvedMonitoring {
  return {
    prometheusNamespace: m.prometheusNamespace ?? DEFAULT_PROMETHEUS_NAMESPACE,
    labels: { ...m.labels },
    alerts: m.alerts ?? true,
    dashboard: m.dashboard ?? true,
  };
}

/** The `networkPolicy` section, with Prometheus' namespace from the `monitoring` section. */
export function resolveNetworkPolicy(n: NetworkPolicyConfig, monitoring?: MonitoringConfig): ResolvedNetworkPolicy {
  return {
    ingressControllerNamespace: n.ingressControllerNamespace ?? 'ingress-nginx',
    databaseOperatorNamespace: n.databaseOperatorNamespace ?? 'cnpg-system',
    internetEgressPorts: n.internetEgressPorts === false ? [] : [...(n.internetEgressPorts ?? [443])],
    egress: (n.egress ?? []).map((rule) => ({ cidr: rule.cidr, ports: [...rule.ports] })),
    kedaNamespace: n.kedaNamespace ?? 'keda',
    prometheusNamespace: monitoring?.prometheusNamespace ?? DEFAULT_PROMETHEUS_NAMESPACE,
  };
}

/** Freezes a model and everything in it: a resolved stack is never changed after the fact. */
function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value as object)) deepFreeze(v);
  }
  return value;
}
