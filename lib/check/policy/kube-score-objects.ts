/**
 * kube-score's default object checks: workloads, PDBs, Services, Ingresses, HPAs, NetworkPolicies
 * and metadata (zegl/kube-score score/apps, deployment, disruptionbudget, service, ingress, hpa,
 * meta, stable).
 */
import { at, mapMatches, podOf, refOf, selectorMatches } from './k8s';
import { objectRule } from './define';
import { targetedByService } from './kube-score-pods';
import { Model } from './model';
import { Rule } from './types';

// kube-score accepts these anti-affinity topology keys.
const ANTI_AFFINITY_KEYS = new Set([
  'kubernetes.io/hostname',
  'topology.kubernetes.io/region',
  'topology.kubernetes.io/zone',
  'failure-domain.beta.kubernetes.io/region',
  'failure-domain.beta.kubernetes.io/zone',
]);

// kube-score's table of deprecated apiVersion/kind pairs, extended with the later stable APIs.
const STABLE: Record<string, Record<string, string>> = {
  'extensions/v1beta1': { Deployment: 'apps/v1', DaemonSet: 'apps/v1', Ingress: 'networking.k8s.io/v1', NetworkPolicy: 'networking.k8s.io/v1' },
  'apps/v1beta1': { Deployment: 'apps/v1', StatefulSet: 'apps/v1' },
  'apps/v1beta2': { Deployment: 'apps/v1', StatefulSet: 'apps/v1', DaemonSet: 'apps/v1' },
  'networking.k8s.io/v1beta1': { Ingress: 'networking.k8s.io/v1' },
  'batch/v1beta1': { CronJob: 'batch/v1' },
  'policy/v1beta1': { PodDisruptionBudget: 'policy/v1' },
  'autoscaling/v2beta1': { HorizontalPodAutoscaler: 'autoscaling/v2' },
  'autoscaling/v2beta2': { HorizontalPodAutoscaler: 'autoscaling/v2' },
};

const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;

function fewReplicas(obj: any): boolean {
  return typeof obj.spec?.replicas === 'number' && obj.spec.replicas < 2;
}

function hasPdb(obj: any, m: Model): boolean {
  const labels = podOf(obj)?.labels ?? {};
  return m.ofKindIn('PodDisruptionBudget', obj.metadata?.namespace ?? '').some((pdb) => selectorMatches(pdb.spec?.selector, labels));
}

function hasHostAntiAffinity(obj: any): boolean {
  const pod = podOf(obj);
  const anti = pod?.spec.affinity?.podAntiAffinity;
  if (!pod || !anti) return false;
  const terms = [...(anti.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm), ...(anti.requiredDuringSchedulingIgnoredDuringExecution ?? [])];
  return terms.some((t: any) => ANTI_AFFINITY_KEYS.has(t?.topologyKey) && selectorMatches(t?.labelSelector, pod.labels));
}

function selectorMatchesTemplate(obj: any): string | undefined {
  const labels = podOf(obj)?.labels ?? {};
  return selectorMatches(obj.spec?.selector, labels) ? undefined : 'spec.selector does not match spec.template.metadata.labels';
}

// kube-score's HPA matching for deployment-replicas compares apiVersion and kind exactly.
function exactlyTargetedByHpa(obj: any, m: Model): boolean {
  return m.hpasFor(obj).some((h) => h.spec?.scaleTargetRef?.apiVersion === obj.apiVersion && h.spec?.scaleTargetRef?.kind === obj.kind);
}

function backendOf(path: any): { name?: string; port?: unknown } {
  const b = path?.backend ?? {};
  if (b.service) return { name: b.service.name, port: b.service.port?.number ?? b.service.port?.name };
  return { name: b.serviceName, port: b.servicePort };
}

