import { LabelSelector, PodRef, nsOf, podOf, selectorMatches } from './k8s';
import { operatorPodsOf } from './operator-pods';

/**
 * The objects of one output, indexed once so rules that relate objects (Service -> pods,
 * HPA -> workload, ...) look things up instead of scanning every object for every object.
 */
export interface Model {
  readonly objects: readonly any[];
  /** All objects of a kind, in output order. */
  ofKind(kind: string): readonly any[];
  /** Objects of a kind in a namespace. */
  ofKindIn(kind: string, ns: string): readonly any[];
  /** The object of a kind with a name in a namespace. */
  get(kind: string, ns: string, name: string): any | undefined;
  /** Every pod template (and Pod) of the output. */
  readonly pods: readonly PodRef[];
  /**
   * Pod templates in a namespace, and the pods operators make from objects of the output
   * (see operator-pods.ts; their `spec` is empty) here and in `podsWithLabel` and `select`.
   */
  podsIn(ns: string): readonly PodRef[];
  /** Pod templates in a namespace carrying one label pair. */
  podsWithLabel(ns: string, key: string, value: string): readonly PodRef[];
  /** Pod templates a metav1 selector selects (missing selector: none; empty: all). */
  select(ns: string, selector: LabelSelector | null | undefined): PodRef[];
  /** HorizontalPodAutoscalers in the object's namespace whose scaleTargetRef names it (kind compared case-insensitively). */
  hpasFor(obj: any): readonly any[];
}

const EMPTY: readonly any[] = Object.freeze([]);
// Models shared by the rules of one checkPolicy run. Only for the duration of that run: callers
// may change the objects (or the array) between runs, and a kept model would then be stale.
const shared = new WeakMap<readonly any[], Model>();

/** The model of an output: the one shared by the current run, or a fresh one. */
export function modelOf(objects: readonly any[]): Model {
  return shared.get(objects) ?? build(objects);
}

/** Runs `fn` with one model of `objects` shared by every modelOf(objects) call inside it. */
export function withSharedModel<T>(objects: readonly any[], fn: () => T): T {
  if (shared.has(objects)) return fn();
  shared.set(objects, build(objects));
  try {
    return fn();
  } finally {
    shared.delete(objects);
  }
}

function push<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

const SEP = '\u0000';

function build(objects: readonly any[]): Model {
  const byKind = new Map<string, any[]>();
  const byKindNs = new Map<string, any[]>();
  const byKey = new Map<string, any>();
  const pods: PodRef[] = [];
  const podsByNs = new Map<string, PodRef[]>();
  const podsByLabel = new Map<string, PodRef[]>();
  const hpas = new Map<string, any[]>();

  for (const obj of objects) {
    if (!obj || typeof obj !== 'object' || typeof obj.kind !== 'string') continue;
    const ns = nsOf(obj);
    const name = obj.metadata?.name ?? '';
    push(byKind, obj.kind, obj);
    push(byKindNs, [obj.kind, ns].join(SEP), obj);
    byKey.set([obj.kind, ns, name].join(SEP), obj);
    const pod = podOf(obj);
    if (pod) {
      pods.push(pod);
      push(podsByNs, ns, pod);
      for (const [k, v] of Object.entries(pod.labels)) push(podsByLabel, [ns, k, v].join(SEP), pod);
    }
    for (const made of operatorPodsOf(obj)) {
      push(podsByNs, ns, made);
      for (const [k, v] of Object.entries(made.labels)) push(podsByLabel, [ns, k, v].join(SEP), made);
    }
    if (obj.kind === 'HorizontalPodAutoscaler') {
      const t = obj.spec?.scaleTargetRef ?? {};
      push(hpas, [ns, String(t.kind ?? '').toLowerCase(), t.name ?? ''].join(SEP), obj);
    }
  }

  const podsIn = (ns: string): readonly PodRef[] => podsByNs.get(ns) ?? EMPTY;
  const podsWithLabel = (ns: string, k: string, v: string): readonly PodRef[] => podsByLabel.get([ns, k, v].join(SEP)) ?? EMPTY;
  return {
    objects,
    ofKind: (kind) => byKind.get(kind) ?? EMPTY,
    ofKindIn: (kind, ns) => byKindNs.get([kind, ns].join(SEP)) ?? EMPTY,
    get: (kind, ns, name) => byKey.get([kind, ns, name].join(SEP)),
    pods,
    podsIn,
    podsWithLabel,
    select(ns, selector) {
      if (!selector) return [];
      // Narrow by one required pair first so matching stays near-linear on large outputs.
      const first = Object.entries(selector.matchLabels ?? {})[0];
      const candidates = first ? podsWithLabel(ns, first[0], first[1]) : podsIn(ns);
      return candidates.filter((p) => selectorMatches(selector, p.labels));
    },
    hpasFor: (obj) => hpas.get([nsOf(obj), String(obj.kind).toLowerCase(), obj.metadata?.name ?? ''].join(SEP)) ?? EMPTY,
  };
}
