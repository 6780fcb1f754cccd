/**
 * The stack file: one YAML file describes one deployable Python web stack.
 *
 * These interfaces are the single source of truth for three things: the TypeScript props of
 * `PythonWebStack`, the published JSON Schema (`schema/stack.schema.json`, generated from this
 * file by `npm run schema`) and the runtime validation of stack files (ajv, against that schema,
 * plus the semantic checks the constructs make). The JSDoc tags `@pattern`, `@minimum`,
 * `@maximum`, `@minLength`, `@maxLength`, `@minItems` and `@minProperties` below therefore are
 * validation rules, not decoration.
 *
 * `@allowed` is this project's own tag (copied into the schema as `"allowed"`): the rule of a
 * `@pattern` or length limit in words, with examples, as error messages print it after
 * "allowed:". Every patterned or length-limited type and field has one (a test checks it).
 * `@keyNoun` names what each key of a mapping is, for messages about the keys.
 *
 * @see ../README.md#stack-file-reference
 */

import {
  Cidr,
  Command,
  ContainerPath,
  CpuQuantity,
  DnsLabel,
  DnsSubdomain,
  EnvVarName,
  Environment,
  Framework,
  HostName,
  ImageReference,
  MediaAccessMode,
  MediaServe,
  MemoryQuantity,
  PostgresName,
  PostgresSslMode,
  Region,
  SecretsSource,
  UnprivilegedOrWellKnownPort,
  UnprivilegedPort,
  UrlPath,
  UrlPathPrefix,
  VolumeConsumer,
  WebServer,
} from './stack-config-values';

import { RedisConfig, ScheduleConfig, WorkerConfig } from './stack-config-background';

export * from './stack-config-values';
export * from './stack-config-background';

/** Compute resources of one container. */
export interface ResourceQuantities {
  /** CPU, e.g. `250m` or `1`. @default - see the section that holds it */
  readonly cpu?: CpuQuantity;
  /** Memory, e.g. `256Mi`. @default - see the section that holds it */
  readonly memory?: MemoryQuantity;
}

/** Requests and limits of one container. */
export interface ResourcesConfig {
  /** What the scheduler reserves. @default - the section's defaults */
  readonly requests?: ResourceQuantities;
  /** The ceiling; a memory limit is always emitted. @default - the section's defaults */
  readonly limits?: ResourceQuantities;
}

/** A HorizontalPodAutoscaler for the web Deployment. */
export interface AutoscalingConfig {
  /**
   * The fewest pods; at least 2 so one node drain never takes the site down.
   * @asType integer
   * @minimum 2
   * @maximum 10000
   * @default 2
   */
  readonly minReplicas?: number;
  /**
   * The most pods (10,000 at most: Kubernetes' tested limit is 150,000 pods per cluster).
   * @asType integer
   * @minimum 1
   * @maximum 10000
   * @default 10
   */
  readonly maxReplicas?: number;
  /**
   * Average CPU utilization (percent of the request) the autoscaler aims for.
   * @asType integer
   * @minimum 1
   * @maximum 100
   * @default 70
   */
  readonly targetCPUUtilization?: number;
  /**
   * Average memory utilization (percent of the request) the autoscaler aims for.
   * @asType integer
   * @minimum 1
   * @maximum 100
   * @default - memory is not a scaling metric
   */
  readonly targetMemoryUtilization?: number;
}

/** The app container's probes. */
export interface ProbesConfig {
  /** The readiness probe's HTTP path. @default - web.healthPath */
  readonly readiness?: UrlPath;
  /**
   * The liveness probe: `tcp` (is the port open) or an HTTP path.
   * @pattern ^(tcp|/[^\s?#]*)$
   * @allowed tcp, or an absolute URL path such as /healthz
   * @default 'tcp'
   */
  readonly liveness?: string;
  /** The startup probe's HTTP path. @default - web.healthPath */
  readonly startup?: UrlPath;
  /**
   * The Host header of the HTTP probes (Django's ALLOWED_HOSTS refuses the pod IP the kubelet
   * sends otherwise).
   * @pattern ^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?(:[0-9]+)?$
   * @allowed a host name such as localhost
   * @default - 'localhost' for django; none otherwise
   */
  readonly host?: string;
  /**
   * How long a first boot may take (imports, migrations an image runs itself) before the pod is
   * restarted.
   * @asType integer
   * @minimum 10
   * @maximum 3600
   * @default 150
   */
  readonly startupSeconds?: number;
}

