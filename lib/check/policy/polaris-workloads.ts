/**
 * Polaris's default pod, controller and other-object checks (FairwindsOps/polaris
 * pkg/config/checks/*.yaml and pdb_hpa_validator.go), read as their schemas say.
 */
import { PodRef, anyPairMatches, at, podOf, scaled } from './k8s';
import { isJobPod, objectRule, podRule } from './define';
import { Model } from './model';
import { Rule } from './types';

/** Pairs of the pod's labels that a NetworkPolicy's matchLabels repeats. */
function sharedPairs(np: any, labels: Record<string, string>): number {
  const ml = np.spec?.podSelector?.matchLabels ?? {};
  return Object.entries(labels).filter(([k, v]) => ml[k] === v).length;
}

// missingNetworkPolicy's schema, for one NetworkPolicy. The schema uses oneOf over the pod's
// labels, so exactly one of them may appear in matchLabels; policyTypes is only checked if set.
function networkPolicyCovers(np: any, pod: PodRef): boolean {
  const spec = np.spec ?? {};
  if (!spec.podSelector?.matchLabels || sharedPairs(np, pod.labels) !== 1) return false;
  if (!Array.isArray(spec.ingress) || spec.ingress.length < 1 || !Array.isArray(spec.egress) || spec.egress.length < 1) return false;
  if (spec.policyTypes === undefined) return true;
  const types: string[] = (spec.policyTypes ?? []).map((t: unknown) => String(t).toLowerCase());
  return types.includes('ingress') && types.includes('egress');
}

/** Polaris pairs a Deployment with the first PDB whose matchLabels shares any pair with the template. */
function attachedPdb(d: any, m: Model): any | undefined {
  const labels = podOf(d)?.labels ?? {};
  return m.ofKindIn('PodDisruptionBudget', d.metadata?.namespace ?? '').find((p) => p.spec?.selector && anyPairMatches(p.spec.selector.matchLabels, labels));
}

