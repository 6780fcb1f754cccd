/**
 * Polaris's default container checks (FairwindsOps/polaris pkg/config/checks/*.yaml), read as
 * their JSON schemas say. Polaris looks at init and regular containers unless a check
 * excludes init containers.
 */
import { ContainerRef, PodRef, at, isDigestPinned } from './k8s';
import { containerRule, isJobPod, sc } from './define';
import { Rule } from './types';

const SENSITIVE_ENV_NAMES = [/^AWS_SECRET_ACCESS_KEY$/i, /^GOOGLE_APPLICATION_CREDENTIALS$/i, /^AZURE_.+KEY$/i, /^OCI_CLI_KEY_CONTENT$/i, /password/i, /token/i, /bearer/i, /secret/i];
const PRIVATE_KEY = /\s*-BEGIN\s+.*PRIVATE KEY-\s*/i;
const INSECURE_CAPS = ['NET_ADMIN', 'CHOWN', 'DAC_OVERRIDE', 'FSETID', 'FOWNER', 'MKNOD', 'NET_RAW', 'SETGID', 'SETUID', 'SETFCAP', 'SETPCAP', 'NET_BIND_SERVICE', 'SYS_CHROOT', 'KILL', 'AUDIT_WRITE'];

function hasCap(list: unknown, cap: string): boolean {
  return Array.isArray(list) && list.some((c) => String(c).toUpperCase() === cap);
}

function resourceRule(name: string, kind: 'requests' | 'limits', res: 'cpu' | 'memory'): Rule {
  const what = `${res} ${kind === 'limits' ? 'limit' : 'request'}`;
  return containerRule('polaris', name, `Every regular container sets a ${what}.`, 'regular', (c) => {
    const v = c.c.resources?.[kind]?.[res];
    return (v === undefined || v === null || v === '') && { path: at(c.path, 'resources', kind, res), message: `${what} should be set` };
  });
}

// runAsRootAllowed: non-root at pod level and not overridden by the container, or non-root on the container.
function runsAsRoot(c: ContainerRef, pod: PodRef): boolean {
  const good = (s: any): boolean => !!s && ((typeof s.runAsUser === 'number' && s.runAsUser >= 1) || s.runAsNonRoot === true);
  const notBad = (s: any): boolean => !s || ((s.runAsUser === undefined || s.runAsUser >= 1) && (s.runAsNonRoot === undefined || s.runAsNonRoot === true));
  return !((good(pod.spec.securityContext) && notBad(c.c.securityContext)) || good(c.c.securityContext));
}

// linuxHardening: an AppArmor annotation, or a non-Unconfined seccomp profile, or SELinux options, or dropped capabilities.
function hardened(c: ContainerRef, pod: PodRef): boolean {
  if (pod.annotations[`container.apparmor.security.beta.kubernetes.io/${c.name}`]) return true;
  const podSeccomp = pod.spec.securityContext?.seccompProfile?.type;
  const own = sc(c).seccompProfile?.type;
  const seccomp = !podSeccomp || podSeccomp === 'Unconfined' ? !!own && own !== 'Unconfined' : own !== 'Unconfined';
  const podSelinux = Object.keys(pod.spec.securityContext?.seLinuxOptions ?? {}).length > 0;
  const selinux = podSelinux || Object.keys(sc(c).seLinuxOptions ?? {}).length > 0;
  const caps = sc(c).capabilities;
  const drops = (caps?.drop ?? []).length > 0 && !hasCap(caps?.add, 'ALL');
  return seccomp || selinux || drops;
}