/** An existing ConfigMap or Secret whose keys become env vars: exactly one of the two. */
export interface EnvFromConfig {
  /** The name of an existing ConfigMap. @default - not a ConfigMap */
  readonly configMap?: DnsSubdomain;
  /** The name of an existing Secret. @default - not a Secret */
  readonly secret?: DnsSubdomain;
}

/** How database migrations run once per release. */
export interface MigrationsConfig {
  /**
   * The migration command, run once per release in a Job with the app's image and env.
   * @default - django: `python manage.py migrate --noinput`; required for other frameworks
   */
  readonly command?: Command;
  /**
   * A command that succeeds once the database schema is up to date; new web pods run it in an
   * init container, retrying every 5 seconds, so they serve only after the migration.
   * @default - django: `python manage.py migrate --check`; other frameworks: no gate
   */
  readonly waitCommand?: Command;
}

/** The app's own Prometheus endpoint (django-prometheus, prometheus_client, a statsd exporter...). */
export interface WebMetricsConfig {
  /**
   * The HTTP path Prometheus scrapes.
   * @pattern ^/[A-Za-z0-9._~/-]*$
   * @allowed an absolute URL path of letters, digits and ._~/-, such as /metrics
   * @default '/metrics'
   */
  readonly path?: string;
  /**
   * The port of the endpoint. Another port than `web.port` keeps the metrics off the Service
   * (and so off the Ingress); on `web.port` behind the nginx sidecar, nginx answers the path
   * with 404 so it is not public.
   * @default - web.port
   */
  readonly port?: UnprivilegedPort;
}

/** The Python web service: the app container and its Deployment. */
export interface WebConfig {
  /** The app image: a tag other than `latest`, or a `@sha256:` digest. */
  readonly image: ImageReference;
  /** The framework; it picks the default server command. @default 'generic' */
  readonly framework?: Framework;
  /**
   * The WSGI (django, flask) or ASGI (fastapi) callable the default server command runs,
   * e.g. `shop.wsgi:application`.
   * @pattern ^[A-Za-z_][A-Za-z0-9_.]*:[A-Za-z_][A-Za-z0-9_.()]*$
   * @allowed module:callable, such as shop.wsgi:application or main:app
   * @default - django: `<name>.wsgi:application`; flask: `app:app`; fastapi: `main:app`
   */
  readonly entrypoint?: string;
  /**
   * The server the default command runs, with `WEB_CONCURRENCY` as its worker count: `gunicorn`
   * (uvicorn workers for fastapi), `uvicorn` (ASGI), `granian` (ASGI for fastapi or an `*.asgi`
   * entrypoint, else WSGI) or `uwsgi` (WSGI). The image must contain it.
   * @default 'gunicorn'
   */
  readonly server?: WebServer;
  /**
   * Replaces the default server command entirely (and the image's ENTRYPOINT); required when
   * framework is `generic` and there is no `server` with an `entrypoint`.
   * @default - the `server`'s command for the framework's entrypoint
   */
  readonly command?: Command;
  /**
   * Arguments of the image's own ENTRYPOINT (tini, s6's `/init`, an entrypoint script), which
   * stays: the container gets `args` and no `command`, unless `command` is given too.
   * @default - none: the server command (which replaces the ENTRYPOINT)
   */
  readonly args?: string[];
  /** The port the app listens on (the `PORT` env var). @default 8000 */
  readonly port?: UnprivilegedPort;
  /** The HTTP path of the readiness and startup probes. @default '/healthz' */
  readonly healthPath?: UrlPath;
  /** The app container's probes. @default - readiness and startup on healthPath, liveness a TCP check */
  readonly probes?: ProbesConfig;
  /**
   * Existing ConfigMaps and Secrets whose every key becomes an env var of the Python containers
   * (before the stack's own env, which wins).
   * @default []
   */
  readonly envFrom?: EnvFromConfig[];
  /** The size limit of the writable `/tmp` (an emptyDir). @default '256Mi' */
  readonly tmpSize?: MemoryQuantity;
  /**
   * The uid the Python containers run as, for an image built for its own non-root user (e.g.
   * 999, 1000); never 0.
   * @asType integer
   * @minimum 1
   * @maximum 2147483647
   * @default 10001
   */
  readonly runAsUser?: number;
  /**
   * The gid of the Python containers (and `fsGroup` of their volumes); never 0.
   * @asType integer
   * @minimum 1
   * @maximum 2147483647
   * @default - runAsUser
   */
  readonly runAsGroup?: number;
  /**
   * Plain, non-secret settings; they go into a ConfigMap. A name or value that looks secret
   * (password, token, a credential URL, a private key, a long random string...) is refused:
   * list it in `secrets.keys` instead, or in `secrets.publicKeys` when its value is public.
   * @default {}
   */
  readonly env?: { [name: EnvVarName]: string };
  /**
   * The pod count when `autoscaling` is false.
   * @asType integer
   * @minimum 1
   * @maximum 10000
   * @default 2
   */
  readonly replicas?: number;
  /**
   * Requests and limits of the app container.
   * @default { requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } }
   */
  readonly resources?: ResourcesConfig;
  /**
   * A HorizontalPodAutoscaler, or `false` for a fixed `replicas` count.
   * @default { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 }
   */
  readonly autoscaling?: AutoscalingConfig | false;
  /**
   * Migrations run once per release before the new pods serve, or `false` for none.
   * @default - django: `python manage.py migrate --noinput`; other frameworks: none
   */
  readonly migrations?: MigrationsConfig | false;
  /**
   * Seconds a pod keeps serving after it is told to stop, so endpoints drain before the
   * server exits.
   * @asType integer
   * @minimum 0
   * @maximum 60
   * @default 5
   */
  readonly drainSeconds?: number;
  /**
   * The app's Prometheus endpoint, scraped when `monitoring` is on, or `false`.
   * @default - the app exposes no metrics
   */
  readonly metrics?: WebMetricsConfig | false;
}

