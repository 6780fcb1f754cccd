import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { addDisruptionBudget, spreadAcrossNodes } from './_availability';
import { checksum } from './_checksum';
import { ConfigIssue, throwIfAny } from './_errors';
import { EXPORTER_METRICS_PATH, EXPORTER_RESOURCES, REDIS_EXPORTER, redisExporterContainer } from './_exporters';
import { MetricsTarget } from './_metrics';
import { dnsEgress, namespaceSelector } from './_network';
import { StackIdentity, imageVersion } from './_identity';
import { isQuantity, parseQuantity } from './_quantity';
import { ResolvedResources, resourceIssues, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './_security';
import { SecretKeyRef } from './app-secrets';
import { DEFAULT_REDIS_RESOURCES, resolveRedis } from './resolve-background';
import { isValidated, resolveResources } from './resolve-stack';
import { RedisConfig } from './stack-config';

/** The redis user of the official image. */
export const REDIS_UID = 999;

/** The Redis port. */
export const REDIS_PORT = 6379;

/** The share of the memory limit Redis may fill with data; the rest is its own overhead, client buffers and the fork of an AOF rewrite. */
const MAXMEMORY_SHARE = 0.75;

/** The smallest memory limit Redis is given: below it, its own overhead leaves no room for data. */
const MIN_MEMORY = 32 * 2 ** 20;

/** Where the config file is mounted, and the data folder. */
const CONF_DIR = '/usr/local/etc/redis';
const DATA_DIR = '/data';

/**
 * The env var that holds the password in the Redis container: `redis-cli` reads it as its
 * password, so the readiness probe authenticates without the password in its arguments.
 */
const PASSWORD_ENV = 'REDISCLI_AUTH';

/**
 * Starts Redis with the password read from the environment at start, on stdin (`-` as the last
 * config argument): it is never in the pod spec, a ConfigMap or a process's arguments. `$1` is the
 * config file. `exec` leaves redis-server as the container's first process, so it gets SIGTERM
 * and shuts down cleanly (a last fsync of the append-only file).
 */
const START_SCRIPT = [
  `test -n "$${PASSWORD_ENV}" || { echo "${PASSWORD_ENV} is empty: the Redis password is missing from its Secret" >&2; exit 1; }`,
  'exec redis-server "$1" - <<EOF',
  `requirepass $${PASSWORD_ENV}`,
  'EOF',
].join('\n');

/** Props of `RedisServer`: the `redis` section plus its wiring. */
export interface RedisServerProps extends Omit<RedisConfig, 'external'> {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** Where the pod reads the password Redis requires. */
  readonly password: SecretKeyRef;
  /**
   * Policy selectors (`StackIdentity.policySelector`) of the pods allowed to connect (web,
   * migrations, workers, schedules).
   * @default - none: only the NetworkPolicy's default deny
   */
  readonly clients?: Array<Record<string, string>>;
  /**
   * Namespaces whose pods may connect too (e.g. KEDA's, which reads queue lengths).
   * @default []
   */
  readonly clientNamespaces?: string[];
  /**
   * A redis_exporter sidecar (`monitoring`), which also exports the length of these job queues
   * (Redis lists of database 0) as `redis_key_size`.
   * @default - no exporter
   */
  readonly exporter?: { readonly queues: readonly string[] };
}

/**
 * A single-instance Redis: a StatefulSet of one replica with its ServiceAccount, its config in a
 * ConfigMap (no secret in it), a headless Service for the StatefulSet, a client Service
 * `<name>-redis`, and a NetworkPolicy that admits only the stack's clients. With `storage`, an
 * append-only file on a standalone claim (kept when the StatefulSet goes, grown by an apply, as
 * the database's); without, data in memory only.
 */
export class RedisServer extends Construct {
  /** Validates the `redis` section (in-cluster settings only). */
  public static validate(props: Omit<RedisConfig, 'external'>, path = 'redis'): ConfigIssue[] {
    const issues: ConfigIssue[] = [...resourceIssues(props.resources, DEFAULT_REDIS_RESOURCES, `${path}.resources`)];
    const memory = resolveResources(props.resources, DEFAULT_REDIS_RESOURCES).limits.memory;
    if (isQuantity(memory) && parseQuantity(memory) < MIN_MEMORY) {
      issues.push({ path: `${path}.resources.limits.memory`, message: 'leaves Redis no room for data (maxmemory is three quarters of it)', value: memory, allowed: 'at least 32Mi' });
    }
    const size = props.storage?.size;
    if (size !== undefined && !isQuantity(size)) issues.push({ path: `${path}.storage.size`, message: 'is not a Kubernetes quantity', value: size, allowed: 'e.g. 1Gi' });
    return issues;
  }

  public readonly stack: StackIdentity;
  public readonly image: string;
  public readonly resources: ResolvedResources;
  /** Requests and limits of every container of the pod (Redis, and its exporter with `monitoring`). */
  public readonly podResources: readonly ResolvedResources[];
  /** What Prometheus scrapes in the Redis pod, when it has an exporter. */
  public readonly metrics?: MetricsTarget;
  /** The job queues whose length the exporter exports. */
  public readonly queues: readonly string[];
  /** The claim's size, when Redis keeps its data on a volume. */
  public readonly storageSize?: string;
  /** `maxmemory`, in bytes. */
  public readonly maxMemoryBytes: number;
  /** The client Service's name: the host of `REDIS_URL`. */
  public readonly host: string;
  public readonly port = REDIS_PORT;
  /** Labels the StatefulSet selects its pod by. */
  public readonly selectorLabels: Record<string, string>;
  /** The label NetworkPolicies select the Redis pod by. */
  public readonly policySelector: Record<string, string>;
  /** The contents of `redis.conf`. */
  public readonly config: string;
  public readonly statefulSet: k8s.KubeStatefulSet;
  public readonly claim?: k8s.KubePersistentVolumeClaim;

  constructor(scope: Construct, id: string, props: RedisServerProps) {
    super(scope, id);
    if (!isValidated(props)) throwIfAny(RedisServer.validate(props));
    this.stack = props.stack;
    const redis = resolveRedis(props);
    this.image = redis.image;
    this.resources = redis.resources;
    this.podResources = [this.resources, ...(props.exporter ? [EXPORTER_RESOURCES] : [])];
    this.queues = [...(props.exporter?.queues ?? [])];
    this.storageSize = redis.storage?.size;
    this.maxMemoryBytes = Math.floor(parseQuantity(this.resources.limits.memory) * MAXMEMORY_SHARE);
    this.host = this.stack.objectName('redis');
    this.selectorLabels = this.stack.selectorLabels(this.host);
    this.policySelector = this.stack.policySelector(this.host);
    this.config = redisConf(this.storageSize !== undefined, this.maxMemoryBytes);
    const version = imageVersion(this.image);
    const meta = (suffix: string, withVersion = false) => this.stack.metadata(suffix, 'redis', { instance: this.host, version: withVersion ? version : undefined });

    if (this.storageSize) {
      this.claim = new k8s.KubePersistentVolumeClaim(this, 'Data', {
        metadata: meta('redis-data'),
        spec: {
          accessModes: ['ReadWriteOnce'],
          ...(redis.storage?.storageClassName ? { storageClassName: redis.storage.storageClassName } : {}),
          resources: { requests: { storage: k8s.Quantity.fromString(this.storageSize) } },
        },
      });
    }

    // Its own identity, without an API token: Redis never talks to the Kubernetes API.
    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: meta('redis'), automountServiceAccountToken: false });
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: meta('redis'), data: { 'redis.conf': this.config } });

    const ports = [{ name: 'redis', port: REDIS_PORT, targetPort: k8s.IntOrString.fromString('redis'), protocol: 'TCP' }];
    new k8s.KubeService(this, 'HeadlessService', { metadata: meta('redis-headless'), spec: { clusterIp: 'None', selector: this.selectorLabels, ports } });
    new k8s.KubeService(this, 'Service', { metadata: meta('redis'), spec: { type: 'ClusterIP', selector: this.selectorLabels, ports } });

    this.statefulSet = new k8s.KubeStatefulSet(this, 'StatefulSet', {
      metadata: meta('redis', true),
      spec: {
        replicas: 1,
        serviceName: this.stack.objectName('redis-headless'),
        selector: { matchLabels: this.selectorLabels },
        updateStrategy: { type: 'RollingUpdate' },
        template: {
          metadata: {
            labels: this.stack.labels('redis', this.host, version),
            // A config change restarts Redis, which reads its config only at start.
            annotations: { 'checksum/config': checksum({ 'redis.conf': this.config }) },
          },
          spec: {
            serviceAccountName: this.host,
            automountServiceAccountToken: false,
            enableServiceLinks: false,
            ...spreadAcrossNodes(this.selectorLabels),
            securityContext: restrictedPodSecurityContext(REDIS_UID),
            terminationGracePeriodSeconds: 30,
            containers: [
              this.container(props.password),
              ...(props.exporter ? [redisExporterContainer({ port: REDIS_PORT, password: props.password, keys: this.queues })] : []),
            ],
            volumes: [
              { name: 'config', configMap: { name: this.host } },
              this.claim
                ? { name: 'data', persistentVolumeClaim: { claimName: this.claim.name } }
                : { name: 'data', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
              { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
            ],
          },
        },
      },
    });

    if (props.exporter) {
      this.metrics = {
        name: 'redis',
        component: 'redis',
        instance: this.host,
        selector: this.selectorLabels,
        policySelector: this.policySelector,
        endpoints: [{ port: REDIS_EXPORTER.port.name, path: EXPORTER_METRICS_PATH }],
      };
    }

    // One instance cannot stay up through a drain; a budget that forbade the eviction would
    // block node drains forever (see PostgresDatabase).
    addDisruptionBudget(this, meta('redis'), this.selectorLabels);

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: meta('redis'),
      spec: {
        podSelector: { matchLabels: this.policySelector },
        policyTypes: ['Ingress', 'Egress'],
        ingress: [{
          from: [
            ...(props.clients ?? []).map((matchLabels) => ({ podSelector: { matchLabels } })),
            ...(props.clientNamespaces ?? []).map((ns) => ({ namespaceSelector: namespaceSelector(ns) })),
          ],
          ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(REDIS_PORT) }],
        }],
        // Redis initiates no connections; name lookups are all it may need.
        egress: [dnsEgress()],
      },
    });
  }

  private container(password: SecretKeyRef): k8s.Container {
    // `redis-cli` answers errors (LOADING, NOAUTH) with exit 0: only PONG means ready.
    const ping = ['sh', '-c', 'test "$(redis-cli -h 127.0.0.1 -p "$1" ping)" = PONG', 'redis-ping', String(REDIS_PORT)];
    return {
      name: 'redis',
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      command: ['sh', '-c', START_SCRIPT, 'redis-server', `${CONF_DIR}/redis.conf`],
      ports: [{ name: 'redis', containerPort: REDIS_PORT, protocol: 'TCP' }],
      env: [{ name: PASSWORD_ENV, valueFrom: { secretKeyRef: password } }],
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      readinessProbe: { exec: { command: ping }, periodSeconds: 10, timeoutSeconds: 5, failureThreshold: 3 },
      // Only "is the server listening": loading a large append-only file must not get it killed.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString('redis') }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 6 },
      volumeMounts: [
        { name: 'config', mountPath: CONF_DIR, readOnly: true },
        { name: 'data', mountPath: DATA_DIR },
        { name: 'tmp', mountPath: '/tmp' },
      ],
    };
  }
}

/**
 * `redis.conf`: no secret in it (the password arrives on stdin). `noeviction`, because a broker
 * that evicted keys would lose queued jobs silently: a full Redis refuses writes instead, which
 * the app and workers see as errors.
 */
function redisConf(persistent: boolean, maxMemoryBytes: number): string {
  return [
    '# Generated by pyweb-cdk8s. The password is not here: the container passes it on stdin at start.',
    'bind * -::*',
    `port ${REDIS_PORT}`,
    `dir ${DATA_DIR}`,
    `maxmemory ${maxMemoryBytes}`,
    'maxmemory-policy noeviction',
    // Snapshots would fork and write dump.rdb; the append-only file (with storage) is the durable copy.
    'save ""',
    ...(persistent ? ['appendonly yes', 'appendfsync everysec'] : ['appendonly no']),
    'tcp-keepalive 60',
    '',
  ].join('\n');
}
