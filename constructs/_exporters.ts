import * as k8s from '../imports/k8s';
import { ResolvedResources, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext } from './_security';

/**
 * Prometheus exporters that run as sidecars next to a process the stack owns (nginx, Postgres, Redis):
 * restricted like every container, with small requests and limits, a named metrics port, and
 * probes on that port. Each talks to its process over the pod's loopback only.
 */

/** The path every exporter serves its metrics under. */
export const EXPORTER_METRICS_PATH = '/metrics';

/** Resources of one exporter sidecar: a Go binary answering a scrape every few seconds. */
export const EXPORTER_RESOURCES: ResolvedResources = {
  requests: { cpu: '10m', memory: '24Mi' },
  limits: { cpu: '100m', memory: '64Mi' },
};

/** A metrics port of an exporter: its name (unique in the pod, at most 15 characters) and number. */
export interface ExporterPort {
  readonly name: string;
  readonly port: number;
}

/** nginx-prometheus-exporter: reads nginx's `stub_status`. */
export const NGINX_EXPORTER = {
  image: 'nginx/nginx-prometheus-exporter:1.4.0',
  port: { name: 'nginx-metrics', port: 9113 } as ExporterPort,
};

/** postgres_exporter: connects to Postgres as a role with `pg_monitor` only. */
export const POSTGRES_EXPORTER = {
  image: 'quay.io/prometheuscommunity/postgres-exporter:v0.16.0',
  port: { name: 'pg-metrics', port: 9187 } as ExporterPort,
  /** The login role it connects as: `pg_monitor`'s privileges (read statistics), nothing more. */
  role: 'metrics_exporter',
};

/** redis_exporter: reads `INFO` (memory, clients, commands) and the length of the queues it is told. */
export const REDIS_EXPORTER = {
  image: 'oliver006/redis_exporter:v1.67.0',
  port: { name: 'redis-metrics', port: 9121 } as ExporterPort,
};

/** The container of an exporter sidecar. */
function exporterContainer(name: string, image: string, port: ExporterPort, args: string[], env: k8s.EnvVar[] = []): k8s.Container {
  const portRef = k8s.IntOrString.fromString(port.name);
  return {
    name,
    image,
    imagePullPolicy: pullPolicyFor(image),
    // Flags with `--` and `=`: both Go's flag package (older releases, Debian's) and kingpin (current ones) read them.
    args: [...args, `--web.listen-address=:${port.port}`, `--web.telemetry-path=${EXPORTER_METRICS_PATH}`],
    ...(env.length ? { env } : {}),
    ports: [{ name: port.name, containerPort: port.port, protocol: 'TCP' }],
    resources: toResourceRequirements(EXPORTER_RESOURCES),
    securityContext: restrictedContainerSecurityContext(),
    readinessProbe: { httpGet: { path: EXPORTER_METRICS_PATH, port: portRef, scheme: 'HTTP' }, periodSeconds: 15, timeoutSeconds: 5, failureThreshold: 3 },
    livenessProbe: { tcpSocket: { port: portRef }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 3 },
  };
}

/** The nginx exporter, reading `stub_status` from nginx on the pod's loopback. */
export function nginxExporterContainer(stubStatusUrl: string): k8s.Container {
  return exporterContainer('nginx-exporter', NGINX_EXPORTER.image, NGINX_EXPORTER.port, [`--nginx.scrape-uri=${stubStatusUrl}`]);
}

/** Options of `redisExporterContainer`. */
export interface RedisExporterOptions {
  readonly port: number;
  /** Where the Redis password is (the one Redis itself requires). */
  readonly password: { readonly name: string; readonly key: string };
  /** Keys of database 0 whose length it exports as `redis_key_size` (the job queues' lists). */
  readonly keys: readonly string[];
}

/**
 * The Redis exporter, on the pod's loopback. The password reaches it as `REDIS_PASSWORD` (which
 * redis_exporter reads when `--redis.password` is not given), never in its arguments.
 */
export function redisExporterContainer(o: RedisExporterOptions): k8s.Container {
  const keys = o.keys.length ? [`--check-single-keys=${o.keys.map((k) => `db0=${k}`).join(',')}`] : [];
  return exporterContainer('redis-exporter', REDIS_EXPORTER.image, REDIS_EXPORTER.port, [`--redis.addr=redis://127.0.0.1:${o.port}`, ...keys], [
    { name: 'REDIS_PASSWORD', valueFrom: { secretKeyRef: { name: o.password.name, key: o.password.key } } },
  ]);
}

/** Options of `postgresExporterContainer`. */
export interface PostgresExporterOptions {
  readonly port: number;
  readonly database: string;
  /** Where the exporter role's password is. */
  readonly password: { readonly name: string; readonly key: string };
}

/** The Postgres exporter, connecting over the pod's loopback as the `pg_monitor` role. */
export function postgresExporterContainer(o: PostgresExporterOptions): k8s.Container {
  return exporterContainer('postgres-exporter', POSTGRES_EXPORTER.image, POSTGRES_EXPORTER.port, [], [
    { name: 'DATA_SOURCE_URI', value: `127.0.0.1:${o.port}/${o.database}?sslmode=disable` },
    { name: 'DATA_SOURCE_USER', value: POSTGRES_EXPORTER.role },
    { name: 'DATA_SOURCE_PASS', valueFrom: { secretKeyRef: { name: o.password.name, key: o.password.key } } },
  ]);
}

/**
 * A postStart script for the Postgres container: once the server answers on its unix socket,
 * creates the exporter's role if missing, sets its password from `$<passwordEnv>` and grants it
 * `pg_monitor`; idempotent, so it runs at every start (a password rotation takes effect at the
 * next restart). The password reaches psql through the environment, never the command line.
 * It always exits 0: monitoring must never get the database killed; if it cannot finish, the
 * exporter reports `pg_up 0` and the PostgresDown alert fires.
 */
export function monitorRoleScript(o: { readonly socketDir: string; readonly port: number; readonly passwordEnv: string }): string {
  const role = POSTGRES_EXPORTER.role;
  return [
    'i=0',
    // Up to 30 minutes: the startup probe's budget for crash recovery.
    'while [ "$i" -lt 900 ]; do',
    `  if PGPASSWORD="$POSTGRES_PASSWORD" psql -X -q -v ON_ERROR_STOP=1 -h ${o.socketDir} -p ${o.port} -U "$POSTGRES_USER" -d postgres >/dev/null 2>&1 <<'SQL'; then exit 0; fi`,
    `\\set pw \`printf '%s' "$${o.passwordEnv}"\``,
    `SELECT 'CREATE ROLE ${role}' WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '${role}') \\gexec`,
    `ALTER ROLE ${role} WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'pw';`,
    `GRANT pg_monitor TO ${role};`,
    'SQL',
    '  i=$((i + 1))',
    '  sleep 2',
    'done',
    'exit 0',
  ].join('\n');
}