/** A command run in an init container that writes the static files to `outputDir`. */
export interface StaticCollectConfig {
  /** The command, run with the app's image and environment. */
  readonly command: Command;
  /** The folder the command writes the files to. */
  readonly outputDir: ContainerPath;
}

/** The nginx sidecar that serves static (and media) files in the web pod. */
export interface StaticConfig {
  /** The URL path prefix of static files. @default '/static/' */
  readonly urlPath?: UrlPathPrefix;
  /**
   * Collect the files by running a command in an init container.
   * @default - django: `python manage.py collectstatic --noinput` into `/app/staticfiles`,
   * unless `copyFrom` is given
   */
  readonly collect?: StaticCollectConfig;
  /** Or copy this directory of the app image. @default - use `collect` */
  readonly copyFrom?: ContainerPath;
  /** The nginx image. @default 'nginxinc/nginx-unprivileged:1.27.3-alpine' */
  readonly nginxImage?: ImageReference;
  /** The port nginx listens on. @default 8080 */
  readonly port?: UnprivilegedPort;
  /**
   * The largest request body nginx accepts (nginx `client_max_body_size`).
   * @pattern ^[0-9]+[kmgKMG]?$
   * @allowed a whole number of bytes with an optional k, m or g suffix (nginx units), such as 10m or 512k
   * @default '10m'
   */
  readonly maxUploadSize?: string;
  /**
   * Requests and limits of the nginx container.
   * @default { requests: { cpu: '50m', memory: '32Mi' }, limits: { cpu: '250m', memory: '64Mi' } }
   */
  readonly resources?: ResourcesConfig;
}

/** User uploads on a PersistentVolumeClaim. */
export interface MediaConfig {
  /** The volume size. @default '10Gi' */
  readonly size?: MemoryQuantity;
  /** The storage class. @default - the cluster's default storage class */
  readonly storageClassName?: DnsLabel;
  /** ReadWriteMany lets pods on different nodes share the volume. @default 'ReadWriteMany' */
  readonly accessMode?: MediaAccessMode;
  /** Where the app sees the volume. @default '/app/media' */
  readonly mountPath?: ContainerPath;
  /** The URL path prefix of media files. @default '/media/' */
  readonly urlPath?: UrlPathPrefix;
  /**
   * Who may fetch uploads, with `static` on: `public` (nginx serves `urlPath` from the volume
   * to anyone), `protected` (nginx serves a file only when the app answers a request for it
   * with `X-Accel-Redirect: /_protected<urlPath><file>`) or `app` (nginx proxies `urlPath` to
   * the app like any other path). `app` by default: uploads are users' documents as often as
   * public images, and nothing should be public unless the stack says so.
   * @default 'app'
   */
  readonly serve?: MediaServe;
}

