/**
 * Cross-references between objects that no schema validator catches (POLICY.md "Cross-references
 * a generator must guarantee"): selectors, ports and scale targets.
 */
import { PodRef, REPLICATED_KINDS, keysOf, mapMatches, podOf, scaled, selectorMatches } from './k8s';
import { Issue, objectRule } from './define';
import { Model } from './model';
import { Rule } from './types';

function hasEntries(selector: any): boolean {
  return keysOf(selector?.matchLabels).length > 0 || (selector?.matchExpressions ?? []).length > 0;
}

function serviceSelects(svc: any): boolean {
  return svc.spec?.type !== 'ExternalName' && keysOf(svc.spec?.selector).length > 0;
}

/** Pods a Service with a selector sends traffic to. */
function servicePods(svc: any, m: Model): PodRef[] {
  const sel: Record<string, string> = svc.spec.selector;
  const [k, v] = Object.entries(sel)[0];
  return m.podsWithLabel(svc.metadata?.namespace ?? '', k, v).filter((p) => mapMatches(sel, p.labels));
}

/** Containers that serve traffic: regular ones and restartable (sidecar) init containers. */
function servingContainers(pod: PodRef): any[] {
  return [...(pod.spec.containers ?? []), ...(pod.spec.initContainers ?? []).filter((c: any) => c?.restartPolicy === 'Always')];
}

function servesPort(pod: PodRef, port: unknown, protocol: string): boolean {
  return servingContainers(pod).some((c) =>
    (c?.ports ?? []).some((p: any) => (p.protocol ?? 'TCP') === protocol && (p.containerPort === port || (p.name !== undefined && p.name === port))),
  );
}

function apiGroup(apiVersion: unknown): string {
  const s = String(apiVersion ?? '');
  return s.includes('/') ? s.slice(0, s.lastIndexOf('/')) : '';
}

/** The replicas a workload runs with at least: HPA minReplicas when autoscaled, else spec.replicas (default 1). */
function minimumReplicas(obj: any, m: Model): number {
  const hpa = m.hpasFor(obj)[0];
  return hpa ? (hpa.spec?.minReplicas ?? 1) : (obj.spec?.replicas ?? 1);
}

function backendIssue(backend: any, path: string, ns: string, m: Model): Issue | undefined {
  if (!backend || backend.resource) return undefined;
  const name = backend.service?.name ?? backend.serviceName;
  const port = backend.service ? (backend.service.port?.number ?? backend.service.port?.name) : backend.servicePort;
  const svc = m.get('Service', ns, name ?? '');
  if (!svc) return { path, message: `backend Service ${name} is not in the output` };
  const ok = (svc.spec?.ports ?? []).some((p: any) => p.port === port || (p.name !== undefined && p.name === port));
  return ok ? undefined : { path, message: `Service ${name} has no port ${port}` };
}

