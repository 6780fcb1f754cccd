import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { addDisruptionBudget, spreadAcrossNodes } from './_availability';
import { EXPORTER_METRICS_PATH, EXPORTER_RESOURCES, POSTGRES_EXPORTER, monitorRoleScript, postgresExporterContainer } from './_exporters';
import { MetricsTarget } from './_metrics';
import { ConfigIssue, throwIfAny } from './_errors';
import { dnsEgress } from './_network';
import { StackIdentity, imageVersion } from './_identity';
import { MAX_VOLUME_BYTES, isQuantity, parseQuantity } from './_quantity';
import { ResolvedResources, resourceIssues, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './_security';
import { SecretKeyRef } from './app-secrets';
import { DatabaseEnvNames, namedSettings, passwordAndUrlEnv } from './_database-env';
import { IDatabaseConnection } from './database-connection';
import { PodBudget } from './namespace-resource-policy';
import { DEFAULT_DATABASE_RESOURCES, isValidated, resolveDatabase } from './resolve-stack';
import { DatabaseConfig } from './stack-config';

/** The postgres user of the official image: the data files belong to it. */
export const POSTGRES_UID = 999;

/** The Postgres port. */
export const POSTGRES_PORT = 5432;

/**
 * The env a client of the database gets, by name: the connection settings (in the app's
 * ConfigMap), the password (by `secretKeyRef`) and DATABASE_URL built from them.
 */
export const DATABASE_ENV = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'DATABASE_URL'] as const;

/**
 * A Postgres client's env after its ConfigMap's connection settings: the password by
 * `secretKeyRef` only, and DATABASE_URL built by the kubelet's `$(VAR)` expansion from the
 * variables before it, so the password is never a literal anywhere. `urlQuery` is appended to
 * the URL (e.g. `?sslmode=$(PGSSLMODE)`).
 */
export function postgresClientEnv(passwordRef: SecretKeyRef, urlQuery = ''): k8s.EnvVar[] {
  const [host, port, database, user, password, url] = DATABASE_ENV;
  return [
    { name: password, valueFrom: { secretKeyRef: { ...passwordRef } } },
    { name: url, value: `postgresql://$(${user}):$(${password})@$(${host}):$(${port})/$(${database})${urlQuery}` },
  ];
}

/** Where the volume is mounted; PGDATA is a subdirectory, because a fresh volume's root holds lost+found. */
const DATA_MOUNT = '/var/lib/postgresql/data';

/** The folder of Postgres's unix socket (a volume: the root filesystem is read-only). */
const SOCKET_DIR = '/var/run/postgresql';

/** Props of `PostgresDatabase`: the `database` section plus its wiring. */
export interface PostgresDatabaseProps extends DatabaseConfig {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** Where the pod reads the password that initializes the database. */
  readonly password: SecretKeyRef;
  /**
   * Policy selectors (`StackIdentity.policySelector`) of the pods allowed to connect (web, migrations).
   * @default - none: only the NetworkPolicy's default deny
   */
  readonly clients?: Array<Record<string, string>>;
  /**
   * CloudNativePG imports from this database into a Cluster of the same name
   * (`database.importFrom`): the ServiceAccount, PodDisruptionBudget and NetworkPolicy, whose
   * names the operator gives the Cluster's own, are named `<name>-postgres-statefulset`.
   * @default false
   */
  readonly importSource?: boolean;
  /**
   * A postgres_exporter sidecar, connecting as a `pg_monitor` role whose password is read here.
   * @default - no exporter
   */
  readonly exporterPassword?: SecretKeyRef;
}

/** The env var of the Postgres container that holds the exporter role's password (for its postStart). */
const EXPORTER_PASSWORD_ENV = 'EXPORTER_PASSWORD';

/**
 * A single-instance Postgres: a StatefulSet of one replica, its data on a standalone
 * PersistentVolumeClaim, a headless Service for the StatefulSet, a client Service
 * `<name>-postgres`, and a NetworkPolicy that admits only the stack's clients.
 *
 * The claim is its own object rather than a volumeClaimTemplate: a StatefulSet's templates are
 * immutable, so growing `storage.size` would need a delete and re-create, while a standalone
 * claim grows with a plain apply when its storage class allows volume expansion. Deleting the
 * StatefulSet never deletes the claim.
 */