/**
 * One more volume of the app: exactly one of `size` (a PersistentVolumeClaim `<name>-<key>`),
 * `scratch` (an emptyDir) or `files` (a ConfigMap `<name>-<key>` whose keys are file names).
 */
export interface VolumeConfig {
  /** A PersistentVolumeClaim of this size: data that outlives the pods. @default - not a claim */
  readonly size?: MemoryQuantity;
  /** The claim's access mode. @default 'ReadWriteMany' */
  readonly accessMode?: MediaAccessMode;
  /** The claim's storage class. @default - the cluster's default storage class */
  readonly storageClassName?: DnsLabel;
  /** An emptyDir of at most this size: scratch space that lives as long as the pod. @default - not scratch */
  readonly scratch?: MemoryQuantity;
  /**
   * Files (name -> content) in a ConfigMap `<name>-<key>`, mounted read-only as a folder; a
   * change of content rolls the pods. File names are letters, digits, '-', '_' and '.'.
   * @keyNoun file name
   * @default - not files
   */
  readonly files?: { [fileName: string]: string };
  /** Where the containers see the volume. */
  readonly mountPath: ContainerPath;
  /** Mount it read-only (files always are). @default false */
  readonly readOnly?: boolean;
  /**
   * The workloads that mount it: `web` (the web pod; for files also its init containers and the
   * migration Job), `workers.<key>`, `schedules.<key>`; `[]` for nowhere. Claims and scratch go
   * into each one's main container, files into each one's every Python container.
   * @default - the web, every worker and every schedule
   */
  readonly mountIn?: VolumeConsumer[];
}

/** The database's volume. */
export interface DatabaseStorageConfig {
  /** The volume size; growing it later is an apply when the storage class allows expansion. @default '10Gi' */
  readonly size?: MemoryQuantity;
  /** The storage class. @default - the cluster's default storage class */
  readonly storageClassName?: DnsLabel;
}

/** A managed Postgres (RDS, Cloud SQL, Azure Database...) that the app reaches over the network. */
export interface ExternalDatabaseConfig {
  /**
   * The server's host name or IP address.
   * @pattern ^[A-Za-z0-9]([-A-Za-z0-9.]*[A-Za-z0-9])?$
   * @maxLength 253
   * @allowed a host name such as shop.abc.eu-west-1.rds.amazonaws.com, or an IP address
   */
  readonly host: string;
  /** The server's port. @default 5432 */
  readonly port?: UnprivilegedOrWellKnownPort;
  /** The database name. @default - the stack name, '-' replaced by '_' */
  readonly name?: PostgresName;
  /** The database user. @default - the stack name, '-' replaced by '_' */
  readonly user?: PostgresName;
  /** The key of `secrets.keys` that holds the user's password; the app reads it by `secretKeyRef` only. */
  readonly passwordKey: EnvVarName;
  /** The network the server is in: the app's pods may reach it there, on `port`, and nowhere else. */
  readonly cidr: Cidr;
  /** libpq's `sslmode` (`PGSSLMODE`, and `?sslmode=` in `DATABASE_URL`). @default 'require' */
  readonly sslMode?: PostgresSslMode;
}

/**
 * The env var names the app reads the connection from. Only the names given are set; `url`
 * needs all five others, from which the kubelet builds it.
 */
export interface DatabaseEnvConfig {
  /** The host name. @default - not set */
  readonly host?: EnvVarName;
  /** The port. @default - not set */
  readonly port?: EnvVarName;
  /** The database name. @default - not set */
  readonly name?: EnvVarName;
  /** The user. @default - not set */
  readonly user?: EnvVarName;
  /** The password, always by `secretKeyRef`. */
  readonly password: EnvVarName;
  /** A `postgresql://` URL built from the others. @default - not set */
  readonly url?: EnvVarName;
  /** libpq's sslmode, with `database.external`. @default - not set */
  readonly sslMode?: EnvVarName;
}

