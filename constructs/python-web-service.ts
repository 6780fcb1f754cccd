import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { addDisruptionBudget, spreadAcrossNodes } from './_availability';
import { checksum } from './_checksum';
import { ConfigError, ConfigIssue, throwIfAny } from './_errors';
import { StackIdentity, imageVersion } from './_identity';
import { ResolvedResources, resourceIssues } from './_resources';
import { isQuantity, parseQuantity, workersForCpu } from './_quantity';
import { PythonPod, PythonRuntime } from './python-pod';
import { workloadIdentityPodLabels } from './_workload-identity';
import { DEFAULT_WEB_RESOURCES, GRACEFUL_TIMEOUT, ResolvedAutoscaling, ResolvedMigrations, ResolvedProbes, isValidated, resolveWeb } from './resolve-stack';
import { Framework, WebConfig, WebServer } from './stack-config';

/** A port by name and number: what a consumer (Service, NetworkPolicy, Ingress) refers to. */
export interface NamedPort {
  readonly name: string;
  readonly port: number;
}

/** The web Service's port in the cluster: the Ingress routes to it by name. */
export const WEB_SERVICE_PORT: NamedPort = { name: 'http', port: 80 };

/** The name of the pod port that serves the web traffic: the app's, or a sidecar's in front of it. */
const SERVING_PORT_NAME = 'http';

/** The app container's port name when a sidecar serves in front of it (port names are unique in a pod). */
const APP_PORT_BEHIND_SIDECAR = 'app';

/** The prefix of the pod annotations that roll the pods when a config they read changes. */
const CHECKSUM_PREFIX = 'checksum/';

/** Share of the replicas a rollout may add on top (RollingUpdate maxSurge); the quota counts them. */
export const ROLLOUT_SURGE_PERCENT = 25;

/** Env var names the stack sets itself; `web.env` may not set them. */
export const RESERVED_ENV = ['PORT'];

/** The API server refuses a ConfigMap whose data passes 1 MiB; the stack's own entries need a little of it. */
const MAX_ENV_BYTES = 1024 * 1024 - 4096;

const UTF8 = new TextEncoder();

