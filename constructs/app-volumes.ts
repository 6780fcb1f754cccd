import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { checksum } from './_checksum';
import { ConfigIssue } from './_errors';
import { StackIdentity } from './_identity';
import { isQuantity, parseQuantity } from './_quantity';
import { ResolvedVolume, resolveVolumes } from './resolve-stack';
import { VolumeConfig } from './stack-config';

/**
 * Volume keys the stack itself uses as pod volume names or object-name suffixes of claims and
 * ConfigMaps: a user volume of that key would collide with one of them.
 */
export const RESERVED_VOLUME_KEYS = ['tmp', 'static', 'media', 'nginx', 'nginx-config', 'nginx-tmp', 'web-env', 'postgres-data', 'redis-data'];

/** The largest ConfigMap the API server stores (1 MiB, all keys and values). */
const CONFIGMAP_LIMIT = 2 ** 20;

/** What the checks of `volumes` need to know of the rest of the stack. */
export interface VolumesContext {
  /** The most web pods that can run at once (a ReadWriteOnce claim needs 1). */
  readonly maxWebPods: number;
  /** `workers.<key>` and `schedules.<key>` that exist. @default [] */
  readonly consumers?: readonly string[];
  /**
   * The most pods each of `consumers` runs at once, outside rollouts (a ReadWriteOnce claim
   * needs 1). @default - 1 each
   */
  readonly consumerPods?: Readonly<Record<string, number>>;
}

/** Where a volume without `mountIn` is mounted: the web and every worker and schedule. */
export function volumeConsumers(context: VolumesContext): string[] {
  return ['web', ...(context.consumers ?? [])];
}

/** One volume as a workload mounts it. */
export interface VolumeMountSpec {
  readonly key: string;
  readonly kind: 'claim' | 'scratch' | 'files';
  /** The pod volume. */
  readonly volume: k8s.Volume;
  /** Its mount. */
  readonly mount: k8s.VolumeMount;
  /** For files: the pod annotation that rolls the pods when the content changes. */
  readonly checksum?: Readonly<Record<string, string>>;
  /** A ReadWriteOnce claim (a pod's rollout must replace it in place). */
  readonly readWriteOnce: boolean;
  /** `web`, `workers.<key>`, `schedules.<key>`; undefined: every workload. */
  readonly mountIn?: readonly string[];
}

/** Props of `AppVolumes`: the `volumes` section plus who owns the objects. */
export interface AppVolumesProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The `volumes` section, resolved. */
  readonly volumes: Readonly<Record<string, ResolvedVolume>>;
  /** The `app.kubernetes.io/instance` of the objects (the web workload's name). */
  readonly instance: string;
}

/**
 * The app's own volumes beyond `media`: a PersistentVolumeClaim `<name>-<key>` for each `size`
 * volume, an emptyDir for each `scratch` one, a ConfigMap `<name>-<key>` for each `files` one.
 * The objects are made here; the workloads mount `mountedIn(...)` through their pod builders
 * (files as the runtime's shared volumes, in every Python container), with each files
 * volume's `checksum` on their pod templates.
 */