/** An in-cluster Postgres, or with `external` a managed one. */
export interface DatabaseConfig {
  /**
   * The env var names the app reads (NetBox `DB_HOST`..., paperless `PAPERLESS_DBHOST`...).
   * @default - PGHOST, PGPORT, PGDATABASE, PGUSER, PGPASSWORD and DATABASE_URL (and PGSSLMODE with external)
   */
  readonly env?: DatabaseEnvConfig;
  /**
   * A managed Postgres instead of the in-cluster one: no StatefulSet, no volume, no generated
   * password; the other keys of this section but `env` are then refused.
   * @default - an in-cluster Postgres
   */
  readonly external?: ExternalDatabaseConfig;
  /**
   * The Postgres image. With cloudnative-pg, an official `postgres:<version>` stands for
   * CloudNativePG's own `ghcr.io/cloudnative-pg/postgresql:<version>`; any other image must be a
   * CloudNativePG operand image.
   * @default - 'postgres:16.4' (statefulset); 'ghcr.io/cloudnative-pg/postgresql:16.4' (cloudnative-pg)
   */
  readonly image?: ImageReference;
  /**
   * The database name.
   * @default - the stack name, '-' replaced by '_'
   */
  readonly name?: PostgresName;
  /**
   * The database user.
   * @default - the stack name, '-' replaced by '_'
   */
  readonly user?: PostgresName;
  /** The data volume. @default { size: '10Gi' } */
  readonly storage?: DatabaseStorageConfig;
  /**
   * Requests and limits of the Postgres container.
   * @default { requests: { cpu: '250m', memory: '512Mi' }, limits: { cpu: '1', memory: '1Gi' } }
   */
  readonly resources?: ResourcesConfig;
  /**
   * `statefulset`: one Postgres pod the stack runs itself. `cloudnative-pg`: a CloudNativePG
   * `Cluster` (the operator must be installed): replicas with failover, an optional PgBouncer
   * pooler, continuous backups to object storage.
   * @default 'statefulset'
   */
  readonly engine?: DatabaseEngine;
  /**
   * cloudnative-pg: the Postgres instances (one primary, the rest streaming replicas).
   * @asType integer
   * @minimum 1
   * @maximum 9
   * @default - 3 in production, 1 elsewhere
   */
  readonly instances?: number;
  /** cloudnative-pg: a PgBouncer `Pooler` the app connects through. @default - none: the app connects to the `-rw` Service */
  readonly pooler?: DatabasePoolerConfig;
  /**
   * Backups, or `false` for none, said explicitly. In production an in-cluster database needs
   * one or the other.
   * @default - none (refused in production, a warning in staging)
   */
  readonly backup?: DatabaseBackupConfig | false;
  /**
   * cloudnative-pg: bootstrap the new Cluster from the stack's `statefulset` database (CloudNativePG's
   * `initdb.import`), the way to switch engines without losing data. See the README's runbook.
   * @default - a new, empty database
   */
  readonly importFrom?: DatabaseImportSource;
}

/** How the stack runs Postgres. */
export type DatabaseEngine = 'statefulset' | 'cloudnative-pg';

/** Where a cloudnative-pg database imports its data from. */
export type DatabaseImportSource = 'statefulset';

/** PgBouncer's pool modes. */
export type PoolMode = 'transaction' | 'session';

/** A CloudNativePG `Pooler` (PgBouncer) in front of the primary. */
export interface DatabasePoolerConfig {
  /**
   * PgBouncer pods.
   * @asType integer
   * @minimum 1
   * @maximum 10
   * @default 2
   */
  readonly instances?: number;
  /**
   * `transaction` returns the server connection after each transaction (the most sharing; no
   * session state such as `SET` or advisory locks across transactions); `session` keeps it for
   * the client's whole session.
   * @default 'transaction'
   */
  readonly poolMode?: PoolMode;
}