/** Cross-references by selector, port and scale target. */
export const XREF_SELECTOR_RULES: readonly Rule[] = [
  objectRule('xref', 'service-selector', 'A Service selector selects pod labels of some workload in the same namespace.', ['Service'], (svc, m) =>
    serviceSelects(svc) && servicePods(svc, m).length === 0 && { path: 'spec.selector', message: `selector ${JSON.stringify(svc.spec.selector)} matches no pods in the namespace` },
  ),
  objectRule('xref', 'service-target-port', 'Every Service targetPort (number or name; default: port) is a container port, of the same protocol, of every pod the Service selects.', ['Service'], (svc, m) => {
    if (!serviceSelects(svc)) return undefined;
    const pods = servicePods(svc, m);
    return (svc.spec.ports ?? []).flatMap((p: any, i: number) => {
      const target = p.targetPort ?? p.port;
      return pods
        .filter((pod) => !servesPort(pod, target, p.protocol ?? 'TCP'))
        .map((pod) => ({ path: `spec.ports[${i}].targetPort`, message: `targetPort ${target} is not a container port of ${pod.ref}` }));
    });
  }),
  objectRule('xref', 'workload-selector', "A workload's selector matches its own pod template labels (apps/v1 workloads must have one).", ['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob'], (obj) => {
    const pod = podOf(obj);
    const selectorPath = obj.kind === 'CronJob' ? 'spec.jobTemplate.spec.selector' : 'spec.selector';
    const selector = obj.kind === 'CronJob' ? obj.spec?.jobTemplate?.spec?.selector : obj.spec?.selector;
    if (!pod) return { path: 'spec.template', message: 'has no pod template' };
    if (selector === undefined) return REPLICATED_KINDS.has(obj.kind) || obj.kind === 'DaemonSet' ? { path: selectorPath, message: 'has no selector' } : undefined;
    return !selectorMatches(selector, pod.labels) && { path: selectorPath, message: `selector does not match the template labels ${JSON.stringify(pod.labels)}` };
  }),
  objectRule('xref', 'statefulset-service-name', 'A StatefulSet serviceName names a headless Service (clusterIP: None) of the namespace whose selector matches its pods.', ['StatefulSet'], (sts, m) => {
    const name = sts.spec?.serviceName;
    if (!name) return undefined;
    const svc = m.get('Service', sts.metadata?.namespace ?? '', name);
    if (!svc) return { path: 'spec.serviceName', message: `Service ${name} is not in the output` };
    if (svc.spec?.clusterIP !== 'None') return { path: 'spec.serviceName', message: `Service ${name} is not headless (clusterIP: None)` };
    return !(keysOf(svc.spec?.selector).length > 0 && mapMatches(svc.spec.selector, podOf(sts)?.labels ?? {})) && { path: 'spec.serviceName', message: `Service ${name} does not select the StatefulSet's pods` };
  }),
  objectRule(
    'xref',
    'hpa-target',
    'An HPA scaleTargetRef names a workload of the output, the workload omits replicas, and every serving container requests each resource a Utilization metric uses.',
    ['HorizontalPodAutoscaler'],
    (hpa, m) => {
      const ref = hpa.spec?.scaleTargetRef ?? {};
      const target = m.get(ref.kind ?? '', hpa.metadata?.namespace ?? '', ref.name ?? '');
      if (!target || (ref.apiVersion && apiGroup(ref.apiVersion) !== apiGroup(target.apiVersion)))
        return { path: 'spec.scaleTargetRef', message: `${ref.kind} ${ref.name} is not in the output` };
      const out: Issue[] = [];
      if (target.spec?.replicas !== undefined) out.push({ path: 'spec.scaleTargetRef', message: `${ref.kind} ${ref.name} sets spec.replicas, which fights the HPA` });
      const pod = podOf(target);
      (hpa.spec?.metrics ?? []).forEach((metric: any, i: number) => {
        const spec = metric?.type === 'Resource' ? metric.resource : metric?.type === 'ContainerResource' ? metric.containerResource : undefined;
        if (!pod || spec?.target?.type !== 'Utilization') return;
        // Utilization is relative to the request, so HPA cannot compute it without one.
        for (const c of servingContainers(pod)) {
          if (metric.type === 'ContainerResource' && c?.name !== spec.container) continue;
          if (c?.resources?.requests?.[spec.name] === undefined)
            out.push({ path: `spec.metrics[${i}]`, message: `container "${c?.name}" of ${ref.kind} ${ref.name} does not request ${spec.name}, needed for ${spec.name} Utilization` });
        }
      });
      return out;
    },
  ),
  objectRule('xref', 'pdb-selector', "A PDB selects some pods, and its minAvailable stays below the minimum replicas (HPA minReplicas when autoscaled) of every workload it selects.", ['PodDisruptionBudget'], (pdb, m) => {
    const pods = m.select(pdb.metadata?.namespace ?? '', pdb.spec?.selector);
    if (pods.length === 0) return { path: 'spec.selector', message: 'selector matches no pods in the namespace' };
    const min = pdb.spec?.minAvailable;
    if (min === undefined) return undefined;
    return pods
      .filter((p) => REPLICATED_KINDS.has(p.kind))
      .flatMap((p) => {
        const replicas = minimumReplicas(p.obj, m);
        const needed = scaled(min, replicas);
        return needed === undefined || needed < replicas
          ? []
          : [{ path: 'spec.minAvailable', message: `minAvailable ${min} is not below the ${replicas} replica(s) ${p.ref} runs with at least, so no pod can be evicted` }];
      });
  }),
  objectRule('xref', 'networkpolicy-selector', 'A NetworkPolicy podSelector and its peer podSelectors (without namespaceSelector) select pods of the namespace.', ['NetworkPolicy'], (np, m) => {
    const ns = np.metadata?.namespace ?? '';
    const out: Issue[] = [];
    if (hasEntries(np.spec?.podSelector) && m.select(ns, np.spec.podSelector).length === 0) out.push({ path: 'spec.podSelector', message: 'podSelector matches no pods in the namespace' });
    for (const [dir, peersKey] of [['ingress', 'from'], ['egress', 'to']] as const) {
      (np.spec?.[dir] ?? []).forEach((rule: any, i: number) =>
        (rule?.[peersKey] ?? []).forEach((peer: any, j: number) => {
          // A namespaceSelector may point outside this output: nothing to check here.
          if (peer?.namespaceSelector || !hasEntries(peer?.podSelector)) return;
          if (m.select(ns, peer.podSelector).length === 0)
            out.push({ path: `spec.${dir}[${i}].${peersKey}[${j}].podSelector`, message: `peer podSelector ${JSON.stringify(peer.podSelector)} matches no pods in the namespace` });
        }),
      );
    }
    return out;
  }),
  objectRule('xref', 'ingress-backend', 'Every Ingress backend names a Service of the namespace and one of its ports (number or name).', ['Ingress'], (ing, m) => {
    const ns = ing.metadata?.namespace ?? '';
    const out: (Issue | undefined)[] = [backendIssue(ing.spec?.defaultBackend, 'spec.defaultBackend', ns, m)];
    (ing.spec?.rules ?? []).forEach((r: any, i: number) =>
      (r?.http?.paths ?? []).forEach((p: any, j: number) => out.push(backendIssue(p?.backend, `spec.rules[${i}].http.paths[${j}].backend`, ns, m))),
    );
    return out.filter((i): i is Issue => !!i);
  }),
];