export class AppVolumes extends Construct {
  /** Validates the `volumes` section. */
  public static validate(volumes: { readonly [key: string]: VolumeConfig }, context: VolumesContext, path = 'volumes'): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const resolved = resolveVolumes(volumes);
    for (const [key, v] of Object.entries(volumes)) {
      const at = `${path}.${key}`;
      if (RESERVED_VOLUME_KEYS.includes(key)) {
        issues.push({ path: at, message: 'is a name the stack uses itself (a pod volume, or a claim or ConfigMap suffix)', allowed: `any other name than ${RESERVED_VOLUME_KEYS.join(', ')}` });
      }
      const kinds = (['size', 'scratch', 'files'] as const).filter((k) => v[k] !== undefined);
      if (kinds.length !== 1) {
        issues.push({ path: at, message: kinds.length ? `has ${kinds.join(' and ')}: a volume is one of them` : 'needs one of size, scratch or files', allowed: '{size: 20Gi, mountPath: /data}, {scratch: 1Gi, mountPath: /scratch} or {files: {settings.py: ...}, mountPath: /etc/app}' });
      }
      for (const sizeKey of ['size', 'scratch'] as const) {
        const size = v[sizeKey];
        if (size !== undefined && isQuantity(size) && parseQuantity(size) < 2 ** 20) {
          issues.push({ path: `${at}.${sizeKey}`, message: 'is too small for a volume', value: size, allowed: 'at least 1Mi, e.g. 1Gi' });
        }
      }
      for (const claimOnly of ['accessMode', 'storageClassName'] as const) {
        if (v[claimOnly] !== undefined && v.size === undefined) issues.push({ path: `${at}.${claimOnly}`, message: 'is only used with size (a claim)', value: v[claimOnly] });
      }
      if (v.files) {
        if (Object.keys(v.files).length === 0) issues.push({ path: `${at}.files`, message: 'has no file', allowed: 'at least one file name and its content' });
        const bytes = Object.entries(v.files).reduce((n, [name, content]) => n + Buffer.byteLength(name) + Buffer.byteLength(content), 0);
        if (bytes > CONFIGMAP_LIMIT) issues.push({ path: `${at}.files`, message: `holds ${bytes} bytes, more than a ConfigMap can (1 MiB)`, allowed: 'smaller files, or bake them into the image' });
        if (v.readOnly === false) issues.push({ path: `${at}.readOnly`, message: 'files are always mounted read-only (a ConfigMap)', value: false, allowed: 'remove it' });
      }
      const known = volumeConsumers(context);
      const mountIn = v.mountIn ?? [];
      mountIn.forEach((consumer, i) => {
        if (mountIn.indexOf(consumer) !== i) issues.push({ path: `${at}.mountIn[${i}]`, message: 'is listed twice', value: consumer });
        else if (!known.includes(consumer)) {
          const kind = consumer.startsWith('workers.') ? 'worker' : 'schedule';
          issues.push({ path: `${at}.mountIn[${i}]`, message: `names no ${kind} of the stack`, value: consumer, allowed: `${known.join(', ')}, or [] for nowhere` });
        }
      });
      if (resolved[key].accessMode === 'ReadWriteOnce') issues.push(...readWriteOnceIssues(at, v.mountIn?.filter((c) => known.includes(c)) ?? known, context));
    }
    return issues;
  }

  /** The volumes, in key order, as workloads mount them. */
  public readonly volumes: readonly VolumeMountSpec[];
  /** The sizes of the claims, for the quota. */
  public readonly claimSizes: readonly string[];

  constructor(scope: Construct, id: string, props: AppVolumesProps) {
    super(scope, id);
    const stack = props.stack;
    this.volumes = Object.keys(props.volumes).sort().map((key) => mountSpec(stack, key, props.volumes[key]));
    this.claimSizes = Object.values(props.volumes).filter((v) => v.size !== undefined).map((v) => v.size!);
    for (const key of Object.keys(props.volumes).sort()) {
      const v = props.volumes[key];
      const metadata = stack.metadata(key, 'web', { instance: props.instance });
      if (v.size !== undefined) {
        new k8s.KubePersistentVolumeClaim(this, `Claim-${key}`, {
          metadata,
          spec: {
            accessModes: [v.accessMode!],
            ...(v.storageClassName ? { storageClassName: v.storageClassName } : {}),
            resources: { requests: { storage: k8s.Quantity.fromString(v.size) } },
          },
        });
      } else if (v.files) {
        const files = v.files;
        new k8s.KubeConfigMap(this, `Files-${key}`, { metadata, data: Object.fromEntries(Object.keys(files).sort().map((f) => [f, files[f]])) });
      }
    }
  }

  /** The volumes a workload (`web`, `workers.<key>`, `schedules.<key>`) mounts. */
  public mountedIn(consumer: string): VolumeMountSpec[] {
    return this.volumes.filter((v) => v.mountIn === undefined || v.mountIn.includes(consumer));
  }
}

/**
 * A ReadWriteOnce claim attaches to one node: only one workload may mount it, and that workload
 * may run only one pod at a time (replaced in place on a rollout).
 */
function readWriteOnceIssues(at: string, consumers: readonly string[], context: VolumesContext): ConfigIssue[] {
  const readWriteMany = 'ReadWriteMany (a storage class such as NFS, EFS, CephFS or Azure Files)';
  if (consumers.length > 1) {
    return [{
      path: `${at}.accessMode`,
      message: `ReadWriteOnce binds the volume to one node, but it is mounted in ${consumers.join(', ')}, whose pods the scheduler puts on different nodes, where it cannot attach`,
      value: 'ReadWriteOnce',
      allowed: `${readWriteMany}, or mountIn with one workload of one pod`,
    }];
  }
  const [consumer] = consumers;
  if (consumer === undefined) return [];
  const pods = consumer === 'web' ? context.maxWebPods : context.consumerPods?.[consumer];
  // A consumer of unknown size is taken to run one pod.
  if (pods === undefined || pods <= 1) return [];
  const fix = consumer === 'web' ? 'web.autoscaling: false with web.replicas: 1' : consumer.startsWith('workers.') ? `${consumer}.singleton: true (or replicas: 1)` : `${consumer}.concurrencyPolicy Forbid or Replace`;
  const who = consumer === 'web' ? 'the web service' : consumer;
  return [{
    path: `${at}.accessMode`,
    message: `ReadWriteOnce binds the volume to one node, but ${who} may run ${pods} pods, which the scheduler spreads across nodes and which then cannot start`,
    value: 'ReadWriteOnce',
    allowed: `${readWriteMany}, or ${fix}`,
  }];
}

/** How workloads mount one volume. */
function mountSpec(stack: StackIdentity, key: string, v: ResolvedVolume): VolumeMountSpec {
  const kind = v.files ? 'files' : v.scratch ? 'scratch' : 'claim';
  const volume: k8s.Volume = kind === 'files'
    ? { name: key, configMap: { name: stack.objectName(key) } }
    : kind === 'scratch'
      ? { name: key, emptyDir: { sizeLimit: k8s.Quantity.fromString(v.scratch!) } }
      : { name: key, persistentVolumeClaim: { claimName: stack.objectName(key) } };
  return {
    key,
    kind,
    volume,
    mount: { name: key, mountPath: v.mountPath, ...(v.readOnly ? { readOnly: true } : {}) },
    ...(v.files ? { checksum: { [`checksum/volume-${key}`]: checksum(v.files) } } : {}),
    readWriteOnce: kind === 'claim' && v.accessMode === 'ReadWriteOnce',
    ...(v.mountIn ? { mountIn: v.mountIn } : {}),
  };
}
