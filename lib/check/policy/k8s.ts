/**
 * Plain-JSON Kubernetes helpers shared by the rules: where a pod template lives in each kind,
 * which containers a checker looks at, label selectors, images and quantities.
 */

/** Kinds that carry a pod template (or are a pod). */
export const POD_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'Job', 'CronJob', 'ReplicaSet', 'Pod']);

/** Kinds whose `spec.replicas` means a pod count (and defaults to 1). */
export const REPLICATED_KINDS: ReadonlySet<string> = new Set(['Deployment', 'StatefulSet', 'ReplicaSet']);

/** A pod template (or a Pod) inside an object, with the path findings should point at. */
export interface PodRef {
  readonly obj: any;
  readonly kind: string;
  readonly ns: string;
  readonly name: string;
  /** `Kind namespace/name` of the object holding the template. */
  readonly ref: string;
  readonly labels: Record<string, string>;
  readonly annotations: Record<string, string>;
  readonly spec: any;
  /** Path of the pod spec inside the object, e.g. `spec.template.spec`. */
  readonly path: string;
  /** Path of the template metadata inside the object, e.g. `spec.template.metadata`. */
  readonly metaPath: string;
}

/** Which list a container comes from. */
export type ContainerList = 'containers' | 'initContainers' | 'ephemeralContainers';

/** One container of a pod, with its path. */
export interface ContainerRef {
  readonly c: any;
  readonly list: ContainerList;
  readonly name: string;
  /** Path of the container inside the object, e.g. `spec.template.spec.containers[0]`. */
  readonly path: string;
}

/**
 * Which containers a check looks at: `all` (PSS: containers, init and ephemeral), `pod`
 * (init + regular, what kube-score and kube-linter iterate), `regular` (containers only).
 */
export type ContainerScope = 'all' | 'pod' | 'regular';

/** Namespace of an object ('' when unset). */
export function nsOf(obj: any): string {
  return obj?.metadata?.namespace ?? '';
}

/** `Kind namespace/name`, or `Kind name` for objects without a namespace. */
export function refOf(obj: any): string {
  const ns = nsOf(obj);
  return `${obj?.kind ?? '?'} ${ns ? `${ns}/` : ''}${obj?.metadata?.name ?? '?'}`;
}

/** Joins path segments, skipping empty ones. */
export function at(...parts: (string | undefined)[]): string {
  return parts.filter((p) => p).join('.');
}

/** The pod template an object carries, if it is pod-bearing. */
export function podOf(obj: any): PodRef | undefined {
  if (!obj || !POD_KINDS.has(obj.kind)) return undefined;
  const base =
    obj.kind === 'Pod' ? '' : obj.kind === 'CronJob' ? 'spec.jobTemplate.spec.template' : 'spec.template';
  const template = obj.kind === 'Pod' ? obj : obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.template : obj.spec?.template;
  if (!template) return undefined;
  return {
    obj,
    kind: obj.kind,
    ns: nsOf(obj),
    name: obj.metadata?.name ?? '',
    ref: refOf(obj),
    labels: template.metadata?.labels ?? {},
    annotations: template.metadata?.annotations ?? {},
    spec: template.spec ?? {},
    path: at(base, 'spec'),
    metaPath: at(base, 'metadata'),
  };
}

const SCOPES: Record<ContainerScope, readonly ContainerList[]> = {
  all: ['initContainers', 'containers', 'ephemeralContainers'],
  pod: ['initContainers', 'containers'],
  regular: ['containers'],
};

/** The containers of a pod a check looks at. */
export function containersOf(pod: PodRef, scope: ContainerScope = 'all'): ContainerRef[] {
  const out: ContainerRef[] = [];
  for (const list of SCOPES[scope]) {
    (pod.spec[list] ?? []).forEach((c: any, i: number) => {
      out.push({ c, list, name: c?.name ?? `#${i}`, path: `${at(pod.path, list)}[${i}]` });
    });
  }
  return out;
}

/** A metav1.LabelSelector. */
export interface LabelSelector {
  readonly matchLabels?: Record<string, string>;
  readonly matchExpressions?: readonly { key: string; operator: string; values?: string[] }[];
}

/**
 * metav1 LabelSelectorAsSelector semantics: a missing selector matches nothing, an empty one
 * matches everything.
 */
export function selectorMatches(selector: LabelSelector | null | undefined, labels: Record<string, string>): boolean {
  if (!selector) return false;
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) if (labels[k] !== v) return false;
  for (const e of selector.matchExpressions ?? []) {
    const has = Object.prototype.hasOwnProperty.call(labels, e.key);
    const inValues = has && (e.values ?? []).includes(labels[e.key]);
    if (e.operator === 'In' && !inValues) return false;
    if (e.operator === 'NotIn' && inValues) return false;
    if (e.operator === 'Exists' && !has) return false;
    if (e.operator === 'DoesNotExist' && has) return false;
  }
  return true;
}

/** A Service-style selector (plain map): every pair must match; an empty map matches everything. */
export function mapMatches(selector: Record<string, string> | null | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).every(([k, v]) => labels[k] === v);
}

/** Whether any pair of a plain map occurs in `labels` (how Polaris and kube-score pair PDBs/policies). */
export function anyPairMatches(selector: Record<string, string> | null | undefined, labels: Record<string, string>): boolean {
  return Object.entries(selector ?? {}).some(([k, v]) => labels[k] === v);
}

/** Whether an image reference is pinned by digest (`name@sha256:...`). */
export function isDigestPinned(image: unknown): boolean {
  return typeof image === 'string' && /@[a-z0-9]+(?:[.+_-][a-z0-9]+)*:[0-9a-fA-F]{32,}$/.test(image);
}

/** Whether a resource quantity is set to something non-zero (checkers treat "0" as unset). */
export function quantitySet(value: unknown): boolean {
  if (value === undefined || value === null || value === '') return false;
  return !/^[+]?0*(\.0*)?(?:[eE][+-]?\d+|[a-zA-Z]+)?$/.test(String(value));
}

/** An int-or-percent value against a total (rounding up, as the eviction API does); undefined when invalid. */
export function scaled(value: unknown, total: number): number | undefined {
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const m = /^(\d+)%$/.exec(value);
    if (m) return Math.ceil((Number(m[1]) * total) / 100);
    if (/^\d+$/.test(value)) return Number(value);
  }
  return undefined;
}

/** Whether a probe/service port (number or name) is one of a container's ports. */
export function containerHasPort(c: any, port: unknown, tcpOnly = false): boolean {
  return (c?.ports ?? []).some(
    (p: any) => (!tcpOnly || !p.protocol || p.protocol === 'TCP') && (p.containerPort === port || (p.name !== undefined && p.name === port)),
  );
}

/** The three probes a container may have, by field name. */
export const PROBES = ['livenessProbe', 'readinessProbe', 'startupProbe'] as const;

/** The port a probe handler targets (httpGet, tcpSocket or grpc), if any. */
export function probePort(probe: any): { handler: string; port: unknown } | undefined {
  for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
    if (probe?.[handler]) return { handler, port: probe[handler].port };
  }
  return undefined;
}

/** A plain object's keys, or none. */
export function keysOf(value: unknown): string[] {
  return value && typeof value === 'object' ? Object.keys(value) : [];
}