export class PostgresDatabase extends Construct implements IDatabaseConnection {
  /** Validates the `database` section. */
  public static validate(props: DatabaseConfig, path = 'database', stackName?: string): ConfigIssue[] {
    const issues: ConfigIssue[] = [...resourceIssues(props.resources, DEFAULT_DATABASE_RESOURCES, `${path}.resources`)];
    const derived = props.user === undefined && stackName !== undefined ? resolveDatabase(props, stackName).user : undefined;
    if (props.user?.startsWith('pg_')) {
      issues.push({ path: `${path}.user`, message: 'starts with pg_, which Postgres reserves for its own roles (initdb refuses it)', value: props.user, allowed: 'a name not starting with pg_' });
    } else if (derived?.startsWith('pg_')) {
      issues.push({
        path: `${path}.user`,
        message: `defaults to ${derived} (the stack name with '-' as '_'), which starts with pg_, reserved by Postgres for its own roles (initdb refuses it)`,
        allowed: `set database.user to a name not starting with pg_, e.g. ${derived.replace(/^(pg_)+/, '') || 'app'}`,
      });
    }
    const size = props.storage?.size;
    if (size !== undefined && !isQuantity(size)) issues.push({ path: `${path}.storage.size`, message: 'is not a Kubernetes quantity', value: size, allowed: 'e.g. 20Gi' });
    else if (size !== undefined && parseQuantity(size) < 2 ** 20) issues.push({ path: `${path}.storage.size`, message: 'is too small for a database', value: size, allowed: 'at least 1Gi is sensible, e.g. 20Gi' });
    else if (size !== undefined && !(parseQuantity(size) <= MAX_VOLUME_BYTES)) issues.push({ path: `${path}.storage.size`, message: 'is more than any storage class provides (1Pi)', value: size, allowed: 'at most 1Pi, e.g. 20Gi' });
    return issues;
  }

  public readonly stack: StackIdentity;
  public readonly image: string;
  public readonly databaseName: string;
  public readonly user: string;
  public readonly storageSize: string;
  public readonly resources: ResolvedResources;
  /** The client Service's name: the PGHOST of the app. */
  public readonly host: string;
  public readonly port = POSTGRES_PORT;
  /** Labels the StatefulSet selects its pod by. */
  public readonly selectorLabels: Record<string, string>;
  /** The label NetworkPolicies select the database pod by. */
  public readonly policySelector: Record<string, string>;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly claim: k8s.KubePersistentVolumeClaim;
  /** The env var names clients read the connection from (`database.env`). */
  public readonly env: DatabaseEnvNames;
  /** Where clients read the password. */
  public readonly password: SecretKeyRef;
  public readonly pods: readonly PodBudget[];
  public readonly claims: readonly string[];
  /** What Prometheus scrapes in the database pod, when it has an exporter. */
  public readonly metrics?: MetricsTarget;

