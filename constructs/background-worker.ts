import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { addDisruptionBudget, spreadAcrossNodes } from './_availability';
import { checksum } from './_checksum';
import { StackIdentity, imageVersion } from './_identity';
import { MetricsTarget } from './_metrics';
import { ResolvedResources } from './_resources';
import { SecretKeyRef } from './app-secrets';
import { PythonPod, PythonRuntime } from './python-pod';
import { ROLLOUT_SURGE_PERCENT } from './python-web-service';
import { QueueAutoscaler } from './queue-autoscaler';
import { DEFAULT_REDIS_URL_ENV, ResolvedWorker, maxWorkerPods } from './resolve-background';

/**
 * The worker's readiness: its broker answers (a TCP connection to the host of the URL in env var
 * `urlEnv`). A rollout replaces an old worker only once the new one can reach the queue; it needs
 * nothing but the image's python.
 */
export function brokerReachable(urlEnv: string): string[] {
  // urlEnv is an env var name ([A-Za-z_][A-Za-z0-9_]*): safe inside the Python string literal.
  return ['python', '-c', `import os, socket, urllib.parse as u; p = u.urlsplit(os.environ['${urlEnv}']); socket.create_connection((p.hostname, p.port or 6379), 5).close()`];
}

/** Props of `BackgroundWorker`. */
export interface BackgroundWorkerProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The key under `workers`: the Deployment is `<name>-worker-<key>`. */
  readonly key: string;
  /** The worker, resolved. */
  readonly worker: ResolvedWorker;
  /** What every Python container of the stack gets (`PythonWebService.runtime`). */
  readonly runtime: PythonRuntime;
  /** Whether the stack has Redis (in the cluster or managed): the readiness probe checks it. @default false */
  readonly broker?: boolean;
  /** The env var the readiness probe reads the broker's URL from (the first of `redis.env`). @default 'REDIS_URL' */
  readonly brokerUrlEnv?: string;
  /** The in-cluster Redis and its password, for queue autoscaling. @default - none */
  readonly redis?: { readonly host: string; readonly port: number; readonly password: SecretKeyRef };
  /** The media volume and where the app mounts it, for `mountMedia`. @default - none */
  readonly media?: { readonly volume: k8s.Volume; readonly mountPath: string };
  /**
   * Claims and scratch space mounted into the worker container: the stack's `volumes` whose
   * `mountIn` names this worker (its settings files come with `runtime`).
   * @default - none
   */
  readonly volumes?: readonly WorkloadVolume[];
  /**
   * Expose the worker's `metrics` endpoint as the container port `metrics` (`monitoring` is on).
   * @default false
   */
  readonly exposeMetrics?: boolean;
}

/** A volume a workload's main container mounts, and whether it is a ReadWriteOnce claim (replaced in place). */
export interface WorkloadVolume {
  readonly volume: k8s.Volume;
  readonly mount: k8s.VolumeMount;
  /** @default false */
  readonly readWriteOnce?: boolean;
}

/**
 * A background worker (Celery, RQ, Dramatiq...): a Deployment `<name>-worker-<key>` of the web
 * image with the web's env, secrets and database wiring (one `PythonPod` for every Python
 * container), no Service. Spread across zones and nodes like the web, with a disruption budget,
 * a fixed replica count, a CPU autoscaler or KEDA queue autoscaling; or a singleton (exactly one
 * pod, replaced with Recreate, no autoscaler, no budget) for a scheduler such as Celery beat.
 * `stopGracePeriod` is the grace period: the seconds a running job may finish after SIGTERM.
 */
export class BackgroundWorker extends Construct {
  public readonly workloadName: string;
  public readonly selectorLabels: Record<string, string>;
  /** The label NetworkPolicies select the worker's pods by. */
  public readonly policySelector: Record<string, string>;
  public readonly resources: ResolvedResources;
  /** The most pods that can run at once, rollouts included. */
  public readonly peakPods: number;
  public readonly deployment: k8s.KubeDeployment;
  public readonly pod: PythonPod;
  /** What Prometheus scrapes in the worker's pods, when it exposes metrics. */
  public readonly metrics?: MetricsTarget;