/** The env vars the app container always gets from the stack (web.env may override all but PORT). */
export const STACK_ENV = ['PORT', 'WEB_CONCURRENCY', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE', 'TZ'];

/** Props of `PythonWebService`: the `web` section plus its wiring. */
export interface PythonWebServiceProps extends WebConfig {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** More entries of the env ConfigMap (e.g. database connection settings). @default {} */
  readonly extraConfig?: Record<string, string>;
  /** More env vars of every Python container, after the ConfigMap's (e.g. secrets, database). @default [] */
  readonly extraEnv?: k8s.EnvVar[];
  /**
   * Annotations of the app's ServiceAccount (cloud IAM: IRSA, Workload Identity).
   * @default {}
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
  /**
   * Volumes every Python pod of the stack has and every Python container mounts (a `files`
   * volume), each with the pod annotation that rolls the pods when its content changes.
   * @default []
   */
  readonly sharedVolumes?: ReadonlyArray<{ readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount; readonly checksum: Readonly<Record<string, string>> }>;
}

/** The startup probe's period: `probes.startupSeconds` is a whole number of them. */
const STARTUP_PERIOD = 5;

/**
 * A Python web app behind gunicorn (or uvicorn workers): its ServiceAccount, env ConfigMap,
 * Deployment, Service, HorizontalPodAutoscaler and PodDisruptionBudget.
 *
 * The Deployment rolls with maxUnavailable 0, waits `drainSeconds` in preStop so endpoints
 * drain before gunicorn stops, and carries a checksum of its ConfigMap so a config change
 * rolls the pods. `runtime` is what every Python container of the stack gets (image, env,
 * resources, ServiceAccount), for other workloads' `PythonPod`s. Other constructs add to the
 * web pod with `pod` (containers, volumes, mounts), `addPodAnnotation` and `serveThrough`; the
 * pod is rendered at synth time, so the order of these calls does not matter.
 */
export class PythonWebService extends Construct {
  /** Validates the `web` section; `path` prefixes every issue's field path. */
  public static validate(props: WebConfig, path = 'web', stackName = 'app'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const web = resolveWeb(props, stackName);
    issues.push(...resourceIssues(props.resources, DEFAULT_WEB_RESOURCES, `${path}.resources`));
    if (web.framework === 'generic' && !props.command && !props.entrypoint && !props.args) {
      issues.push({ path: `${path}.command`, message: 'is required when framework is generic and there is no entrypoint (there is no default server command)', allowed: 'a command list, an entrypoint for web.server, args for the image\'s ENTRYPOINT, or framework django | flask | fastapi' });
    }
    if (props.args && !props.command && props.server) {
      issues.push({ path: `${path}.server`, message: 'is not used with args alone: the image\'s ENTRYPOINT runs them', value: props.server, allowed: 'remove server, or give command (the server command) too' });
    }
    web.envFrom.forEach((from, i) => {
      if (Boolean(from.configMap) === Boolean(from.secret)) issues.push({ path: `${path}.envFrom[${i}]`, message: 'needs exactly one of configMap and secret', value: from, allowed: '{configMap: shop-settings} or {secret: shop-extra}' });
      const same = web.envFrom.findIndex((o) => o.configMap === from.configMap && o.secret === from.secret);
      if (same !== i) issues.push({ path: `${path}.envFrom[${i}]`, message: `is envFrom[${same}] again`, value: from });
    });
    if (props.probes?.liveness !== undefined && web.probes.liveness === web.probes.readiness) {
      issues.push({ path: `${path}.probes.liveness`, message: 'is the readiness path: a failing dependency would then restart the pods in a loop instead of taking them out of the endpoints', value: web.probes.liveness, allowed: 'tcp (the default), or a path that checks only the process itself' });
    }
    if (props.tmpSize !== undefined && isQuantity(props.tmpSize) && parseQuantity(props.tmpSize) < 2 ** 20) {
      issues.push({ path: `${path}.tmpSize`, message: 'is too small for /tmp', value: props.tmpSize, allowed: 'at least 1Mi, e.g. 256Mi or 1Gi' });
    }
    if (props.server === 'uwsgi' && web.framework === 'fastapi') {
      issues.push({ path: `${path}.server`, message: 'uwsgi serves WSGI apps, and fastapi is ASGI', value: props.server, allowed: 'gunicorn | uvicorn | granian' });
    }
    if (props.server === 'uvicorn' && (web.framework === 'flask' || web.framework === 'generic') && !props.command) {
      issues.push({ path: `${path}.server`, message: `uvicorn serves ASGI apps, and ${web.framework === 'flask' ? 'flask is WSGI' : 'a generic app may be either'}`, value: props.server, allowed: web.framework === 'flask' ? 'gunicorn | granian | uwsgi' : 'gunicorn | granian | uwsgi, or your own command' });
    }
    const envBytes = Object.entries(web.env).reduce((n, [k, v]) => n + UTF8.encode(k).length + UTF8.encode(String(v)).length, 0);
    if (envBytes > MAX_ENV_BYTES) {
      issues.push({ path: `${path}.env`, message: `holds ${envBytes} bytes, more than a ConfigMap may hold (1 MiB, with the stack's own settings)`, allowed: `at most ${MAX_ENV_BYTES} bytes of names and values; mount large files from a volume or the image instead` });
    }
    for (const [name, value] of Object.entries(web.env)) {
      if (name === 'WEB_CONCURRENCY' && !/^[1-9][0-9]*$/.test(value)) {
        issues.push({ path: `${path}.env.${name}`, message: 'is the number of server workers', value, allowed: 'a whole number of at least 1' });
      }
      if (RESERVED_ENV.includes(name)) {
        issues.push({ path: `${path}.env.${name}`, message: 'is set by the stack', value, allowed: 'set web.port instead' });
      }
    }
    const autoscaling = web.autoscaling;
    if (autoscaling && autoscaling.maxReplicas < autoscaling.minReplicas) {
      issues.push({ path: `${path}.autoscaling.maxReplicas`, message: `must be at least minReplicas (${autoscaling.minReplicas})`, value: autoscaling.maxReplicas });
    } else if (autoscaling && autoscaling.maxReplicas === autoscaling.minReplicas) {
      issues.push({ path: `${path}.autoscaling.maxReplicas`, message: `must be more than minReplicas (${autoscaling.minReplicas})`, allowed: `a larger number, or autoscaling: false with replicas: ${autoscaling.minReplicas} for a fixed count` });
    }
    if (props.migrations && !props.migrations.command && web.framework !== 'django') {
      issues.push({ path: `${path}.migrations.command`, message: `is required for framework ${web.framework} (only django has a default)`, allowed: 'a command list, e.g. [flask, db, upgrade]' });
    }
    if (autoscaling && props.replicas !== undefined) {
      issues.push({ path: `${path}.replicas`, message: 'is only used when autoscaling is false', value: props.replicas, allowed: 'remove it, or set web.autoscaling: false' });
    }
    return issues;
  }

  public readonly stack: StackIdentity;
  public readonly image: string;
  public readonly framework: Framework;
  public readonly port: number;
  public readonly healthPath: string;
  public readonly resources: ResolvedResources;
  /** The autoscaler's settings; undefined for a fixed `replicas` count. */
  public readonly autoscaling?: ResolvedAutoscaling;
  /** The fixed pod count; undefined when autoscaled. */
  public readonly replicas?: number;
  /** The most web pods that run at once, outside rollouts. */
  public readonly maxReplicas: number;
  /** The migration commands; undefined when there are none. */
  public readonly migrations?: ResolvedMigrations;
  /** The server of the default command. */
  public readonly server: WebServer;
  /** The app container's command; undefined with `args` alone (the image's ENTRYPOINT runs). */
  public readonly command?: string[];
  /** Arguments of the ENTRYPOINT (or of `command`). */
  public readonly args?: string[];
  public readonly probes: ResolvedProbes;
  public readonly drainSeconds: number;
  /** The grace period: preStop drain, gunicorn's graceful timeout, and a margin. */
  public readonly terminationGracePeriodSeconds: number;
  /** The name of the Deployment, Service and ServiceAccount. */
  public readonly workloadName: string;
  /** The name of the env ConfigMap. */
  public readonly configMapName: string;
  /** Labels the Deployment selects its pods by; the Service, HPA target and PDB use them too (frozen). */
  public readonly selectorLabels: Readonly<Record<string, string>>;
  /** The label NetworkPolicies select the web pods by (frozen). */
  public readonly policySelector: Readonly<Record<string, string>>;
  /** The Service's port, which the Ingress routes to. */
  public readonly servicePort: NamedPort;
  /** What every Python container of the stack gets: image, env, resources, ServiceAccount. */
  public readonly runtime: PythonRuntime;
  /** The web pod: add containers, volumes and mounts here. */
  public readonly pod: PythonPod;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  private readonly configEntries: Record<string, string>;
  private readonly podAnnotations: Record<string, string> = {};
  /** The app container, as the pod holds it (`addAppPort` adds to its ports). */
  private appContainer!: k8s.Container;
  /** Whether a new pod must wait for the old one to go (a ReadWriteOnce volume). */
  private replaceInPlace = false;
  /** The port of the sidecar that serves in front of the app, if one does (the Service then targets it). */
  private sidecarPort?: number;

  constructor(scope: Construct, id: string, props: PythonWebServiceProps) {
    super(scope, id);
    if (!isValidated(props)) throwIfAny(PythonWebService.validate(props, 'web', props.stack.name));
    const web = resolveWeb(props, props.stack.name);

    this.stack = props.stack;
    this.image = web.image;
    this.framework = web.framework;
    this.port = web.port;
    this.healthPath = web.healthPath;
    this.resources = web.resources;
    this.autoscaling = web.autoscaling || undefined;
    this.replicas = web.replicas;
    this.maxReplicas = web.autoscaling ? web.autoscaling.maxReplicas : web.replicas!;
    this.migrations = web.migrations || undefined;
    this.drainSeconds = web.drainSeconds;
    this.server = web.server;
    this.command = web.command;
    this.args = web.args;
    this.probes = web.probes;
    this.workloadName = this.stack.objectName('web');
    this.configMapName = this.stack.objectName('web-env');
    this.selectorLabels = Object.freeze(this.stack.selectorLabels(this.workloadName));
    this.policySelector = Object.freeze(this.stack.policySelector(this.workloadName));
    this.servicePort = Object.freeze({ ...WEB_SERVICE_PORT });
    this.configEntries = {
      PORT: String(this.port),
      WEB_CONCURRENCY: String(workersForCpu(this.resources.limits.cpu ?? this.resources.requests.cpu)),
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      TZ: 'UTC',
      ...props.extraConfig,
      ...web.env,
    };
    // Shared by every Python pod of the stack: frozen, so no consumer changes it for the others.
    this.runtime = Object.freeze({
      image: this.image,
      env: Object.freeze([...this.configEnv(), ...(props.extraEnv ?? [])]),
      resources: this.resources,
      serviceAccountName: this.workloadName,
      configChecksums: Object.freeze({
        [`${CHECKSUM_PREFIX}config`]: checksum(this.configEntries),
        ...Object.assign({}, ...(props.sharedVolumes ?? []).map((v) => v.checksum)),
      }),
      uid: web.runAsUser,
      gid: web.runAsGroup,
      tmpSize: web.tmpSize,
      envFrom: Object.freeze(web.envFrom.map((from) => (from.configMap ? { configMapRef: { name: from.configMap } } : { secretRef: { name: from.secret! } }))),
      sharedVolumes: Object.freeze((props.sharedVolumes ?? []).map(({ volume, mount }) => ({ volume, mount }))),
      podLabels: Object.freeze(workloadIdentityPodLabels(props.serviceAccountAnnotations ?? {})),
    });

    const version = imageVersion(this.image);
    // The version label only where a release changes the object anyway (the workload and its
    // pods): on the others it would make every release touch them, noise in every plan and PR.
    const meta = (suffix: string, withVersion = false) =>
      this.stack.metadata(suffix, 'web', { instance: this.workloadName, version: withVersion ? version : undefined });

    const serviceAccountMeta = meta('web');
    const saAnnotations = props.serviceAccountAnnotations ?? {};
    new k8s.KubeServiceAccount(this, 'ServiceAccount', {
      metadata: Object.keys(saAnnotations).length ? { ...serviceAccountMeta, annotations: saAnnotations } : serviceAccountMeta,
      automountServiceAccountToken: false,
    });

    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: meta('web-env'), data: this.configEntries });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta('web'),
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: this.servicePort.name, port: this.servicePort.port, targetPort: k8s.IntOrString.fromString(SERVING_PORT_NAME), protocol: 'TCP' }],
      },
    });

    this.terminationGracePeriodSeconds = this.drainSeconds + GRACEFUL_TIMEOUT + 5;
    this.pod = new PythonPod(this.runtime, {
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      scheduling: spreadAcrossNodes(this.selectorLabels),
    });
    this.addAppContainer();

    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta('web', true),
      spec: {
        ...(this.replicas !== undefined ? { replicas: this.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: Lazy.any({ produce: () => this.strategy() }),
        template: {
          metadata: {
            labels: { ...this.stack.labels('web', this.workloadName, version), ...this.runtime.podLabels },
            annotations: Lazy.any({ produce: () => ({ ...this.runtime.configChecksums, ...this.podAnnotations }) }),
          },
          spec: Lazy.any({ produce: () => this.pod.spec() }),
        },
      },
    });

    if (this.autoscaling) this.addAutoscaler(this.autoscaling, meta('web'));
    addDisruptionBudget(this, meta('web'), this.selectorLabels);
    // Mounts and volumes come from several constructs, in any order: checked once all are added.
    this.node.addValidation({ validate: () => [...this.pod.problems(), ...this.servingPortProblems()] });
  }

  /** The serving port must be a port of the pod: the app's, or the sidecar's `serveThrough` named. */
  private servingPortProblems(): string[] {
    const { name, port } = this.servingPort;
    const spec = this.pod.spec();
    const served = spec.containers.some((c) => (c.ports ?? []).some((p) => p.containerPort === port && (c.name === 'app' ? this.appPortName === name : p.name === name)));
    return served ? [] : [`no container of the web pod has the serving port ${name} (${port}): the Service would target nothing (a sidecar that calls serveThrough must name its port ${name})`];
  }

  /** Entries of the env ConfigMap: the Python defaults, the extra config, then `web.env`. */
  public get configData(): Record<string, string> {
    return { ...this.configEntries };
  }

  /** Pod-template annotations that roll the pods when the config changes. */
  public get configChecksums(): Record<string, string> {
    return { ...this.runtime.configChecksums };
  }

  /** The env of every Python container: the ConfigMap's keys, then the extra env (secrets, database). */
  public get env(): k8s.EnvVar[] {
    return [...this.runtime.env];
  }

  /** The name of the pod port that receives the web traffic (the Service's targetPort, the NetworkPolicy's port). */
  public get servingPortName(): string {
    return SERVING_PORT_NAME;
  }

  /** The pod port that receives the web traffic: the app's, or the sidecar's in front of it. */
  public get servingPort(): NamedPort {
    return { name: SERVING_PORT_NAME, port: this.sidecarPort ?? this.port };
  }

  /** The app container's port name: the serving port, or `app` behind a sidecar. */
  public get appPortName(): string {
    return this.sidecarPort === undefined ? SERVING_PORT_NAME : APP_PORT_BEHIND_SIDECAR;
  }

  /** The app's env: each ConfigMap key by `configMapKeyRef`, so `$(VAR)` expansion sees it. */
  public configEnv(): k8s.EnvVar[] {
    return Object.keys(this.configEntries).sort().map((name) => ({
      name,
      valueFrom: { configMapKeyRef: { name: this.configMapName, key: name } },
    }));
  }

  /**
   * Adds a port to the app container besides its serving port (e.g. a separate metrics port);
   * a name or number the container already has is refused.
   */
  public addAppPort(port: k8s.ContainerPort): void {
    const ports = this.appContainer.ports as k8s.ContainerPort[];
    const names = [this.appPortName, APP_PORT_BEHIND_SIDECAR, ...ports.slice(1).map((p) => p.name)];
    if (names.includes(port.name) || ports.some((p) => p.containerPort === port.containerPort)) {
      throw new ConfigError([{ path: `web.ports.${port.name}`, message: `the app container already has a port named ${port.name} or numbered ${port.containerPort}`, value: port.containerPort, allowed: 'a port of its own' }]);
    }
    ports.push({ ...port });
  }

  /**
   * Adds a pod-template annotation. A key the pod already has is refused, and so is any
   * `checksum/` key: those roll the pods when a config they read changes, and a value set by
   * hand would silently stop that (use `addConfigChecksum`).
   */
  public addPodAnnotation(key: string, value: string): void {
    if (key.startsWith(CHECKSUM_PREFIX)) {
      throw new ConfigError([{ path: `annotations.${key}`, message: `is reserved: ${CHECKSUM_PREFIX} annotations roll the pods when their config changes, and the stack computes them`, value, allowed: 'another key, or addConfigChecksum(name, config) for a config the pods read' }]);
    }
    this.addAnnotation(key, value);
  }

  /**
   * Rolls the web pods whenever `config` changes, with the annotation `checksum/<name>` (a
   * SHA-256 of it): for a config the pods read that is not in the env ConfigMap (e.g. a
   * sidecar's config file). A name already used is refused.
   */
  public addConfigChecksum(name: string, config: unknown): void {
    this.addAnnotation(`${CHECKSUM_PREFIX}${name}`, checksum(config));
  }

  private addAnnotation(key: string, value: string): void {
    if (key in this.podAnnotations || key in this.runtime.configChecksums) {
      throw new ConfigError([{ path: `annotations.${key}`, message: 'is already an annotation of the web pods', value, allowed: 'a key of its own' }]);
    }
    this.podAnnotations[key] = value;
  }

  /** The pod-template annotations added so far (a copy). */
  public get annotations(): Record<string, string> {
    return { ...this.podAnnotations };
  }

  /**
   * Makes the Service target a sidecar's port (`containerPort`, which the sidecar names
   * `servingPortName`); the app's own port is then named `app`, since port names are unique
   * within a pod.
   */
  public serveThrough(containerPort: number): void {
    if (this.sidecarPort !== undefined) {
      throw new ConfigError([{ path: 'web.serveThrough', message: `a sidecar (port ${this.sidecarPort}) already serves in front of the app`, value: containerPort, allowed: 'one sidecar in front of the app' }]);
    }
    this.sidecarPort = containerPort;
  }

  /**
   * Makes rollouts stop the old pod before starting the new one: for a ReadWriteOnce volume,
   * which a surge pod on another node could never attach (Multi-Attach), so the rollout would
   * hang. It is still a RollingUpdate (maxSurge 0, maxUnavailable 1), as checkers expect.
   */
  public replacePodsInPlace(): void {
    this.replaceInPlace = true;
  }

  /**
   * Makes new pods wait, in an init container, until `waitCommand` succeeds: the gate that
   * keeps a release's pods from serving before its migration has run.
   */
  public addMigrationGate(waitCommand: readonly string[]): void {
    const loop = 'until "$@"; do echo "waiting for the database migration of this release"; sleep 5; done';
    this.pod.addInitContainer({ name: 'wait-for-migrations', command: ['sh', '-c', loop, 'wait-for-migrations', ...waitCommand] }, { first: true });
  }

  private strategy(): k8s.DeploymentStrategy {
    const [maxSurge, maxUnavailable] = this.replaceInPlace
      ? [k8s.IntOrString.fromNumber(0), k8s.IntOrString.fromNumber(1)]
      : [k8s.IntOrString.fromString(`${ROLLOUT_SURGE_PERCENT}%`), k8s.IntOrString.fromNumber(0)];
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
  }

  private addAppContainer(): void {
    // Behind a sidecar the app's port is renamed; resolved at synth time, after every add.
    const portName = Lazy.any({ produce: () => this.appPortName });
    const port = Lazy.any({ produce: () => k8s.IntOrString.fromString(this.appPortName) });
    const probes = this.probes;
    const httpGet = (path: string): k8s.HttpGetAction => ({
      path,
      port,
      scheme: 'HTTP',
      // The kubelet sends the pod's IP as Host, which Django's ALLOWED_HOSTS refuses (400): the
      // probes say `localhost` (by default for django), which settings then allow.
      ...(probes.host ? { httpHeaders: [{ name: 'Host', value: probes.host }] } : {}),
    });
    this.appContainer = this.pod.addContainer({
      name: 'app',
      ...(this.command ? { command: this.command } : {}),
      ...(this.args ? { args: this.args } : {}),
      ports: [{ name: portName, containerPort: this.port, protocol: 'TCP' }],
      // Startup allows a slow first boot (imports, warm-up) without a liberal liveness probe.
      startupProbe: { httpGet: httpGet(probes.startup), periodSeconds: STARTUP_PERIOD, timeoutSeconds: 3, failureThreshold: Math.ceil(probes.startupSeconds / STARTUP_PERIOD) },
      readinessProbe: { httpGet: httpGet(probes.readiness), periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      // Only "is the server accepting connections": a health check that fails because the
      // database is down takes the pod out of the endpoints (readiness) but must not restart it,
      // or an outage of a dependency turns into a restart storm. (kube-score also wants the two
      // probes to differ.) gunicorn's own --timeout replaces a hung worker.
      livenessProbe: {
        ...(probes.liveness === 'tcp' ? { tcpSocket: { port } } : { httpGet: httpGet(probes.liveness) }),
        periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3,
      },
      lifecycle: { preStop: { exec: { command: ['sleep', String(this.drainSeconds)] } } },
    });
  }

  private addAutoscaler(a: ResolvedAutoscaling, metadata: k8s.ObjectMeta) {
    const utilization = (name: string, averageUtilization: number): k8s.MetricSpecV2 =>
      ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: this.deployment.apiVersion, kind: this.deployment.kind, name: this.deployment.name },
        minReplicas: a.minReplicas,
        maxReplicas: a.maxReplicas,
        metrics: [
          utilization('cpu', a.targetCPUUtilization),
          ...(a.targetMemoryUtilization ? [utilization('memory', a.targetMemoryUtilization)] : []),
        ],
        behavior: {
          // Scale up at once; scale down slowly and in small steps so a traffic dip does not flap pods.
          scaleUp: { stabilizationWindowSeconds: 0, selectPolicy: 'Max', policies: [{ type: 'Percent', value: 100, periodSeconds: 30 }, { type: 'Pods', value: 4, periodSeconds: 30 }] },
          scaleDown: { stabilizationWindowSeconds: 300, selectPolicy: 'Min', policies: [{ type: 'Percent', value: 25, periodSeconds: 60 }, { type: 'Pods', value: 2, periodSeconds: 60 }] },
        },
      },
    });
  }
}
