import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';

/**
 * A PodDisruptionBudget that lets one pod at a time go: node drains and cluster upgrades always
 * proceed (a budget that can never be met blocks them forever), while a drain never takes more
 * than one replica of the workload at once. Pods that are not ready may always be evicted, so a
 * broken pod never blocks a drain either.
 * @see https://kubernetes.io/docs/tasks/run-application/configure-pdb/
 */
export function addDisruptionBudget(scope: Construct, metadata: k8s.ObjectMeta, matchLabels: Record<string, string>): k8s.KubePodDisruptionBudget {
  return new k8s.KubePodDisruptionBudget(scope, 'DisruptionBudget', {
    metadata,
    spec: {
      maxUnavailable: k8s.IntOrString.fromNumber(1),
      selector: { matchLabels },
      unhealthyPodEvictionPolicy: 'AlwaysAllow',
    },
  });
}

/**
 * Spreads replicas across zones and nodes, preferring but never requiring it (a small cluster
 * with one zone must still schedule them). The anti-affinity says the same for nodes in the
 * form kube-score checks; topology spread is what the scheduler balances with.
 */
export function spreadAcrossNodes(matchLabels: Record<string, string>): Pick<k8s.PodSpec, 'topologySpreadConstraints' | 'affinity'> {
  const spread = (topologyKey: string): k8s.TopologySpreadConstraint =>
    ({ maxSkew: 1, topologyKey, whenUnsatisfiable: 'ScheduleAnyway', labelSelector: { matchLabels } });
  return {
    topologySpreadConstraints: [spread('topology.kubernetes.io/zone'), spread('kubernetes.io/hostname')],
    affinity: {
      podAntiAffinity: {
        preferredDuringSchedulingIgnoredDuringExecution: [{
          weight: 100,
          podAffinityTerm: { topologyKey: 'kubernetes.io/hostname', labelSelector: { matchLabels } },
        }],
      },
    },
  };
}