  constructor(scope: Construct, id: string, props: PostgresDatabaseProps) {
    super(scope, id);
    if (!isValidated(props)) throwIfAny(PostgresDatabase.validate(props, 'database', props.stack.name));
    this.stack = props.stack;
    const database = resolveDatabase(props, this.stack.name);
    this.image = database.image;
    this.databaseName = database.name;
    this.user = database.user;
    this.storageSize = database.storage.size;
    this.resources = database.resources;
    this.env = database.env;
    this.host = this.stack.objectName('postgres');
    this.selectorLabels = this.stack.selectorLabels(this.host);
    this.policySelector = this.stack.policySelector(this.host);
    this.password = props.password;
    this.pods = [{ count: 1, containers: [this.resources, ...(props.exporterPassword ? [EXPORTER_RESOURCES] : [])] }];
    this.claims = [this.storageSize];
    const version = imageVersion(this.image);
    // The version label only on the workload (see PythonWebService).
    const meta = (suffix: string, withVersion = false) => this.stack.metadata(suffix, 'database', { instance: this.host, version: withVersion ? version : undefined });

    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
      metadata: meta('postgres-data'),
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.storage?.storageClassName ? { storageClassName: props.storage.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(this.storageSize) } },
      },
    });

    // Its own identity, without an API token: Postgres never talks to the Kubernetes API.
    // CloudNativePG names its Cluster's ServiceAccount and PodDisruptionBudget after the Cluster.
    const own = props.importSource ? 'postgres-statefulset' : 'postgres';
    const serviceAccountName = this.stack.objectName(own);
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta(own), automountServiceAccountToken: false });

    const headless = this.stack.objectName('postgres-headless');
    new k8s.KubeService(this, 'HeadlessService', {
      metadata: meta('postgres-headless'),
      spec: { clusterIp: 'None', selector: this.selectorLabels, ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }] },
    });
    new k8s.KubeService(this, 'Service', {
      metadata: meta('postgres'),
      spec: { type: 'ClusterIP', selector: this.selectorLabels, ports: [{ name: 'postgres', port: POSTGRES_PORT, targetPort: k8s.IntOrString.fromString('postgres'), protocol: 'TCP' }] },
    });

    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: meta('postgres', true),
      spec: {
        replicas: 1,
        serviceName: headless,
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: { labels: this.stack.labels('database', this.host, version) },
          spec: {
            serviceAccountName,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...spreadAcrossNodes(this.selectorLabels),
            // The image's own postgres user owns the data; fsGroup makes a fresh volume writable to it.
            securityContext: restrictedPodSecurityContext(POSTGRES_UID),
            // Postgres's fast shutdown checkpoints; give it time rather than risk crash recovery.
            terminationGracePeriodSeconds: 60,
            containers: [
              this.container(props.password, props.exporterPassword),
              ...(props.exporterPassword ? [postgresExporterContainer({ port: POSTGRES_PORT, database: this.databaseName, password: props.exporterPassword })] : []),
            ],
            volumes: [
              { name: 'data', persistentVolumeClaim: { claimName: this.claim.name } },
              { name: 'run', emptyDir: { sizeLimit: k8s.Quantity.fromString('16Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('1Gi') } },
            ],
          },
        },
      },
    });

    if (props.exporterPassword) {
      this.metrics = {
        name: 'postgres',
        component: 'database',
        instance: this.host,
        selector: this.selectorLabels,
        policySelector: this.stack.policySelector(this.host),
        endpoints: [{ port: POSTGRES_EXPORTER.port.name, path: EXPORTER_METRICS_PATH }],
      };
    }

    // One instance cannot stay up through a drain; a budget that forbade the eviction would
    // block node drains and cluster upgrades forever. The database is down while it moves;
    // for high availability use a Postgres operator (e.g. CloudNativePG) instead.
    addDisruptionBudget(this, meta(own), this.selectorLabels);

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta(own),
      spec: {
        podSelector: { matchLabels: this.policySelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: (props.clients ?? []).map((matchLabels) => ({ podSelector: { matchLabels } })),
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(POSTGRES_PORT) }],
        }],
        // Postgres initiates no connections; name lookups are all it may need.
        egress: [dnsEgress()],
      },
    });
  }

  /** The env a client needs besides the password, for the app's ConfigMap. */
  public connectionSettings(): Record<string, string> {
    return namedSettings({ PGHOST: this.host, PGPORT: String(POSTGRES_PORT), PGDATABASE: this.databaseName, PGUSER: this.user }, this.env);
  }

  /**
   * The client env after the ConfigMap's: the password by `secretKeyRef` only, and DATABASE_URL
   * built by the kubelet's `$(VAR)` expansion from the variables before it, so the password is
   * never a literal anywhere.
   */
  public clientEnv(): k8s.EnvVar[] {
    return passwordAndUrlEnv(this.env, this.password);
  }

  private container(password: SecretKeyRef, exporterPassword?: SecretKeyRef): k8s.Container {
    const isReady = ['pg_isready', '--host', '127.0.0.1', '--port', String(POSTGRES_PORT), '--username', this.user, '--dbname', this.databaseName];
    return {
      name: 'postgres',
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      ports: [{ name: 'postgres', containerPort: POSTGRES_PORT, protocol: 'TCP' }],
      env: [
        { name: 'POSTGRES_DB', value: this.databaseName },
        { name: 'POSTGRES_USER', value: this.user },
        { name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: password } },
        { name: 'PGDATA', value: `${DATA_MOUNT}/pgdata` },
        ...(exporterPassword ? [{ name: EXPORTER_PASSWORD_ENV, valueFrom: { secretKeyRef: exporterPassword } }] : []),
      ],
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      // Crash recovery after an unclean stop can take many minutes; liveness must not kill it.
      startupProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 180 },
      readinessProbe: { exec: { command: isReady }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      // Only "is the server process listening at all": a busy database stays alive.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('postgres') }, periodSeconds: 30, timeoutSeconds: 5, failureThreshold: 6 },
      // The exporter's least-privilege role, kept in step with the Secret at every start.
      ...(exporterPassword ? { lifecycle: { postStart: { exec: { command: ['sh', '-c', monitorRoleScript({ socketDir: SOCKET_DIR, port: POSTGRES_PORT, passwordEnv: EXPORTER_PASSWORD_ENV })] } } } } : {}),
      volumeMounts: [
        { name: 'data', mountPath: DATA_MOUNT },
        { name: 'run', mountPath: SOCKET_DIR },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }
}
