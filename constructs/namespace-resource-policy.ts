import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { StackIdentity } from './_identity';
import { parseQuantity } from './_quantity';
import { ResolvedResources } from './_resources';
import { DEFAULT_QUOTA_HEADROOM, resolveResourceQuota } from './resolve-stack';


/** A group of identical pods the quota must hold at the stack's peak. */
export interface PodBudget {
  /** How many such pods can exist at once (replicas at most, plus rollout surge). */
  readonly count: number;
  /** The resources of each container of one pod (init containers run first, so never add). */
  readonly containers: readonly ResolvedResources[];
}

/** Props of `NamespaceResourcePolicy`. */
export interface NamespaceResourcePolicyProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The pods of the stack at its peak. */
  readonly pods: readonly PodBudget[];
  /** The sizes of the stack's PersistentVolumeClaims. @default [] */
  readonly claims?: readonly string[];
  /**
   * Whether to emit a ResourceQuota.
   * @default - in staging and production only
   */
  readonly quota?: boolean;
  /**
   * Room on top of the stack's peak, as a percentage such as `50%`.
   * @default '20%'
   */
  readonly headroom?: string;
}

/**
 * A LimitRange so that a pod somebody adds by hand still gets requests and limits, and, in
 * staging and production, a ResourceQuota sized from the stack itself: its peak (the most web
 * replicas plus rollout surge, a migration pod, the database, its claims) plus a headroom (20%
 * by default) for what is added by hand.
 */
export class NamespaceResourcePolicy extends Construct {
  /** The quota's hard limits, when there is a quota. */
  public readonly hard?: Record<string, string>;
  /** The headroom, e.g. `20%`. */
  public readonly headroom: string;

  constructor(scope: Construct, id: string, props: NamespaceResourcePolicyProps) {
    super(scope, id);
    const stack = props.stack;
    const q = k8s.Quantity.fromString;
    this.headroom = props.headroom ?? DEFAULT_QUOTA_HEADROOM;
    new k8s.KubeLimitRange(this, 'LimitRange', {
      metadata: stack.metadata('limits', 'namespace', { instance: stack.name }),
      spec: {
        limits: [{
          type: 'Container',
          defaultRequest: { cpu: q('100m'), memory: q('128Mi') },
          default: { cpu: q('500m'), memory: q('256Mi') },
        }],
      },
    });

    if (!(props.quota ?? resolveResourceQuota(undefined, stack.environment) !== false)) return;
    this.hard = quotaFor(props.pods, props.claims ?? [], this.headroom);
    new k8s.KubeResourceQuota(this, 'Quota', {
      metadata: stack.metadata('quota', 'namespace', { instance: stack.name }),
      spec: { hard: Object.fromEntries(Object.entries(this.hard).map(([k, v]) => [k, q(v)])) },
    });
  }
}

/**
 * The quota's hard limits for a set of pod budgets and claims: each total times (1 + headroom),
 * rounded up, and one pod more for a debug pod. Claims get the headroom too, so that a claim
 * added beside the stack's (a cache's volume) fits.
 */
export function quotaFor(pods: readonly PodBudget[], claims: readonly string[], headroom: string = DEFAULT_QUOTA_HEADROOM): Record<string, string> {
  const factor = 1 + Number(headroom.replace(/%$/, '')) / 100;
  const total = (pick: (r: ResolvedResources) => string | undefined) =>
    pods.reduce((sum, p) => sum + p.count * p.containers.reduce((s, c) => s + parseQuantity(pick(c) ?? '0'), 0), 0);
  const podCount = pods.reduce((n, p) => n + p.count, 0);
  const cpu = (cores: number) => `${Math.ceil(cores * factor * 1000)}m`;
  const mem = (bytes: number) => `${Math.ceil((bytes * factor) / 2 ** 20)}Mi`;
  return {
    'requests.cpu': cpu(total((r) => r.requests.cpu)),
    'requests.memory': mem(total((r) => r.requests.memory)),
    'limits.cpu': cpu(total((r) => r.limits.cpu ?? r.requests.cpu)),
    'limits.memory': mem(total((r) => r.limits.memory)),
    pods: String(Math.ceil(podCount * factor) + 1),
    ...(claims.length ? {
      persistentvolumeclaims: String(Math.ceil(claims.length * factor)),
      'requests.storage': `${Math.ceil((claims.reduce((s, c) => s + parseQuantity(c), 0) * factor) / 2 ** 30)}Gi`,
    } : {}),
  };
}