/** Scheduled backups: to object storage (cloudnative-pg) or `pg_dump` files on a volume (statefulset). */
export interface DatabaseBackupConfig {
  /**
   * When backups run: a five-field cron expression, in UTC.
   * @pattern ^(\S+\s+){4}\S+$
   * @allowed five cron fields (minute hour day-of-month month day-of-week), such as "0 2 * * *"
   */
  readonly schedule: string;
  /**
   * How long backups are kept: a number and d (days), w (weeks) or m (months).
   * @pattern ^[1-9][0-9]*[dwm]$
   * @allowed a number and d, w or m, such as 30d, 4w or 6m
   * @default '30d'
   */
  readonly retention?: string;
  /** cloudnative-pg: where the Barman Cloud plugin sends base backups and WAL. */
  readonly objectStore?: BackupObjectStoreConfig;
  /** statefulset: the volume the `pg_dump` files are written to, `<name>-postgres-backups`. @default { size: '10Gi' } */
  readonly volume?: DatabaseStorageConfig;
}

/** A bucket for CloudNativePG's Barman Cloud plugin (`barmancloud.cnpg.io/v1` ObjectStore). */
export interface BackupObjectStoreConfig {
  /**
   * The bucket and folder: `s3://bucket/path` (AWS S3 or any S3 API), `gs://bucket/path` (Google
   * Cloud Storage) or `https://<account>.blob.core.windows.net/container/path` (Azure).
   * @pattern ^(s3|gs)://[a-z0-9][-a-z0-9._]*[a-z0-9](/[^\s]*)?$|^https://[^\s/]+\.blob\.core\.windows\.net/[^\s]+$
   * @allowed s3://bucket/path, gs://bucket/path or https://<account>.blob.core.windows.net/<container>/path
   */
  readonly destinationPath: string;
  /**
   * An S3-compatible endpoint other than AWS's, e.g. `https://s3.eu-west-1.amazonaws.com` or a MinIO URL.
   * @pattern ^https?://[^\s/]+(:[0-9]+)?(/[^\s]*)?$
   * @allowed an http(s) URL such as https://s3.eu-west-1.amazonaws.com
   * @default - the provider's own endpoint
   */
  readonly endpointURL?: string;
  /**
   * An existing Secret with the bucket's credentials: `ACCESS_KEY_ID` and `ACCESS_SECRET_KEY`
   * (s3), `APPLICATION_CREDENTIALS` (gs) or `AZURE_CONNECTION_STRING` (Azure).
   * @default - the cloud identity of the Postgres pods (IAM role, GKE workload identity, Azure AD):
   * their ServiceAccount `<name>-postgres` gets `serviceAccount.annotations`
   */
  readonly credentialsSecret?: DnsLabel;
}

/** External Secrets Operator settings (`source: external`). */
export interface ExternalSecretsConfig {
  /** The SecretStore or ClusterSecretStore to read from. */
  readonly storeName: DnsLabel;
  /** The store's kind. @default 'ClusterSecretStore' */
  readonly storeKind?: 'ClusterSecretStore' | 'SecretStore';
  /** The key (path) of the secret in the store; each of `secrets.keys` is a property of it. */
  readonly remoteKey: string;
  /**
   * How often the operator re-reads the store.
   * @pattern ^([0-9]+(ns|us|µs|ms|s|m|h))+$
   * @allowed a duration such as 1h, 30m or 1h30m (units h, m, s, ms, us, ns)
   * @default '1h'
   */
  readonly refreshInterval?: string;
  /**
   * Generate the database password in the cluster (External Secrets' Password generator)
   * instead of reading it from the store: it is created once, stays stable, and never exists
   * in git or in the store.
   * @default true
   */
  readonly generateDatabasePassword?: boolean;
}

/** The app's secrets: every key becomes an env var of the app by `secretKeyRef`. */
export interface SecretsConfig {
  /**
   * `existing`: a Secret created outside git; `external`: an ExternalSecret; `generated`: a
   * plain Secret with development values, refused in staging and production.
   * @default - 'generated' in development, 'existing' in staging and production
   */
  readonly source?: SecretsSource;
  /** The Secret's name when source is `existing`. @default '<name>-secrets' */
  readonly existingSecret?: DnsLabel;
  /** Required when source is `external`. */
  readonly external?: ExternalSecretsConfig;
  /**
   * The keys the app reads, each as an env var of the same name.
   * @default []
   */
  readonly keys?: EnvVarName[];
  /**
   * Names of `web.env` (or labels) that look secret but hold public values, such as a
   * publishable key or an app key that is no credential: the name, token-shape and entropy
   * checks let them through. A credential inside a URL, a private key or a `NAME=value` of a
   * secret name is refused even so.
   * @default []
   */
  readonly publicKeys?: EnvVarName[];
}