/** Polaris's default container checks. */
export const POLARIS_CONTAINER_RULES: readonly Rule[] = [
  containerRule('polaris', 'tagNotSpecified', 'Images name a tag (name:tag) other than latest.', 'pod', (c) => {
    const image = String(c.c.image ?? '');
    return (!/^.+:.+$/.test(image) || /^.+:latest$/.test(image)) && { path: at(c.path, 'image'), message: `image ${image} should specify a tag other than latest` };
  }),
  containerRule(
    'polaris',
    'pullPolicyNotAlways',
    'imagePullPolicy is Always. Deliberate exception: digest-pinned images may use IfNotPresent, since a digest cannot change under the same name.',
    'pod',
    (c) =>
      c.c.imagePullPolicy !== 'Always' &&
      !(c.c.imagePullPolicy === 'IfNotPresent' && isDigestPinned(c.c.image)) && { path: at(c.path, 'imagePullPolicy'), message: `imagePullPolicy is ${c.c.imagePullPolicy ?? 'unset'}, should be Always` },
  ),
  ...(['readinessProbe', 'livenessProbe'] as const).map((probe) =>
    containerRule('polaris', `${probe}Missing`, `Every regular container has a ${probe}; Job and CronJob pods are skipped.`, 'regular', (c) => !c.c[probe] && { path: at(c.path, probe), message: `${probe} should be configured` }, {
      skip: isJobPod,
    }),
  ),
  resourceRule('cpuRequestsMissing', 'requests', 'cpu'),
  resourceRule('cpuLimitsMissing', 'limits', 'cpu'),
  resourceRule('memoryRequestsMissing', 'requests', 'memory'),
  resourceRule('memoryLimitsMissing', 'limits', 'memory'),
  containerRule('polaris', 'notReadOnlyRootFilesystem', 'Every container sets readOnlyRootFilesystem: true.', 'pod', (c) =>
    sc(c).readOnlyRootFilesystem !== true && { path: at(c.path, 'securityContext.readOnlyRootFilesystem'), message: 'filesystem should be read only' },
  ),
  containerRule('polaris', 'privilegeEscalationAllowed', 'Every container sets allowPrivilegeEscalation: false.', 'pod', (c) =>
    sc(c).allowPrivilegeEscalation !== false && { path: at(c.path, 'securityContext.allowPrivilegeEscalation'), message: 'privilege escalation should not be allowed' },
  ),
  containerRule('polaris', 'runAsRootAllowed', 'runAsUser >= 1 or runAsNonRoot: true on the pod (not overridden by the container) or on the container.', 'pod', (c, pod) =>
    runsAsRoot(c, pod) && { path: at(c.path, 'securityContext'), message: 'should not be allowed to run as root' },
  ),
  containerRule('polaris', 'runAsPrivileged', 'No container is privileged.', 'pod', (c) =>
    sc(c).privileged === true && { path: at(c.path, 'securityContext.privileged'), message: 'should not run as privileged' },
  ),
  containerRule('polaris', 'dangerousCapabilities', 'capabilities.add contains none of ALL, SYS_ADMIN, NET_ADMIN.', 'pod', (c) => {
    const add = sc(c).capabilities?.add;
    const bad = ['ALL', 'SYS_ADMIN', 'NET_ADMIN'].filter((cap) => hasCap(add, cap));
    return bad.length > 0 && { path: at(c.path, 'securityContext.capabilities.add'), message: `adds dangerous capabilities ${bad.join(', ')}` };
  }),
  containerRule('polaris', 'insecureCapabilities', 'capabilities.drop contains ALL (or, exclusively, every insecure capability).', 'pod', (c) => {
    const drop = sc(c).capabilities?.drop;
    // The schema is a oneOf: dropping ALL or dropping every listed capability, not both.
    const ok = [hasCap(drop, 'ALL'), INSECURE_CAPS.every((cap) => hasCap(drop, cap))].filter(Boolean).length === 1;
    return !ok && { path: at(c.path, 'securityContext.capabilities.drop'), message: 'should drop ALL capabilities' };
  }),
  containerRule('polaris', 'linuxHardening', 'Each container is hardened by AppArmor, a seccomp profile other than Unconfined, SELinux options or dropped capabilities.', 'pod', (c, pod) =>
    !hardened(c, pod) && { path: at(c.path, 'securityContext'), message: 'use one of AppArmor, Seccomp, SELinux, or dropping Linux capabilities' },
  ),
  containerRule('polaris', 'sensitiveContainerEnvVar', 'Environment variables named like password/token/bearer/secret (or cloud keys) use valueFrom, and no literal value holds a private key.', 'pod', (c) =>
    (c.c.env ?? []).flatMap((e: any, i: number) => {
      if (typeof e?.value !== 'string') return [];
      const name = String(e.name ?? '');
      if (SENSITIVE_ENV_NAMES.some((re) => re.test(name))) return [{ path: `${c.path}.env[${i}].value`, message: `${name} is set with a literal value; use valueFrom` }];
      return PRIVATE_KEY.test(e.value) ? [{ path: `${c.path}.env[${i}].value`, message: `${name} holds a private key` }] : [];
    }),
  ),
  containerRule('polaris', 'hostPortSet', 'No container port sets hostPort.', 'pod', (c) =>
    (c.c.ports ?? []).flatMap((p: any, i: number) => (p?.hostPort ? [{ path: `${c.path}.ports[${i}].hostPort`, message: 'host port should not be configured' }] : [])),
  ),
];