/** Polaris's default pod, controller, PDB, HPA and Ingress checks. */
export const POLARIS_WORKLOAD_RULES: readonly Rule[] = [
  ...(['hostIPC', 'hostPID', 'hostNetwork'] as const).map((field) =>
    podRule('polaris', `${field}Set`, `${field} is not true.`, (pod) => pod.spec[field] === true && { path: at(pod.path, field), message: `${field} should not be configured` }),
  ),
  podRule('polaris', 'hostPathSet', 'No hostPath volumes.', (pod) =>
    (pod.spec.volumes ?? []).flatMap((v: any, i: number) => (v?.hostPath ? [{ path: `${at(pod.path, 'volumes')}[${i}].hostPath`, message: 'hostPath volumes should not be configured' }] : [])),
  ),
  podRule('polaris', 'priorityClassNotSet', 'Pods set priorityClassName.', (pod) =>
    pod.spec.priorityClassName === undefined && { path: at(pod.path, 'priorityClassName'), message: 'priority class should be set' },
  ),
  podRule(
    'polaris',
    'automountServiceAccountToken',
    'Pods name a serviceAccountName of the output, do not set automountServiceAccountToken: true, and unless the pod sets it false the ServiceAccount sets it false.',
    (pod, m) => {
      const name = pod.spec.serviceAccountName;
      if (typeof name !== 'string') return { path: at(pod.path, 'serviceAccountName'), message: 'serviceAccountName is not set, so the default ServiceAccount token will be automounted' };
      if (pod.spec.automountServiceAccountToken === true) return { path: at(pod.path, 'automountServiceAccountToken'), message: 'the ServiceAccount token will be automounted' };
      const sa = m.get('ServiceAccount', pod.ns, name);
      if (!sa) return { path: at(pod.path, 'serviceAccountName'), message: `ServiceAccount ${name} is not in the output` };
      return pod.spec.automountServiceAccountToken !== false && sa.automountServiceAccountToken !== false && {
        path: at(pod.path, 'automountServiceAccountToken'),
        message: `neither the pod nor ServiceAccount ${name} sets automountServiceAccountToken: false`,
      };
    },
  ),
  podRule(
    'polaris',
    'topologySpreadConstraint',
    'Pods (except Job/CronJob) set topologySpreadConstraints, each on kubernetes.io/hostname or topology.kubernetes.io/zone.',
    (pod) => {
      const tsc = pod.spec.topologySpreadConstraints;
      if (!Array.isArray(tsc)) return { path: at(pod.path, 'topologySpreadConstraints'), message: 'pod should be configured with a valid topology spread constraint' };
      return tsc.flatMap((t: any, i: number) =>
        t?.topologyKey === undefined || t.topologyKey === 'kubernetes.io/hostname' || t.topologyKey === 'topology.kubernetes.io/zone'
          ? []
          : [{ path: `${at(pod.path, 'topologySpreadConstraints')}[${i}].topologyKey`, message: `topologyKey ${t.topologyKey} is neither hostname nor zone` }],
      );
    },
    { skip: isJobPod },
  ),
  podRule(
    'polaris',
    'missingNetworkPolicy',
    'A NetworkPolicy in the namespace has podSelector.matchLabels repeating exactly one of the pod labels (Polaris uses oneOf), at least one ingress and one egress rule, and (if set) policyTypes with Ingress and Egress.',
    (pod, m) =>
      (Object.keys(pod.labels).length === 0 || !m.ofKindIn('NetworkPolicy', pod.ns).some((np) => networkPolicyCovers(np, pod))) && {
        path: pod.metaPath + '.labels',
        message: 'a NetworkPolicy should match pod labels and contain applied egress and ingress rules',
      },
  ),
  podRule('polaris', 'metadataAndInstanceMismatched', 'Controllers carry the label app.kubernetes.io/instance equal to metadata.name.', (pod) => {
    const instance = pod.obj.metadata?.labels?.['app.kubernetes.io/instance'];
    return instance !== pod.name && { path: 'metadata.labels.app.kubernetes.io/instance', message: `label app.kubernetes.io/instance is ${instance ?? 'unset'}, must match metadata.name ${pod.name}` };
  }),
  objectRule('polaris', 'deploymentMissingReplicas', 'Deployments set replicas >= 2 (regardless of an HPA).', ['Deployment'], (d) =>
    !(typeof d.spec?.replicas === 'number' && d.spec.replicas >= 2) && { path: 'spec.replicas', message: `only one replica is scheduled (replicas is ${d.spec?.replicas ?? 'unset'})` },
  ),
  objectRule('polaris', 'missingPodDisruptionBudget', 'A PodDisruptionBudget matchLabels shares a label pair with the Deployment template.', ['Deployment'], (d, m) => {
    const labels = podOf(d)?.labels ?? {};
    return (Object.keys(labels).length === 0 || !attachedPdb(d, m)) && { path: 'spec.template.metadata.labels', message: 'should have a PodDisruptionBudget' };
  }),
  objectRule('polaris', 'pdbMinAvailableGreaterThanHPAMinReplicas', "The attached PDB's minAvailable is not above the attached HPA's minReplicas.", ['Deployment'], (d, m) => {
    const pdb = attachedPdb(d, m);
    const hpa = m.hpasFor(d).find((h) => h.spec?.scaleTargetRef?.kind === 'Deployment');
    const min = hpa?.spec?.minReplicas;
    if (!pdb || typeof min !== 'number' || pdb.spec?.minAvailable === undefined) return undefined;
    const needed = scaled(pdb.spec.minAvailable, min);
    return needed !== undefined && needed > min && { path: 'spec', message: `PDB ${pdb.metadata?.name} minAvailable ${pdb.spec.minAvailable} is greater than HPA ${hpa.metadata?.name} minReplicas ${min}` };
  }),
  objectRule('polaris', 'pdbDisruptionsIsZero', 'A PDB does not set minAvailable 100% or maxUnavailable 0 / 0%.', ['PodDisruptionBudget'], (pdb) => {
    const { minAvailable, maxUnavailable } = pdb.spec ?? {};
    if (minAvailable === '100%') return { path: 'spec.minAvailable', message: 'voluntary evictions are not possible (minAvailable 100%)' };
    return (maxUnavailable === 0 || maxUnavailable === '0%') && { path: 'spec.maxUnavailable', message: 'voluntary evictions are not possible (maxUnavailable 0)' };
  }),
  objectRule('polaris', 'hpaMinAvailability', 'HPA minReplicas, when set, is at least 2.', ['HorizontalPodAutoscaler'], (hpa) =>
    typeof hpa.spec?.minReplicas === 'number' && hpa.spec.minReplicas < 2 && { path: 'spec.minReplicas', message: `minReplicas ${hpa.spec.minReplicas} should be 2 or more` },
  ),
  objectRule('polaris', 'hpaMaxAvailability', 'HPA maxReplicas is set, at least 1, and above minReplicas.', ['HorizontalPodAutoscaler'], (hpa) => {
    const { minReplicas, maxReplicas } = hpa.spec ?? {};
    if (typeof maxReplicas !== 'number' || maxReplicas < 1) return { path: 'spec.maxReplicas', message: 'maxReplicas should be set to at least 1' };
    return typeof minReplicas === 'number' && maxReplicas <= minReplicas && { path: 'spec.maxReplicas', message: `maxReplicas ${maxReplicas} should be above minReplicas ${minReplicas}` };
  }),
  objectRule('polaris', 'tlsSettingsMissing', 'Ingresses configure spec.tls.', ['Ingress'], (ing) =>
    !Array.isArray(ing.spec?.tls) && { path: 'spec.tls', message: 'Ingress does not have TLS configured' },
  ),
];
