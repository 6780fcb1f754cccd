/**
 * kube-linter's default checks (stackrox/kube-linter pkg/builtinchecks). Its "deployment-like"
 * objects are every pod-bearing kind; per-container checks cover init and regular containers
 * unless noted.
 */
import { PROBES, REPLICATED_KINDS, at, containerHasPort, mapMatches, quantitySet, scaled, selectorMatches } from './k8s';
import { Issue, containerRule, duplicateEnvIndices, objectRule, podRule, sc } from './define';
import { Model } from './model';
import { Rule } from './types';

const LATEST_BLOCKLIST = [/.*:(latest)$/, /^[^:]*$/, /(.*\/[^:]+)$/];
const SENSITIVE_DIRS = [/^\/$/, /^\/boot$/, /^\/dev$/, /^\/etc$/, /^\/lib$/, /^\/proc$/, /^\/sys$/, /^\/usr$/];
const UNSAFE_SYSCTL_PREFIXES = ['kernel.msg', 'kernel.sem', 'kernel.shm', 'fs.mqueue.', 'net.'];
const REPLICATED_KIND_LIST = [...REPLICATED_KINDS];

/** kube-linter's replica count: spec.replicas, defaulting to 1 for replicated kinds. */
function replicasOf(obj: any): number | undefined {
  return REPLICATED_KINDS.has(obj.kind) ? (obj.spec?.replicas ?? 1) : undefined;
}

function probePortRule(name: string, probe: (typeof PROBES)[number]): Rule {
  return containerRule('kube-linter', name, `A ${probe} (httpGet, tcpSocket or grpc) targets a TCP port (number or name) the same container declares. Regular containers only.`, 'regular', (c) => {
    const p = c.c[probe];
    if (!p) return undefined;
    for (const handler of ['httpGet', 'tcpSocket', 'grpc']) {
      if (p[handler] && !containerHasPort(c.c, p[handler].port, true))
        return { path: at(c.path, probe, handler, 'port'), message: `does not expose port ${p[handler].port} for the ${probe}` };
    }
    return undefined;
  });
}

function minAvailableIssues(pdb: any, m: Model): Issue[] {
  const min = pdb.spec?.minAvailable;
  if (min === undefined) return [];
  if (min === '100%') return [{ path: 'spec.minAvailable', message: 'minAvailable is 100% of replicas' }];
  const ns = pdb.metadata?.namespace ?? '';
  return REPLICATED_KIND_LIST.flatMap((kind) =>
    m.ofKindIn(kind, ns).flatMap((obj) => {
      // kube-linter relates a PDB to the workloads whose *selector* labels its selector matches.
      if (!obj.spec?.selector || !selectorMatches(pdb.spec?.selector, obj.spec.selector.matchLabels ?? {})) return [];
      let replicas = replicasOf(obj) ?? 1;
      if (replicas === 1) replicas = m.hpasFor(obj)[0]?.spec?.minReplicas ?? replicas;
      const needed = scaled(min, replicas);
      return needed !== undefined && replicas <= needed
        ? [{ path: 'spec.minAvailable', message: `${obj.kind} ${obj.metadata?.name} has ${replicas} replicas, not more than minAvailable ${min}` }]
        : [];
    }),
  );
}