/** kube-score's default checks of workloads, PDBs, Services, Ingresses, HPAs and NetworkPolicies. */
export const KUBE_SCORE_OBJECT_RULES: readonly Rule[] = [
  objectRule('kube-score', 'networkpolicy-targets-pod', 'Every NetworkPolicy podSelector selects at least one pod in its namespace.', ['NetworkPolicy'], (np, m) =>
    m.select(np.metadata?.namespace ?? '', np.spec?.podSelector).length === 0 && { path: 'spec.podSelector', message: "the NetworkPolicy's selector doesn't match any pods" },
  ),
  ...(['Deployment', 'StatefulSet'] as const).map((kind) =>
    objectRule('kube-score', `${kind.toLowerCase()}-has-poddisruptionbudget`, `A PodDisruptionBudget selects the ${kind}'s pods (skipped when replicas is set below 2).`, [kind], (obj, m) =>
      !fewReplicas(obj) && !hasPdb(obj, m) && 'no matching PodDisruptionBudget was found',
    ),
  ),
  objectRule('kube-score', 'poddisruptionbudget-has-policy', 'PodDisruptionBudgets set minAvailable or maxUnavailable.', ['PodDisruptionBudget'], (pdb) =>
    pdb.spec?.minAvailable === undefined && pdb.spec?.maxUnavailable === undefined && { path: 'spec', message: 'sets neither minAvailable nor maxUnavailable' },
  ),
  ...(['Deployment', 'StatefulSet'] as const).map((kind) =>
    objectRule(
      'kube-score',
      `${kind.toLowerCase()}-has-host-podantiaffinity`,
      `The ${kind} has a pod anti-affinity term (hostname/zone/region) matching its own pods; skipped when replicas is set below 2 (unset replicas is checked, as an HPA may scale it).`,
      [kind],
      (obj) => !fewReplicas(obj) && !hasHostAntiAffinity(obj) && { path: 'spec.template.spec.affinity', message: `${kind} does not have a host podAntiAffinity set` },
    ),
  ),
  objectRule('kube-score', 'deployment-strategy', 'Deployments targeted by a Service use the RollingUpdate strategy (or the default).', ['Deployment'], (d, m) => {
    const type = d.spec?.strategy?.type;
    return !!podOf(d) && targetedByService(podOf(d)!, m) && type !== undefined && type !== 'RollingUpdate' && { path: 'spec.strategy.type', message: `strategy is ${type}` };
  }),
  objectRule('kube-score', 'deployment-replicas', 'Deployments targeted by a Service and not scaled by an HPA have replicas >= 2 (unset counts as 1).', ['Deployment'], (d, m) =>
    !!podOf(d) && targetedByService(podOf(d)!, m) && !exactlyTargetedByHpa(d, m) && (d.spec?.replicas ?? 1) < 2 && { path: 'spec.replicas', message: `replicas is ${d.spec?.replicas ?? 'unset (1)'}` },
  ),
  objectRule('kube-score', 'deployment-targeted-by-hpa-does-not-have-replicas-configured', 'A Deployment scaled by an HPA leaves spec.replicas unset.', ['Deployment'], (d, m) =>
    m.hpasFor(d).length > 0 && d.spec?.replicas !== undefined && { path: 'spec.replicas', message: 'targeted by an HPA but sets a static replica count' },
  ),
  ...(['Deployment', 'StatefulSet'] as const).map((kind) =>
    objectRule('kube-score', `${kind.toLowerCase()}-pod-selector-labels-match-template-metadata-labels`, `The ${kind} selector matches its template labels.`, [kind], (obj) => selectorMatchesTemplate(obj)),
  ),
  objectRule('kube-score', 'statefulset-has-servicename', 'StatefulSet serviceName names a headless Service (clusterIP: None) in the namespace whose selector matches the pods.', ['StatefulSet'], (sts, m) => {
    const svc = m.get('Service', sts.metadata?.namespace ?? '', sts.spec?.serviceName ?? '');
    const ok = svc && svc.spec?.clusterIP === 'None' && mapMatches(svc.spec?.selector, podOf(sts)?.labels ?? {});
    return !ok && { path: 'spec.serviceName', message: `serviceName ${sts.spec?.serviceName ?? '(unset)'} is not a headless Service selecting the pods` };
  }),
  objectRule('kube-score', 'service-targets-pod', 'Every Service (except ExternalName) selects at least one pod in its namespace.', ['Service'], (svc, m) => {
    if (svc.spec?.type === 'ExternalName') return undefined;
    const pods = m.podsIn(svc.metadata?.namespace ?? '');
    return !pods.some((p) => mapMatches(svc.spec?.selector, p.labels)) && { path: 'spec.selector', message: "the Service's selector does not match any pods" };
  }),
  objectRule('kube-score', 'service-type', 'Services are not of type NodePort.', ['Service'], (svc) =>
    svc.spec?.type === 'NodePort' && { path: 'spec.type', message: 'Service is of type NodePort' },
  ),
  objectRule('kube-score', 'ingress-targets-service', 'Every Ingress rule path targets a Service in the namespace and one of its ports (number or name).', ['Ingress'], (ing, m) =>
    (ing.spec?.rules ?? []).flatMap((rule: any, r: number) =>
      (rule?.http?.paths ?? []).flatMap((p: any, i: number) => {
        const { name, port } = backendOf(p);
        const svc = m.get('Service', ing.metadata?.namespace ?? '', name ?? '');
        const ok = svc && (svc.spec?.ports ?? []).some((sp: any) => sp.port === port || (sp.name !== undefined && sp.name === port));
        return ok ? [] : [{ path: `spec.rules[${r}].http.paths[${i}].backend`, message: `no Service ${name} with port ${port} was found` }];
      }),
    ),
  ),
  objectRule('kube-score', 'horizontalpodautoscaler-has-target', 'scaleTargetRef names an object of the output (same apiVersion, kind, name and namespace).', ['HorizontalPodAutoscaler'], (hpa, m) => {
    const t = hpa.spec?.scaleTargetRef ?? {};
    const target = m.get(t.kind ?? '', hpa.metadata?.namespace ?? '', t.name ?? '');
    return !(target && target.apiVersion === t.apiVersion) && { path: 'spec.scaleTargetRef', message: `the HPA target ${t.apiVersion}/${t.kind} ${t.name} does not match anything` };
  }),
  objectRule('kube-score', 'horizontalpodautoscaler-replicas', 'HPA minReplicas is at least 2 (unset counts as 1).', ['HorizontalPodAutoscaler'], (hpa) =>
    (hpa.spec?.minReplicas ?? 1) < 2 && { path: 'spec.minReplicas', message: `minReplicas is ${hpa.spec?.minReplicas ?? 'unset (1)'}` },
  ),
];

/** kube-score's checks of every object's metadata. */
export const KUBE_SCORE_META_RULES: readonly Rule[] = [
  {
    id: 'kube-score/label-values',
    source: 'kube-score',
    description: 'Every metadata label value is a valid Kubernetes label value.',
    check: (objects) =>
      objects.flatMap((o) =>
        Object.entries(o?.metadata?.labels ?? {})
          .filter(([, v]) => typeof v !== 'string' || !LABEL_VALUE.test(v) || v.length > 63)
          .map(([k, v]) => ({ rule: 'kube-score/label-values', object: refOf(o), path: at('metadata.labels', k), message: `invalid label value ${JSON.stringify(v)}` })),
      ),
  },
  {
    id: 'kube-score/stable-version',
    source: 'kube-score',
    description: 'Objects do not use a deprecated apiVersion that has a stable replacement.',
    check: (objects) =>
      objects.flatMap((o) => {
        const replacement = STABLE[o?.apiVersion]?.[o?.kind];
        return replacement ? [{ rule: 'kube-score/stable-version', object: refOf(o), path: 'apiVersion', message: `${o.apiVersion}/${o.kind} is deprecated; use ${replacement}` }] : [];
      }),
  },
];