/** TLS for the Ingress: an existing certificate Secret, or one cert-manager issues. */
export interface IngressTlsConfig {
  /** A Secret holding the certificate. @default - `<name>-tls` when clusterIssuer is given */
  readonly secretName?: DnsLabel;
  /** A cert-manager ClusterIssuer that issues the certificate. @default - none */
  readonly clusterIssuer?: DnsLabel;
}

/** An Ingress to the web Service. */
export interface IngressConfig {
  /** The host name. */
  readonly host: HostName;
  /** The IngressClass. @default - the cluster's default IngressClass */
  readonly className?: DnsLabel;
  /** TLS settings. @default - no TLS */
  readonly tls?: IngressTlsConfig;
  /**
   * More host names routed to the web service (and on the TLS certificate), e.g. `www.` names.
   * @default []
   */
  readonly extraHosts?: HostName[];
  /**
   * Annotations of the Ingress, for the ingress controller (timeouts, rate limits...). They win
   * over the ones the stack sets (ingress-nginx's `proxy-body-size`), except cert-manager's
   * `cert-manager.io/cluster-issuer`, which `tls.clusterIssuer` sets.
   * @default {}
   */
  readonly annotations?: { [key: string]: string };
}

/** The NetworkPolicies of the stack. */
export interface NetworkPolicyConfig {
  /** The namespace of the ingress controller allowed to reach the web pods. @default 'ingress-nginx' */
  readonly ingressControllerNamespace?: DnsLabel;
  /**
   * The namespace of the CloudNativePG operator, allowed to reach the database instances
   * (`database.engine: cloudnative-pg`).
   * @default 'cnpg-system'
   */
  readonly databaseOperatorNamespace?: DnsLabel;
  /**
   * Ports the web pods may reach on the internet, or `false` for none.
   * @default [443]
   */
  readonly internetEgressPorts?: UnprivilegedOrWellKnownPort[] | false;
  /**
   * More destinations the web and migration pods may reach, for add-ons the stack does not know
   * (a managed Redis, an SMTP relay in the network...).
   * @default []
   */
  readonly egress?: EgressRuleConfig[];
  /**
   * The namespace of the KEDA operator, which Redis admits when a worker scales by its queue.
   * @default 'keda'
   */
  readonly kedaNamespace?: DnsLabel;
}

/** One destination the app's pods may reach: a network and its ports. */
export interface EgressRuleConfig {
  /** The destination network. */
  readonly cidr: Cidr;
  /**
   * The TCP ports.
   * @minItems 1
   * @allowed at least one port, such as [6379]
   */
  readonly ports: UnprivilegedOrWellKnownPort[];
}

/** The namespace's ResourceQuota (staging and production). */
export interface ResourceQuotaConfig {
  /**
   * Room on top of what the stack itself uses at its peak (CPU, memory, pods, claims and storage),
   * for what is added by hand: a debug pod, an extra claim.
   * @pattern ^[0-9]{1,3}%$
   * @allowed a percentage from 0% to 999%, such as 50%
   * @default '20%'
   */
  readonly headroom?: string;
}

/** The ServiceAccount the app's pods run as (`<name>-web`). */
export interface ServiceAccountConfig {
  /**
   * Annotations, e.g. for cloud IAM: `eks.amazonaws.com/role-arn` (IRSA) or
   * `iam.gke.io/gcp-service-account` (Workload Identity), `azure.workload.identity/client-id` (the
   * Python pods are then labeled `azure.workload.identity/use`). With cloudnative-pg backups to an
   * object store without `credentialsSecret`, the Cluster's ServiceAccount gets them too.
   * @default {}
   */
  readonly annotations?: { [key: string]: string };
}

/**
 * Prometheus Operator objects for a kube-prometheus-stack cluster: a PodMonitor for each
 * metrics endpoint (the app's `web.metrics`, and the exporter sidecars the stack adds: nginx,
 * Postgres), a PrometheusRule of alerts and a Grafana dashboard.
 */