/** kube-linter's default checks listed in POLICY.md. */
export const KUBE_LINTER_RULES: readonly Rule[] = [
  objectRule('kube-linter', 'dangling-service', 'A Service with a selector selects some pod in its namespace.', ['Service'], (svc, m) => {
    const sel = svc.spec?.selector;
    if (!sel || Object.keys(sel).length === 0) return undefined;
    return !m.podsIn(svc.metadata?.namespace ?? '').some((p) => mapMatches(sel, p.labels)) && { path: 'spec.selector', message: 'no pods found matching the service selector' };
  }),
  podRule('kube-linter', 'non-existent-service-account', 'serviceAccountName (other than default) names a ServiceAccount of the output in the namespace.', (pod, m) => {
    const sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    return !!sa && sa !== 'default' && !m.get('ServiceAccount', pod.ns, sa) && { path: at(pod.path, 'serviceAccountName'), message: `serviceAccount ${sa} not found` };
  }),
  podRule('kube-linter', 'mismatching-selector', "A workload's spec.selector matches its pod template labels.", (pod) =>
    pod.kind !== 'Pod' && pod.kind !== 'CronJob' && pod.obj.spec?.selector !== undefined && !selectorMatches(pod.obj.spec.selector, pod.labels) && {
      path: 'spec.selector',
      message: 'labels in the pod template do not match the selector',
    },
  ),
  probePortRule('liveness-port', 'livenessProbe'),
  probePortRule('readiness-port', 'readinessProbe'),
  probePortRule('startup-port', 'startupProbe'),
  containerRule('kube-linter', 'latest-tag', 'Images have a tag other than latest (no tag at all, or a registry port mistaken for a tag, fails).', 'pod', (c) =>
    LATEST_BLOCKLIST.some((re) => re.test(String(c.c.image ?? ''))) && { path: at(c.path, 'image'), message: `image ${c.c.image} has no tag or uses latest` },
  ),
  containerRule('kube-linter', 'unset-cpu-requirements', 'Every container requests CPU (non-zero).', 'pod', (c) =>
    !quantitySet(c.c.resources?.requests?.cpu) && { path: at(c.path, 'resources.requests.cpu'), message: 'has cpu request 0' },
  ),
  containerRule('kube-linter', 'unset-memory-requirements', 'Every container sets a memory limit (non-zero).', 'pod', (c) =>
    !quantitySet(c.c.resources?.limits?.memory) && { path: at(c.path, 'resources.limits.memory'), message: 'has memory limit 0' },
  ),
  containerRule('kube-linter', 'run-as-non-root', 'Effective runAsUser > 0, or runAsNonRoot true without runAsUser 0 (container overrides pod).', 'pod', (c, pod) => {
    const podSc = pod.spec.securityContext ?? {};
    const user = sc(c).runAsUser ?? podSc.runAsUser;
    if (typeof user === 'number' && user > 0) return undefined;
    const nonRoot = sc(c).runAsNonRoot ?? podSc.runAsNonRoot ?? false;
    if (nonRoot) return user === 0 && { path: at(c.path, 'securityContext.runAsUser'), message: 'is set to runAsNonRoot, but runAsUser is 0' };
    return { path: at(c.path, 'securityContext.runAsNonRoot'), message: 'is not set to runAsNonRoot' };
  }),
  containerRule('kube-linter', 'no-read-only-root-fs', 'Every container sets readOnlyRootFilesystem: true.', 'pod', (c) =>
    sc(c).readOnlyRootFilesystem !== true && { path: at(c.path, 'securityContext.readOnlyRootFilesystem'), message: 'does not have a read-only root file system' },
  ),
  containerRule('kube-linter', 'privilege-escalation-container', 'No container sets allowPrivilegeEscalation: true, privileged: true or adds SYS_ADMIN.', 'pod', (c) => {
    const s = sc(c);
    if (s.allowPrivilegeEscalation === true) return { path: at(c.path, 'securityContext.allowPrivilegeEscalation'), message: 'has allowPrivilegeEscalation set to true' };
    if (s.privileged === true) return { path: at(c.path, 'securityContext.privileged'), message: 'is privileged hence allows privilege escalation' };
    return (s.capabilities?.add ?? []).includes('SYS_ADMIN') && { path: at(c.path, 'securityContext.capabilities.add'), message: 'adds SYS_ADMIN hence allows privilege escalation' };
  }),
  containerRule('kube-linter', 'privileged-container', 'No container is privileged.', 'pod', (c) =>
    sc(c).privileged === true && { path: at(c.path, 'securityContext.privileged'), message: 'is privileged' },
  ),
  containerRule('kube-linter', 'drop-net-raw-capability', 'Every container drops NET_RAW (or ALL) and does not add it back.', 'pod', (c) => {
    const caps = sc(c).capabilities ?? {};
    const drop: string[] = caps.drop ?? [];
    const add: string[] = caps.add ?? [];
    if (add.includes('NET_RAW') || add.includes('ALL')) return { path: at(c.path, 'securityContext.capabilities.add'), message: 'adds NET_RAW' };
    return !drop.includes('NET_RAW') && !drop.includes('ALL') && { path: at(c.path, 'securityContext.capabilities.drop'), message: 'does not drop NET_RAW' };
  }),
  podRule('kube-linter', 'no-anti-affinity', 'Workloads with >= 2 replicas (unset counts as 1) have a podAntiAffinity term on kubernetes.io/hostname matching their pods.', (pod) => {
    const replicas = replicasOf(pod.obj);
    if (replicas === undefined || replicas < 2) return undefined;
    const anti = pod.spec.affinity?.podAntiAffinity;
    const terms = [...(anti?.preferredDuringSchedulingIgnoredDuringExecution ?? []).map((p: any) => p?.podAffinityTerm), ...(anti?.requiredDuringSchedulingIgnoredDuringExecution ?? [])];
    const ok = terms.some(
      (t: any) => t?.topologyKey === 'kubernetes.io/hostname' && (!t.namespaces?.length || t.namespaces.includes(pod.ns)) && selectorMatches(t.labelSelector, pod.labels),
    );
    return !ok && { path: at(pod.path, 'affinity'), message: `object has ${replicas} replicas but does not specify inter pod anti-affinity on kubernetes.io/hostname` };
  }),
  objectRule('kube-linter', 'pdb-min-available', "A PDB's minAvailable stays below the replicas (or HPA minReplicas when replicas is 1/unset) of the workloads its selector matches; 100% always fails.", ['PodDisruptionBudget'], (pdb, m) =>
    minAvailableIssues(pdb, m),
  ),
  objectRule('kube-linter', 'pdb-max-unavailable', 'A PDB does not set maxUnavailable to 0 or 0%.', ['PodDisruptionBudget'], (pdb) => {
    const v = pdb.spec?.maxUnavailable;
    return (v === 0 || v === '0' || v === '0%') && { path: 'spec.maxUnavailable', message: 'maxUnavailable is 0, so no pod can ever be evicted' };
  }),
  objectRule('kube-linter', 'pdb-unhealthy-pod-eviction-policy', 'A PDB sets unhealthyPodEvictionPolicy explicitly.', ['PodDisruptionBudget'], (pdb) =>
    pdb.spec?.unhealthyPodEvictionPolicy === undefined && { path: 'spec.unhealthyPodEvictionPolicy', message: 'unhealthyPodEvictionPolicy is not explicitly set' },
  ),
  objectRule('kube-linter', 'job-ttl-seconds-after-finished', 'Standalone Jobs set ttlSecondsAfterFinished; CronJob job templates do not (history limits apply there).', ['Job', 'CronJob'], (obj) => {
    if (obj.kind === 'Job') return obj.spec?.ttlSecondsAfterFinished === undefined && { path: 'spec.ttlSecondsAfterFinished', message: 'standalone Job does not specify ttlSecondsAfterFinished' };
    return obj.spec?.jobTemplate?.spec?.ttlSecondsAfterFinished !== undefined && {
      path: 'spec.jobTemplate.spec.ttlSecondsAfterFinished',
      message: 'managed Job specifies ttlSecondsAfterFinished, which conflicts with the CronJob history limits',
    };
  }),
  containerRule('kube-linter', 'env-var-secret', 'No environment variable whose name contains "secret" has a literal value.', 'pod', (c) =>
    (c.c.env ?? []).flatMap((e: any, i: number) =>
      /secret/i.test(e?.name ?? '') && typeof e?.value === 'string' && e.value !== '' ? [{ path: `${c.path}.env[${i}].value`, message: `environment variable ${e.name} holds a literal secret` }] : [],
    ),
  ),
  containerRule('kube-linter', 'duplicate-env-var', 'No environment variable name appears twice in a container.', 'pod', (c) =>
    duplicateEnvIndices(c.c.env).map((i) => ({ path: `${c.path}.env[${i}].name`, message: `duplicate environment variable ${c.c.env[i]?.name}` })),
  ),
  ...(['hostNetwork', 'hostPID', 'hostIPC'] as const).map((field) =>
    podRule('kube-linter', field.replace('host', 'host-').toLowerCase(), `${field} is not true.`, (pod) =>
      pod.spec[field] === true && { path: at(pod.path, field), message: `object shares the host's ${field.slice(4)} namespace` },
    ),
  ),
  podRule('kube-linter', 'sensitive-host-mounts', 'No hostPath volume mounts a sensitive host directory (/, /boot, /dev, /etc, /lib, /proc, /sys, /usr).', (pod) =>
    (pod.spec.volumes ?? []).flatMap((v: any, i: number) =>
      v?.hostPath && SENSITIVE_DIRS.some((re) => re.test(v.hostPath.path)) ? [{ path: `${at(pod.path, 'volumes')}[${i}].hostPath.path`, message: `host system directory ${v.hostPath.path} is mounted` }] : [],
    ),
  ),
  containerRule('kube-linter', 'ssh-port', 'No container exposes TCP port 22.', 'pod', (c) =>
    (c.c.ports ?? []).flatMap((p: any, i: number) =>
      p?.containerPort === 22 && (!p.protocol || p.protocol === 'TCP') ? [{ path: `${c.path}.ports[${i}]`, message: 'exposes port 22/TCP' }] : [],
    ),
  ),
  podRule('kube-linter', 'unsafe-sysctls', `No pod sysctl starts with ${UNSAFE_SYSCTL_PREFIXES.join(', ')}.`, (pod) =>
    (pod.spec.securityContext?.sysctls ?? []).flatMap((s: any, i: number) =>
      UNSAFE_SYSCTL_PREFIXES.some((p) => String(s?.name).startsWith(p)) ? [{ path: `${at(pod.path, 'securityContext.sysctls')}[${i}]`, message: `unsafe sysctl ${s?.name}` }] : [],
    ),
  ),
];

