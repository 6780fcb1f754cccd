import { posix } from 'path';
import * as k8s from '../imports/k8s';
import { ConfigError } from './_errors';
import { DEFAULT_PYTHON_UID } from './resolve-stack';
import { ResolvedResources, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './_security';

/** The uid/gid of Python pods whose image has no user of its own (`web.runAsUser`'s default). */
export const PYTHON_UID = DEFAULT_PYTHON_UID;

/** The writable /tmp every Python container gets (the root filesystem is read-only); its size is the runtime's. */
const TMP = { volume: 'tmp', mountPath: '/tmp' } as const;

/**
 * What every Python container of a stack shares: the app's image, its env (the ConfigMap's
 * keys by `configMapKeyRef`, the secrets by `secretKeyRef`, the database settings), its
 * resources and its ServiceAccount. `PythonWebService.runtime` is the stack's.
 */
export interface PythonRuntime {
  readonly image: string;
  /** The env of every Python container, in order. */
  readonly env: readonly k8s.EnvVar[];
  /** The resources of a container that names none. */
  readonly resources: ResolvedResources;
  readonly serviceAccountName: string;
  /** Pod-template annotations that change with the config the env reads (rolls the pods). */
  readonly configChecksums: Readonly<Record<string, string>>;
  /** The uid and gid every Python container runs as (the gid is the volumes' fsGroup too). */
  readonly uid: number;
  readonly gid: number;
  /** The size limit of /tmp. */
  readonly tmpSize: string;
  /** Existing ConfigMaps and Secrets whose keys every Python container reads, before `env`. */
  readonly envFrom: readonly k8s.EnvFromSource[];
  /**
   * Volumes every Python pod has and every Python container mounts (settings files the app
   * reads whatever it runs: a `files` volume).
   */
  readonly sharedVolumes: ReadonlyArray<{ readonly volume: k8s.Volume; readonly mount: k8s.VolumeMount }>;
  /**
   * Labels of every Python pod template besides its workload's own: Azure Workload Identity's
   * `azure.workload.identity/use` when the ServiceAccount names an Azure identity.
   * @default - none
   */
  readonly podLabels?: Readonly<Record<string, string>>;
}

/** Options of one Python container (`PythonPod.addContainer`, `addInitContainer`). */
export interface PythonContainerOptions {
  /** The container name, unique in the pod. */
  readonly name: string;
  /** The command, run with the app's image; without it, the image's ENTRYPOINT runs `args`. */
  readonly command?: readonly string[];
  /** Arguments of the command (or of the image's ENTRYPOINT). @default - none */
  readonly args?: readonly string[];
  /** @default - the runtime's resources */
  readonly resources?: ResolvedResources;
  /** @default - none */
  readonly ports?: readonly k8s.ContainerPort[];
  /** @default - none */
  readonly startupProbe?: k8s.Probe;
  /** @default - none */
  readonly readinessProbe?: k8s.Probe;
  /** @default - none */
  readonly livenessProbe?: k8s.Probe;
  /** @default - none */
  readonly lifecycle?: k8s.Lifecycle;
  /** Mounts after /tmp. @default - none */
  readonly volumeMounts?: readonly k8s.VolumeMount[];
}

/** Options of `PythonPod`. */
export interface PythonPodOptions {
  /** `Never` for a Job's pod. @default - Kubernetes' default (Always) */
  readonly restartPolicy?: 'Never' | 'OnFailure';
  /** @default - Kubernetes' default (30 seconds) */
  readonly terminationGracePeriodSeconds?: number;
  /** Spreading and anti-affinity (see `spreadAcrossNodes`) for replicated pods. @default - none */
  readonly scheduling?: Pick<k8s.PodSpec, 'topologySpreadConstraints' | 'affinity'>;
}

/**
 * The pod of a Python workload: it decides what every Python container gets (the restricted
 * security context, the runtime's env, resources and image, a writable /tmp), so the web
 * Deployment, the migration Job, a worker Deployment or a CronJob differ only in their
 * commands, ports and probes. Its `add*` methods refuse a duplicate container, volume, or
 * mount path with a ConfigError; `spec()` renders the pod as it stands.
 *
 * @example
 * const pod = new PythonPod(stack.web.runtime, { scheduling: spreadAcrossNodes(selector) });
 * pod.addContainer({ name: 'worker', command: ['celery', '-A', 'shop', 'worker'] });
 * new k8s.KubeDeployment(this, 'Deployment', { ..., template: { metadata, spec: pod.spec() } });
 */
export class PythonPod {
  private readonly containers: k8s.Container[] = [];
  private readonly initContainers: k8s.Container[] = [];
  private readonly volumes: k8s.Volume[];

  constructor(public readonly runtime: PythonRuntime, private readonly options: PythonPodOptions = {}) {
    this.volumes = [{ name: TMP.volume, emptyDir: { sizeLimit: k8s.Quantity.fromString(runtime.tmpSize) } }];
    for (const shared of runtime.sharedVolumes) this.addVolume(shared.volume);
  }

  /** A Python container: the runtime's image, env and resources, restricted, with /tmp. */
  public pythonContainer(options: PythonContainerOptions): k8s.Container {
    const mounts = [{ name: TMP.volume, mountPath: TMP.mountPath }, ...this.runtime.sharedVolumes.map((s) => s.mount), ...(options.volumeMounts ?? [])];
    refuseDuplicates(mounts.map((m) => m.mountPath), `container ${options.name}: mount path`);
    return {
      name: options.name,
      image: this.runtime.image,
      imagePullPolicy: pullPolicyFor(this.runtime.image),
      ...(options.command ? { command: [...options.command] } : {}),
      ...(options.args ? { args: [...options.args] } : {}),
      ...(options.ports ? { ports: [...options.ports] } : {}),
      ...(this.runtime.envFrom.length ? { envFrom: [...this.runtime.envFrom] } : {}),
      env: [...this.runtime.env],
      resources: toResourceRequirements(options.resources ?? this.runtime.resources),
      securityContext: restrictedContainerSecurityContext(),
      ...(options.startupProbe ? { startupProbe: options.startupProbe } : {}),
      ...(options.readinessProbe ? { readinessProbe: options.readinessProbe } : {}),
      ...(options.livenessProbe ? { livenessProbe: options.livenessProbe } : {}),
      ...(options.lifecycle ? { lifecycle: options.lifecycle } : {}),
      volumeMounts: mounts,
    };
  }

  /** Adds a Python container (see `pythonContainer`); returns it. */
  public addContainer(options: PythonContainerOptions): k8s.Container {
    return this.addOtherContainer(this.pythonContainer(options));
  }

  /** Adds a container that is not Python (e.g. an nginx sidecar), as it is given. */
  public addOtherContainer(container: k8s.Container): k8s.Container {
    this.refuseName(container.name);
    this.containers.push(container);
    return container;
  }

  /** Adds a Python init container; they run in the order added, `first` before all others. */
  public addInitContainer(options: PythonContainerOptions, where: { first?: boolean } = {}): k8s.Container {
    const container = this.pythonContainer(options);
    this.refuseName(container.name);
    if (where.first) this.initContainers.unshift(container);
    else this.initContainers.push(container);
    return container;
  }

  /** Adds a volume; a second volume of the same name is refused. */
  public addVolume(volume: k8s.Volume): void {
    if (this.volumes.some((v) => v.name === volume.name)) {
      throw new ConfigError([{ path: `volumes.${volume.name}`, message: 'is already a volume of this pod', allowed: 'a volume name of its own' }]);
    }
    this.volumes.push(volume);
  }

  /**
   * Mounts a pod volume into one container (e.g. the media claim into the app); the volume must
   * be added too. A second mount at the same path of that container is refused.
   */
  public addMount(containerName: string, mount: k8s.VolumeMount): void {
    const container = [...this.initContainers, ...this.containers].find((c) => c.name === containerName);
    if (!container) throw new ConfigError([{ path: `containers.${containerName}`, message: 'is not a container of this pod', allowed: this.containerNames.join(', ') }]);
    const mounts = [...(container.volumeMounts ?? []), mount];
    refuseDuplicates(mounts.map((m) => m.mountPath), `container ${containerName}: mount path`);
    (container as { volumeMounts?: k8s.VolumeMount[] }).volumeMounts = mounts;
  }

  /**
   * What is wrong with the pod as it stands, one line each: a mount of a volume the pod does not
   * have. Only true once every `add*` call is made, so owners check it at synth time
   * (`node.addValidation`), when the order of the calls no longer matters.
   */
  public problems(): string[] {
    const volumes = new Set(this.volumes.map((v) => v.name));
    return [...this.initContainers, ...this.containers].flatMap((c) => (c.volumeMounts ?? [])
      .filter((m) => !volumes.has(m.name))
      .map((m) => `container ${c.name} mounts volume ${m.name} at ${m.mountPath}, which the pod does not have (add it with addVolume)`));
  }

  /** The pod's volumes (a copy). */
  public get volumeNames(): string[] {
    return this.volumes.map((v) => v.name);
  }

  /** The containers' names, in order (init containers first). */
  public get containerNames(): string[] {
    return [...this.initContainers, ...this.containers].map((c) => c.name);
  }

  /** The pod spec as it stands. */
  public spec(): k8s.PodSpec {
    return {
      ...(this.options.restartPolicy ? { restartPolicy: this.options.restartPolicy } : {}),
      serviceAccountName: this.runtime.serviceAccountName,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      securityContext: restrictedPodSecurityContext(this.runtime.uid, { gid: this.runtime.gid }),
      ...(this.options.terminationGracePeriodSeconds !== undefined ? { terminationGracePeriodSeconds: this.options.terminationGracePeriodSeconds } : {}),
      ...this.options.scheduling,
      ...(this.initContainers.length ? { initContainers: [...this.initContainers] } : {}),
      containers: [...this.containers],
      volumes: [...this.volumes],
    };
  }

  private refuseName(name: string): void {
    if (this.containerNames.includes(name)) {
      throw new ConfigError([{ path: `containers.${name}`, message: 'is already a container of this pod', allowed: 'a container name of its own' }]);
    }
  }
}

function refuseDuplicates(values: readonly string[], what: string): void {
  const seen = new Set<string>();
  for (const value of values) {
    const clean = normalizeMountPath(value);
    if (seen.has(clean)) throw new ConfigError([{ path: what, message: 'is mounted twice', value, allowed: 'one volume per path' }]);
    seen.add(clean);
  }
}

/** A mount path as the kubelet sees it: '/app//media/', '/app/./media' and '/app/media' are one folder. */
export function normalizeMountPath(mountPath: string): string {
  return posix.normalize(mountPath).replace(/\/+$/, '') || '/';
}