  constructor(scope: Construct, id: string, props: BackgroundWorkerProps) {
    super(scope, id);
    const { stack, worker } = props;
    this.workloadName = stack.objectName(`worker-${props.key}`);
    this.selectorLabels = stack.selectorLabels(this.workloadName);
    this.policySelector = stack.policySelector(this.workloadName);
    this.resources = worker.resources;
    const version = imageVersion(props.runtime.image);
    const meta = (withVersion = false) => stack.metadata(`worker-${props.key}`, 'worker', { version: withVersion ? version : undefined });

    const runtime = this.runtimeWithEnv(props, meta());
    const exposed = props.exposeMetrics ? worker.metrics : undefined;
    if (exposed) {
      this.metrics = {
        name: `worker-${props.key}`, component: 'worker', instance: this.workloadName,
        selector: this.selectorLabels, policySelector: this.policySelector, endpoints: [{ port: 'metrics', path: exposed.path }],
      };
    }
    this.pod = new PythonPod(runtime, {
      terminationGracePeriodSeconds: worker.stopGracePeriod,
      scheduling: spreadAcrossNodes(this.selectorLabels),
    });
    this.pod.addContainer({
      name: 'worker',
      command: worker.command,
      resources: worker.resources,
      ...(exposed ? { ports: [{ name: 'metrics', containerPort: exposed.port, protocol: 'TCP' }] } : {}),
      ...(props.broker ? { readinessProbe: { exec: { command: brokerReachable(props.brokerUrlEnv ?? DEFAULT_REDIS_URL_ENV) }, periodSeconds: 20, timeoutSeconds: 10, failureThreshold: 3 } } : {}),
      ...(worker.healthCommand ? { livenessProbe: { exec: { command: [...worker.healthCommand] }, initialDelaySeconds: 30, periodSeconds: 60, timeoutSeconds: 30, failureThreshold: 3 } } : {}),
      volumeMounts: [
        ...(worker.mountMedia && props.media ? [{ name: props.media.volume.name, mountPath: props.media.mountPath }] : []),
        ...(props.volumes ?? []).map((v) => v.mount),
      ],
    });
    if (worker.mountMedia && props.media) this.pod.addVolume(props.media.volume);
    for (const v of props.volumes ?? []) this.pod.addVolume(v.volume);

    const replicas = worker.autoscaling ? undefined : worker.replicas;
    const maxPods = maxWorkerPods(worker);
    // A ReadWriteOnce volume cannot be attached to a surge pod on another node: replace in place.
    const readWriteOnce = (worker.mountMedia && props.media?.volume.persistentVolumeClaim !== undefined) || (props.volumes ?? []).some((v) => v.readWriteOnce);
    const inPlace = worker.singleton || (readWriteOnce && maxPods === 1);
    this.peakPods = inPlace ? maxPods : maxPods + Math.ceil((maxPods * ROLLOUT_SURGE_PERCENT) / 100);
    this.deployment = new k8s.KubeDeployment(this, 'Deployment', {
      metadata: meta(true),
      spec: {
        ...(replicas !== undefined ? { replicas } : {}),
        revisionHistoryLimit: 5,
        selector: { matchLabels: this.selectorLabels },
        strategy: worker.singleton
          // Exactly one: the old pod is gone before the new one starts (two Celery beats would run every task twice).
          ? { type: 'Recreate' }
          : { type: 'RollingUpdate', rollingUpdate: inPlace
            ? { maxSurge: k8s.IntOrString.fromNumber(0), maxUnavailable: k8s.IntOrString.fromNumber(1) }
            : { maxSurge: k8s.IntOrString.fromString(`${ROLLOUT_SURGE_PERCENT}%`), maxUnavailable: k8s.IntOrString.fromNumber(0) } },
        template: {
          metadata: { labels: { ...stack.labels('worker', this.workloadName, version), ...runtime.podLabels }, annotations: { ...runtime.configChecksums } },
          spec: this.pod.spec(),
        },
      },
    });

    const a = worker.autoscaling;
    if (a?.queue) {
      if (!props.redis) throw new Error(`workers.${props.key}: queue autoscaling needs the in-cluster redis`);
      new QueueAutoscaler(this, 'QueueAutoscaler', {
        stack, deploymentName: this.workloadName, metadata: meta(),
        listName: a.queue.name, listLength: a.queue.length, minReplicas: a.minReplicas, maxReplicas: a.maxReplicas,
        redis: { host: props.redis.host, port: props.redis.port }, password: props.redis.password,
      });
    } else if (a) {
      new k8s.KubeHorizontalPodAutoscalerV2(this, 'Autoscaler', {
        metadata: meta(),
        spec: {
          scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: this.workloadName },
          minReplicas: a.minReplicas,
          maxReplicas: a.maxReplicas,
          metrics: [{ type: 'Resource', resource: { name: 'cpu', target: { type: 'Utilization', averageUtilization: a.targetCPUUtilization } } }],
        },
      });
    }
    if (!worker.singleton) addDisruptionBudget(this, meta(), this.selectorLabels);
  }

  /**
   * The web's runtime with the worker's own `env` merged over the web's: its entries in a
   * ConfigMap `<name>-worker-<key>-env`, read by `configMapKeyRef` in place of the web's entry of
   * the same name (new names after the web's ConfigMap entries, so `$(VAR)` expansion sees them);
   * the ConfigMap's checksum rolls the worker's pods.
   */
  private runtimeWithEnv(props: BackgroundWorkerProps, metadata: k8s.ObjectMeta): PythonRuntime {
    const env = props.worker.env;
    const names = Object.keys(env).sort();
    if (names.length === 0) return props.runtime;
    const configMapName = props.stack.objectName(`worker-${props.key}-env`);
    new k8s.KubeConfigMap(this, 'ConfigMap', { metadata: { ...metadata, name: configMapName }, data: env });
    const ref = (name: string): k8s.EnvVar => ({ name, valueFrom: { configMapKeyRef: { name: configMapName, key: name } } });
    const base = props.runtime.env.map((e) => (names.includes(e.name) ? ref(e.name) : e));
    const lastConfig = base.reduce((at, e, i) => (e.valueFrom?.configMapKeyRef ? i : at), -1);
    const added = names.filter((n) => !base.some((e) => e.name === n)).map(ref);
    return {
      ...props.runtime,
      env: [...base.slice(0, lastConfig + 1), ...added, ...base.slice(lastConfig + 1)],
      configChecksums: { ...props.runtime.configChecksums, 'checksum/worker-config': checksum(env) },
    };
  }
}
