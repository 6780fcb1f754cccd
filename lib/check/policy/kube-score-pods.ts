/**
 * kube-score's default pod checks (zegl/kube-score score/container, security, probes,
 * networkpolicy). kube-score looks at init and regular containers of every pod template.
 */
import { ContainerRef, PodRef, anyPairMatches, at, containersOf, isDigestPinned, mapMatches, quantitySet } from './k8s';
import { Issue, containerRule, duplicateEnvIndices, isJobPod, podRule, sc } from './define';
import { Model } from './model';
import { Rule } from './types';

/** kube-score's tag: whatever follows the last ':' ('' when there is none). */
export function kubeScoreTag(image: unknown): string {
  const parts = String(image ?? '').split(':');
  return parts.length > 1 ? parts[parts.length - 1] : '';
}

/**
 * kube-score's "targeted by a service": a Service in the namespace whose selector map matches
 * the template labels. Like kube-score, a Service without a selector matches every pod.
 */
export function targetedByService(pod: PodRef, m: Model): boolean {
  return m.ofKindIn('Service', pod.ns).some((s) => mapMatches(s.spec?.selector, pod.labels));
}

// kube-score compares httpGet ports with IntValue(): a named port counts as 0.
function intValue(port: unknown): number {
  return typeof port === 'number' ? port : /^\d+$/.test(String(port)) ? Number(port) : 0;
}

function probesIdentical(r: any, l: any): boolean {
  if (r.httpGet && l.httpGet && r.httpGet.path === l.httpGet.path && intValue(r.httpGet.port) === intValue(l.httpGet.port)) return true;
  if (r.tcpSocket && l.tcpSocket && r.tcpSocket.port === l.tcpSocket.port) return true;
  const rc: unknown[] | undefined = r.exec?.command;
  const lc: unknown[] | undefined = l.exec?.command;
  return !!rc && !!lc && rc.length === lc.length && rc.every((v, i) => v === lc[i]);
}

/** kube-score's default checks of pod templates and their containers. */
export const KUBE_SCORE_POD_RULES: readonly Rule[] = [
  containerRule('kube-score', 'container-resources', 'Every container sets cpu and memory requests and limits (non-zero).', 'pod', (c) => {
    const r = c.c.resources ?? {};
    const missing = [
      ['limits', 'cpu'],
      ['limits', 'memory'],
      ['requests', 'cpu'],
      ['requests', 'memory'],
    ].filter(([kind, res]) => !quantitySet(r[kind]?.[res]));
    return missing.map(([kind, res]) => ({ path: at(c.path, 'resources', kind, res), message: `${res} ${kind === 'limits' ? 'limit' : 'request'} is not set` }));
  }),
  containerRule('kube-score', 'container-image-tag', 'Images use an explicit tag other than latest.', 'pod', (c) => {
    const tag = kubeScoreTag(c.c.image);
    return (tag === '' || tag === 'latest') && { path: at(c.path, 'image'), message: `image ${c.c.image} has no tag or the latest tag` };
  }),
  containerRule(
    'kube-score',
    'container-image-pull-policy',
    'imagePullPolicy is Always (unset is fine for untagged/latest images, which default to Always). Deliberate exception: digest-pinned images may use IfNotPresent, since a digest cannot change under the same name.',
    'pod',
    (c) => {
      const policy = c.c.imagePullPolicy;
      const tag = kubeScoreTag(c.c.image);
      if (policy === undefined && (tag === '' || tag === 'latest')) return undefined;
      if (policy === 'Always') return undefined;
      if (policy === 'IfNotPresent' && isDigestPinned(c.c.image)) return undefined;
      return { path: at(c.path, 'imagePullPolicy'), message: `imagePullPolicy is ${policy ?? 'unset'}, not Always` };
    },
  ),
  containerRule('kube-score', 'container-security-context-readonlyrootfilesystem', 'Every container sets securityContext.readOnlyRootFilesystem: true.', 'pod', (c) => {
    if (!c.c.securityContext) return { path: at(c.path, 'securityContext'), message: 'has no securityContext' };
    return sc(c).readOnlyRootFilesystem !== true && { path: at(c.path, 'securityContext.readOnlyRootFilesystem'), message: 'root filesystem is writable' };
  }),
  containerRule('kube-score', 'container-security-context-user-group-id', 'Effective runAsUser and runAsGroup (container, else pod) are >= 10000.', 'pod', (c, pod) => {
    const podSc = pod.spec.securityContext;
    if (!c.c.securityContext && !podSc) return { path: at(c.path, 'securityContext'), message: 'has no securityContext' };
    const out: Issue[] = [];
    for (const field of ['runAsUser', 'runAsGroup']) {
      const value = sc(c)[field] ?? podSc?.[field];
      if (typeof value !== 'number' || value < 10000)
        out.push({ path: at(c.path, 'securityContext', field), message: `${field} is ${value ?? 'unset'} (kube-score wants >= 10000)` });
    }
    return out;
  }),
  podRule(
    'kube-score',
    'pod-probes',
    'Pods targeted by a Service have a readinessProbe (critical) and a livenessProbe (warning) on some container; Job/CronJob pods are skipped.',
    (pod, m) => {
      if (!targetedByService(pod, m)) return undefined;
      const containers = containersOf(pod, 'pod');
      if (!containers.some((c) => c.c.readinessProbe)) return 'targeted by a Service but no container has a readinessProbe';
      if (!containers.some((c) => c.c.livenessProbe)) return 'no container has a livenessProbe (warning)';
      return undefined;
    },
    { skip: isJobPod },
  ),
  containerRule(
    'kube-score',
    'pod-probes-identical',
    'A container does not use the same probe for readiness and liveness (same httpGet path and port, tcpSocket port or exec command); Job/CronJob pods are skipped.',
    'pod',
    (c: ContainerRef) =>
      !!c.c.readinessProbe && !!c.c.livenessProbe && probesIdentical(c.c.readinessProbe, c.c.livenessProbe) && 'readinessProbe and livenessProbe are identical',
    { skip: isJobPod },
  ),
  podRule('kube-score', 'pod-networkpolicy', 'A NetworkPolicy in the namespace (matchLabels sharing a label pair with the pod) declares policyTypes Ingress and Egress.', (pod, m) => {
    let ingress = false;
    let egress = false;
    for (const np of m.ofKindIn('NetworkPolicy', pod.ns)) {
      if (!anyPairMatches(np.spec?.podSelector?.matchLabels, pod.labels)) continue;
      const types: string[] = np.spec?.policyTypes ?? [];
      ingress ||= types.includes('Ingress');
      egress ||= types.includes('Egress');
    }
    if (!ingress && !egress) return 'no NetworkPolicy selects the pod';
    if (!ingress) return 'no NetworkPolicy covering Ingress selects the pod';
    if (!egress) return 'no NetworkPolicy covering Egress selects the pod';
    return undefined;
  }),
  containerRule('kube-score', 'environment-variable-key-duplication', 'No environment variable name appears twice in a container.', 'pod', (c) =>
    duplicateEnvIndices(c.c.env).map((i) => ({ path: `${c.path}.env[${i}]`, message: `environment variable ${c.c.env[i]?.name} is duplicated` })),
  ),
];
