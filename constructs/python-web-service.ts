import { Lazy } from 'cdk8s';
import { Construct } from 'constructs';
import * as kplus from 'cdk8s-plus-28';
import * as k8s from '../imports/k8s';
import { addDisruptionBudget, spreadAcrossNodes } from './_availability';
import { checksum } from './_checksum';
import { ConfigIssue, throwIfAny } from './_errors';
import { StackIdentity, imageVersion } from './_identity';
import { ResolvedResources, resolveResources, resourceIssues, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './_security';
import { defaultEntrypoint, serverCommand } from './_server-command';
import { workersForCpu } from './_quantity';
import { AutoscalingConfig, Framework, WebConfig, WebServer } from './stack-config';

/** The uid/gid of the web pod: at least 10000, so it matches no user of the node. */
export const WEB_UID = 10001;

/** The port the web Service exposes in the cluster. */
export const WEB_SERVICE_PORT = 80;

/** Seconds gunicorn gives in-flight requests once it is told to stop. */
const GRACEFUL_TIMEOUT = 25;

/** Env var names the stack sets itself; `web.env` may not set them. */
const RESERVED_ENV = ['PORT'];

/** The env vars the app container always gets from the stack (web.env may override all but PORT). */
export const STACK_ENV = ['PORT', 'WEB_CONCURRENCY', 'PYTHONUNBUFFERED', 'PYTHONDONTWRITEBYTECODE', 'TZ'];

/** Defaults of the app container's resources. */
export const DEFAULT_WEB_RESOURCES: ResolvedResources = {
  requests: { cpu: '250m', memory: '256Mi' },
  limits: { cpu: '1', memory: '512Mi' },
};

/** Defaults of `web.autoscaling`. */
export const DEFAULT_AUTOSCALING: Required<Omit<AutoscalingConfig, 'targetMemoryUtilization'>> = {
  minReplicas: 2,
  maxReplicas: 10,
  targetCPUUtilization: 70,
};

/** Props of `PythonWebService`: the `web` section of the stack file plus its wiring. */
export interface PythonWebServiceProps extends WebConfig {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** More entries of the env ConfigMap (e.g. database connection settings). @default {} */
  readonly extraConfig?: Record<string, string>;
  /** More env vars of the app container, after the ConfigMap's (e.g. secrets, database). @default [] */
  readonly extraEnv?: k8s.EnvVar[];
  /**
   * Annotations of the app's ServiceAccount (cloud IAM: IRSA, Workload Identity).
   * @default {}
   */
  readonly serviceAccountAnnotations?: Record<string, string>;
}

/**
 * A Python web app behind gunicorn (or uvicorn workers): its ServiceAccount, env ConfigMap,
 * Deployment, Service and HorizontalPodAutoscaler.
 *
 * The Deployment rolls with maxUnavailable 0, waits `drainSeconds` in preStop so endpoints
 * drain before gunicorn stops, and carries a checksum of its ConfigMap so a config change
 * rolls the pods. Other constructs add to the pod with `addSidecar`, `addInitContainer`,
 * `addVolume`, `addAppVolumeMount`, `addPodAnnotation` and `serveThrough`; the pod is
 * rendered at synth time, so the order of these calls does not matter.
 */
export class PythonWebService extends Construct {
  /** Validates the `web` section; `path` prefixes every issue's field path. */
  public static validate(props: WebConfig, path = 'web'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const framework = props.framework ?? 'generic';
    issues.push(...resourceIssues(props.resources, DEFAULT_WEB_RESOURCES, `${path}.resources`));
    if (framework === 'generic' && !props.command && !props.entrypoint) {
      issues.push({ path: `${path}.command`, message: 'is required when framework is generic and there is no entrypoint (there is no default server command)', allowed: 'a command list, an entrypoint for web.server, or framework django | flask | fastapi' });
    }
    if (props.server === 'uwsgi' && framework === 'fastapi') {
      issues.push({ path: `${path}.server`, message: 'uwsgi serves WSGI apps, and fastapi is ASGI', value: props.server, allowed: 'gunicorn | uvicorn | granian' });
    }
    if (props.server === 'uvicorn' && (framework === 'flask' || framework === 'generic') && !props.command) {
      issues.push({ path: `${path}.server`, message: `uvicorn serves ASGI apps, and ${framework === 'flask' ? 'flask is WSGI' : 'a generic app may be either'}`, value: props.server, allowed: framework === 'flask' ? 'gunicorn | granian | uwsgi' : 'gunicorn | granian | uwsgi, or your own command' });
    }
    for (const name of Object.keys(props.env ?? {})) {
      if (name === 'WEB_CONCURRENCY' && !/^[1-9][0-9]*$/.test(props.env![name])) {
        issues.push({ path: `${path}.env.${name}`, message: 'is the number of server workers', value: props.env![name], allowed: 'a whole number of at least 1' });
      }
      if (RESERVED_ENV.includes(name)) {
        issues.push({ path: `${path}.env.${name}`, message: 'is set by the stack', value: props.env![name], allowed: 'set web.port instead' });
      }
    }
    const autoscaling = props.autoscaling === false ? undefined : { ...DEFAULT_AUTOSCALING, ...props.autoscaling };
    if (autoscaling && autoscaling.maxReplicas < autoscaling.minReplicas) {
      issues.push({ path: `${path}.autoscaling.maxReplicas`, message: `must be at least minReplicas (${autoscaling.minReplicas})`, value: autoscaling.maxReplicas });
    } else if (autoscaling && autoscaling.maxReplicas === autoscaling.minReplicas) {
      issues.push({ path: `${path}.autoscaling.maxReplicas`, message: `must be more than minReplicas (${autoscaling.minReplicas})`, allowed: `a larger number, or autoscaling: false with replicas: ${autoscaling.minReplicas} for a fixed count` });
    }
    if (props.migrations && !props.migrations.command && framework !== 'django') {
      issues.push({ path: `${path}.migrations.command`, message: `is required for framework ${framework} (only django has a default)`, allowed: 'a command list, e.g. [flask, db, upgrade]' });
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
  public readonly autoscaling?: Required<Omit<AutoscalingConfig, 'targetMemoryUtilization'>> & AutoscalingConfig;
  public readonly replicas?: number;
  /** The server of the default command. */
  public readonly server: WebServer;
  public readonly command: string[];
  public readonly drainSeconds: number;
  /** The grace period: preStop drain, gunicorn's graceful timeout, and a margin. */
  public readonly terminationGracePeriodSeconds: number;
  /** Env of the ConfigMap: the Python defaults, then `web.env`. */
  public readonly configData: Record<string, string>;
  /** The name of the Deployment, Service and ServiceAccount. */
  public readonly workloadName: string;
  /** The name of the env ConfigMap. */
  public readonly configMapName: string;
  /** Labels the Deployment selects its pods by. */
  public readonly selectorLabels: Record<string, string>;
  /** The label NetworkPolicies select the web pods by. */
  public readonly policySelector: Record<string, string>;
  /** The app container's env: every ConfigMap key, then the extra env (secrets, database). */
  public readonly env: k8s.EnvVar[];
  /** Pod-template annotations that roll the pods when the config changes. */
  public readonly configChecksums: Record<string, string>;
  public readonly deployment: k8s.KubeDeployment;
  public readonly service: k8s.KubeService;
  private readonly sidecars: k8s.Container[] = [];
  private readonly initContainers: k8s.Container[] = [];
  private readonly volumes: k8s.Volume[] = [{ name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('256Mi') } }];
  private readonly appMounts: k8s.VolumeMount[] = [{ name: 'tmp', mountPath: '/tmp' }];
  private readonly podAnnotations: Record<string, string> = {};
  /** Whether a new pod must wait for the old one to go (a ReadWriteOnce volume). */
  private replaceInPlace = false;
  /** The sidecar port the Service targets instead of the app's own, when one serves in front. */
  private sidecarPortName?: string;

  constructor(scope: Construct, id: string, props: PythonWebServiceProps) {
    super(scope, id);
    throwIfAny(PythonWebService.validate(props));

    this.stack = props.stack;
    this.image = props.image;
    this.framework = props.framework ?? 'generic';
    this.port = props.port ?? 8000;
    this.healthPath = props.healthPath ?? '/healthz';
    this.resources = resolveResources(props.resources, DEFAULT_WEB_RESOURCES);
    this.autoscaling = props.autoscaling === false ? undefined : { ...DEFAULT_AUTOSCALING, ...props.autoscaling };
    this.replicas = this.autoscaling ? undefined : props.replicas ?? 2;
    this.drainSeconds = props.drainSeconds ?? 5;
    this.server = props.server ?? 'gunicorn';
    const entrypoint = props.entrypoint ?? defaultEntrypoint(this.framework, this.stack.name, this.server)!;
    this.command = props.command ?? serverCommand({ server: this.server, framework: this.framework, entrypoint, gracefulTimeout: GRACEFUL_TIMEOUT });
    this.workloadName = this.stack.objectName('web');
    this.configMapName = this.stack.objectName('web-env');
    this.selectorLabels = this.stack.selectorLabels(this.workloadName);
    this.policySelector = this.stack.policySelector(this.workloadName);
    this.configData = {
      PORT: String(this.port),
      WEB_CONCURRENCY: String(workersForCpu(this.resources.limits.cpu ?? this.resources.requests.cpu)),
      PYTHONUNBUFFERED: '1',
      PYTHONDONTWRITEBYTECODE: '1',
      TZ: 'UTC',
      ...props.extraConfig,
      ...props.env,
    };
    this.env = [...this.configEnv(), ...(props.extraEnv ?? [])];

    const version = imageVersion(this.image);
    // The version label only where a release changes the object anyway (the workload and its
    // pods): on the others it would make every release touch them, noise in every plan and PR.
    const meta = (suffix: string, withVersion = false) =>
      this.stack.metadata(suffix, 'web', { instance: this.workloadName, version: withVersion ? version : undefined });

    const serviceAccountMeta = meta('web');
    const saAnnotations = props.serviceAccountAnnotations ?? {};
    new kplus.ServiceAccount(this, 'ServiceAccount', {
      metadata: Object.keys(saAnnotations).length ? { ...serviceAccountMeta, annotations: saAnnotations } : serviceAccountMeta,
      automountToken: false,
    });

    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: meta('web-env'), data: this.configData });

    this.service = new k8s.KubeService(this, 'Service', {
      metadata: meta('web'),
      spec: {
        type: 'ClusterIP',
        selector: this.selectorLabels,
        ports: [{ name: 'http', port: WEB_SERVICE_PORT, targetPort: Lazy.any({ produce: () => k8s.IntOrString.fromString(this.sidecarPortName ?? this.appPortName) }), protocol: 'TCP' }],
      },
    });

    this.configChecksums = { 'checksum/config': checksum(this.configData) };
    this.terminationGracePeriodSeconds = this.drainSeconds + GRACEFUL_TIMEOUT + 5;
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta('web', true),
      spec: {
        ...(this.replicas !== undefined ? { replicas: this.replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: Lazy.any({ produce: () => this.strategy() }),
        template: {
          metadata: {
            labels: this.stack.labels('web', this.workloadName, version),
            annotations: Lazy.any({ produce: () => ({ ...this.configChecksums, ...this.podAnnotations }) }),
          },
          spec: Lazy.any({ produce: () => this.podSpec() }),
        },
      },
    });

    if (this.autoscaling) this.addAutoscaler(this.autoscaling, meta('web'));
    addDisruptionBudget(this, meta('web'), this.selectorLabels);
  }

  /** The app's env: each ConfigMap key by `configMapKeyRef`, so `$(VAR)` expansion sees it. */
  public configEnv(): k8s.EnvVar[] {
    return Object.keys(this.configData).sort().map((name) => ({
      name,
      valueFrom: { configMapKeyRef: { name: this.configMapName, key: name } },
    }));
  }

  /** Adds a container beside the app (e.g. the nginx sidecar). */
  public addSidecar(container: k8s.Container): void {
    this.sidecars.push(container);
  }

  /** Adds an init container; they run in the order added. */
  public addInitContainer(container: k8s.Container): void {
    this.initContainers.push(container);
  }

  /** Adds a volume to the pod. */
  public addVolume(volume: k8s.Volume): void {
    this.volumes.push(volume);
  }

  /** Mounts a pod volume into the app container. */
  public addAppVolumeMount(mount: k8s.VolumeMount): void {
    this.appMounts.push(mount);
  }

  /** Adds a pod-template annotation, e.g. the checksum of a sidecar's config. */
  public addPodAnnotation(key: string, value: string): void {
    this.podAnnotations[key] = value;
  }

  /**
   * Makes the Service target a sidecar's port (e.g. nginx's `http`); the app's own port is
   * then named `app`, since port names are unique within a pod.
   */
  public serveThrough(portName: string): void {
    this.sidecarPortName = portName;
  }

  /**
   * Makes new pods wait, in an init container, until `waitCommand` succeeds: the gate that
   * keeps a release's pods from serving before its migration has run.
   */
  public addMigrationGate(waitCommand: string[]): void {
    const loop = 'until "$@"; do echo "waiting for the database migration of this release"; sleep 5; done';
    this.initContainers.unshift(this.appLikeContainer('wait-for-migrations', ['sh', '-c', loop, 'wait-for-migrations', ...waitCommand]));
  }

  /**
   * Makes rollouts stop the old pod before starting the new one: for a ReadWriteOnce volume,
   * which a surge pod on another node could never attach (Multi-Attach), so the rollout would
   * hang. It is still a RollingUpdate (maxSurge 0, maxUnavailable 1), as checkers expect.
   */
  public replacePodsInPlace(): void {
    this.replaceInPlace = true;
  }

  private strategy(): k8s.DeploymentStrategy {
    const [maxSurge, maxUnavailable] = this.replaceInPlace
      ? [k8s.IntOrString.fromNumber(0), k8s.IntOrString.fromNumber(1)]
      : [k8s.IntOrString.fromString('25%'), k8s.IntOrString.fromNumber(0)];
    return { type: 'RollingUpdate', rollingUpdate: { maxSurge, maxUnavailable } };
  }

  /** The app container's port name. */
  public get appPortName(): string {
    return this.sidecarPortName ? 'app' : 'http';
  }

  private podSpec(): k8s.PodSpec {
    return {
      serviceAccountName: this.workloadName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(WEB_UID),
      terminationGracePeriodSeconds: this.terminationGracePeriodSeconds,
      ...spreadAcrossNodes(this.selectorLabels),
      ...(this.initContainers.length ? { initContainers: this.initContainers } : {}),
      containers: [this.appContainer(), ...this.sidecars],
      volumes: this.volumes,
    };
  }

  private appContainer(): k8s.Container {
    const httpGet: k8s.HttpGetAction = {
      path: this.healthPath,
      port: k8s.IntOrString.fromString(this.appPortName),
      scheme: 'HTTP',
      // The kubelet sends the pod's IP as Host, which Django's ALLOWED_HOSTS refuses (400): the
      // probes say `localhost`, which settings then allow.
      ...(this.framework === 'django' ? { httpHeaders: [{ name: 'Host', value: 'localhost' }] } : {}),
    };
    return {
      name: 'app',
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      command: this.command,
      ports: [{ name: this.appPortName, containerPort: this.port, protocol: 'TCP' }],
      env: this.env,
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      // Startup allows a slow first boot (imports, warm-up) without a liberal liveness probe.
      startupProbe: { httpGet, periodSeconds: 5, timeoutSeconds: 3, failureThreshold: 30 },
      readinessProbe: { httpGet, periodSeconds: 10, timeoutSeconds: 3, failureThreshold: 3, successThreshold: 1 },
      // Only "is the server accepting connections": a health check that fails because the
      // database is down takes the pod out of the endpoints (readiness) but must not restart it,
      // or an outage of a dependency turns into a restart storm. (kube-score also wants the two
      // probes to differ.) gunicorn's own --timeout replaces a hung worker.
      livenessProbe: { tcpSocket: { port: k8s.IntOrString.fromString(this.appPortName) }, periodSeconds: 20, timeoutSeconds: 5, failureThreshold: 3 },
      lifecycle: { preStop: { exec: { command: ['sleep', String(this.drainSeconds)] } } },
      volumeMounts: this.appMounts,
    };
  }

  /**
   * Runs the app image like the app, with a command instead of the server: same env, same
   * security, same /tmp.
   */
  public appLikeContainer(name: string, command: string[], volumeMounts: k8s.VolumeMount[] = []): k8s.Container {
    return {
      name,
      image: this.image,
      imagePullPolicy: pullPolicyFor(this.image),
      command,
      env: this.env,
      resources: toResourceRequirements(this.resources),
      securityContext: restrictedContainerSecurityContext(),
      volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }, ...volumeMounts],
    };
  }

  private addAutoscaler(a: NonNullable<PythonWebService['autoscaling']>, metadata: k8s.ObjectMeta) {
    const utilization = (name: string, averageUtilization: number): k8s.MetricSpecV2 =>
      ({ type: 'Resource', resource: { name, target: { type: 'Utilization', averageUtilization } } });
    new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
      metadata,
      spec: {
        scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workloadName },
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