export interface MonitoringConfig {
  /** The namespace of Prometheus: the only one the NetworkPolicies admit to the metrics ports. @default 'monitoring' */
  readonly prometheusNamespace?: DnsLabel;
  /**
   * Labels on the PodMonitors and the PrometheusRule, which Prometheus selects them by
   * (kube-prometheus-stack: `release: <its release name>`).
   * @default {}
   */
  readonly labels?: { [key: string]: string };
  /** A PrometheusRule of alerts for the stack (see the README's runbooks). @default true */
  readonly alerts?: boolean;
  /** A Grafana dashboard in a ConfigMap labeled `grafana_dashboard: "1"`. @default true */
  readonly dashboard?: boolean;
}

/** The format of the access logs. */
export interface LogsConfig {
  /**
   * `json`: nginx and gunicorn write one JSON object per request (time, method, path, status,
   * duration, bytes, request_id, user_agent...), and nginx sets `X-Request-ID` when a request
   * has none and passes it to the app; `text`: their usual formats.
   * @default 'text'
   */
  readonly format?: LogFormat;
}

/** `json` or `text`. */
export type LogFormat = 'json' | 'text';

/**
 * One stack for one deploy target: the props of `PythonWebStack`, and a stack file without
 * the keys of the file format (`$schema`, `targets`), which the command line reads.
 */
export interface PythonWebStackProps {
  /**
   * The stack name: the prefix of every object name.
   * @pattern ^[a-z]([-a-z0-9]*[a-z0-9])?$
   * @maxLength 40
   * @allowed a DNS-1123 label of at most 40 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit
   */
  readonly name: string;
  /** The namespace of every object. @default - the stack name */
  readonly namespace?: DnsLabel;
  /** Where the stack runs. @default 'development' */
  readonly environment?: Environment;
  /**
   * The region the stack is deployed to, e.g. `eu-west-1`: a label (`pyweb.dev/region`) on
   * every object, and `${region}` in any string value of the stack file.
   * @default - none
   */
  readonly region?: Region;
  /** Extra labels on every object. @default {} */
  readonly labels?: { [key: string]: string };
  /** The web service. */
  readonly web: WebConfig;
  /** The nginx static-file sidecar, or `false`. @default - no sidecar; the Service targets the app */
  readonly static?: StaticConfig | false;
  /** User uploads on a PersistentVolumeClaim, or `false`. @default - no media volume */
  readonly media?: MediaConfig | false;
  /**
   * More volumes of the app, each key a DNS label naming the volume (and its claim or ConfigMap
   * `<name>-<key>`).
   * @keyNoun volume
   * @default {}
   */
  readonly volumes?: { [key: DnsLabel]: VolumeConfig };
  /** An in-cluster Postgres (a StatefulSet, or a CloudNativePG Cluster), or `false` to bring your own DATABASE_URL. @default - no database */
  readonly database?: DatabaseConfig | false;
  /**
   * Redis for the app, its workers and schedules (`REDIS_URL`, or the names of `redis.env`), or `false`.
   * @default - no Redis
   */
  readonly redis?: RedisConfig | false;
  /**
   * Background workers, each a Deployment `<name>-worker-<key>` running the web image with the
   * web's env, secrets and database wiring.
   * @keyNoun worker
   * @default {}
   */
  readonly workers?: { [key: DnsLabel]: WorkerConfig };
  /**
   * Commands on a schedule, each a CronJob `<name>-cron-<key>` running the web image with the
   * web's env, secrets and database wiring.
   * @keyNoun schedule
   * @default {}
   */
  readonly schedules?: { [key: DnsLabel]: ScheduleConfig };
  /** The app's secrets. @default - see `SecretsConfig.source` */
  readonly secrets?: SecretsConfig;
  /** An Ingress, or `false`. @default - no Ingress */
  readonly ingress?: IngressConfig | false;
  /** NetworkPolicies. @default - see `NetworkPolicyConfig` */
  readonly networkPolicy?: NetworkPolicyConfig;
  /** Prometheus monitors, alerts and a dashboard, or `false`. @default - no monitoring objects */
  readonly monitoring?: MonitoringConfig | false;
  /** The access logs. @default { format: 'text' } */
  readonly logs?: LogsConfig;
  /**
   * The ResourceQuota's headroom, or `false` for no ResourceQuota.
   * @default - in staging and production, a quota with 20% headroom; none in development
   */
  readonly resourceQuota?: ResourceQuotaConfig | false;
  /** The app's ServiceAccount. @default - no annotations */
  readonly serviceAccount?: ServiceAccountConfig;
}
