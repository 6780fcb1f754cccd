/**
 * Pod Security Standards, restricted profile (baseline included), as
 * kubernetes/pod-security-admission checks them: every container means containers,
 * initContainers and ephemeralContainers.
 */
import { ContainerRef, PROBES, at, containersOf, keysOf } from './k8s';
import { Issue, containerRule, podRule, sc } from './define';
import { Rule } from './types';

const ALLOWED_VOLUMES = new Set(['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'image', 'persistentVolumeClaim', 'projected', 'secret']);

// The "safe" sysctls of baseline (1.32+ list).
const SAFE_SYSCTLS = new Set([
  'kernel.shm_rmid_forced', 'net.ipv4.ip_local_port_range', 'net.ipv4.ip_unprivileged_port_start', 'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range', 'net.ipv4.ip_local_reserved_ports', 'net.ipv4.tcp_keepalive_time', 'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl', 'net.ipv4.tcp_keepalive_probes', 'net.ipv4.tcp_rmem', 'net.ipv4.tcp_wmem',
]);

const SECCOMP_OK = new Set(['RuntimeDefault', 'Localhost']);

function volumeType(v: any): string {
  return keysOf(v).find((k) => k !== 'name') ?? '(none)';
}

/** The Pod Security Standards restricted checks, one rule per control of POLICY.md. */
export const PSS_RULES: readonly Rule[] = [
  podRule('pss', 'host-namespaces', 'hostNetwork, hostPID and hostIPC must be unset or false (baseline).', (pod) =>
    (['hostNetwork', 'hostPID', 'hostIPC'] as const)
      .filter((f) => pod.spec[f] === true)
      .map((f) => ({ path: at(pod.path, f), message: `${f} is true` })),
  ),
  containerRule('pss', 'privileged', 'No container may be privileged (baseline).', 'all', (c) =>
    sc(c).privileged === true && { path: at(c.path, 'securityContext.privileged'), message: 'privileged is true' },
  ),
  podRule('pss', 'host-path-volumes', 'No hostPath volumes (baseline).', (pod) =>
    (pod.spec.volumes ?? []).flatMap((v: any, i: number) =>
      v?.hostPath ? [{ path: `${at(pod.path, 'volumes')}[${i}].hostPath`, message: `volume "${v.name}" is a hostPath volume` }] : [],
    ),
  ),
  containerRule('pss', 'host-ports', 'No container port may set hostPort (baseline).', 'all', (c) =>
    (c.c.ports ?? []).flatMap((p: any, i: number) =>
      p?.hostPort ? [{ path: `${c.path}.ports[${i}].hostPort`, message: `hostPort ${p.hostPort} is set` }] : [],
    ),
  ),
  containerRule('pss', 'capabilities-add', 'capabilities.add may only contain NET_BIND_SERVICE (restricted).', 'all', (c) =>
    (sc(c).capabilities?.add ?? [])
      .filter((cap: string) => cap !== 'NET_BIND_SERVICE')
      .map((cap: string) => ({ path: at(c.path, 'securityContext.capabilities.add'), message: `adds capability ${cap}` })),
  ),
  containerRule('pss', 'capabilities-drop-all', 'capabilities.drop must contain ALL on every container (restricted).', 'all', (c) =>
    !(sc(c).capabilities?.drop ?? []).includes('ALL') && { path: at(c.path, 'securityContext.capabilities.drop'), message: 'does not drop ALL capabilities' },
  ),
  containerRule('pss', 'allow-privilege-escalation', 'allowPrivilegeEscalation must be explicitly false on every container; unset fails (restricted).', 'all', (c) =>
    sc(c).allowPrivilegeEscalation !== false && {
      path: at(c.path, 'securityContext.allowPrivilegeEscalation'),
      message: `allowPrivilegeEscalation is ${sc(c).allowPrivilegeEscalation ?? 'unset'} (must be false)`,
    },
  ),
  podRule('pss', 'run-as-non-root', 'runAsNonRoot must be true at pod level or on every container, and never false anywhere (restricted).', (pod) => {
    const podValue = pod.spec.securityContext?.runAsNonRoot;
    const out: Issue[] = [];
    if (podValue === false) out.push({ path: at(pod.path, 'securityContext.runAsNonRoot'), message: 'pod sets runAsNonRoot: false' });
    for (const c of containersOf(pod, 'all')) {
      const own = sc(c).runAsNonRoot;
      if (own === false) out.push({ path: at(c.path, 'securityContext.runAsNonRoot'), message: `container "${c.name}" sets runAsNonRoot: false` });
      else if (own === undefined && podValue !== true)
        out.push({ path: at(c.path, 'securityContext.runAsNonRoot'), message: `container "${c.name}" does not run as non-root (set runAsNonRoot: true on the pod or the container)` });
    }
    return out;
  }),
  podRule('pss', 'run-as-user', 'runAsUser must never be 0 (restricted).', (pod) => {
    const out: Issue[] = [];
    if (pod.spec.securityContext?.runAsUser === 0) out.push({ path: at(pod.path, 'securityContext.runAsUser'), message: 'pod sets runAsUser: 0' });
    for (const c of containersOf(pod, 'all'))
      if (sc(c).runAsUser === 0) out.push({ path: at(c.path, 'securityContext.runAsUser'), message: `container "${c.name}" sets runAsUser: 0` });
    return out;
  }),
  podRule('pss', 'seccomp-profile', 'seccompProfile.type must be RuntimeDefault or Localhost at pod level or on every container, and never another type (restricted).', (pod) => {
    const podType = pod.spec.securityContext?.seccompProfile?.type;
    const out: Issue[] = [];
    if (podType !== undefined && !SECCOMP_OK.has(podType))
      out.push({ path: at(pod.path, 'securityContext.seccompProfile.type'), message: `pod seccompProfile.type is ${podType}` });
    for (const c of containersOf(pod, 'all')) {
      const own = sc(c).seccompProfile?.type;
      const bad = own !== undefined ? !SECCOMP_OK.has(own) : !SECCOMP_OK.has(podType);
      if (bad) out.push({ path: at(c.path, 'securityContext.seccompProfile.type'), message: `container "${c.name}" seccompProfile.type is ${own ?? podType ?? 'unset'}` });
    }
    return out;
  }),
  podRule('pss', 'volume-types', `Volumes may only be ${[...ALLOWED_VOLUMES].join(', ')} (restricted).`, (pod) =>
    (pod.spec.volumes ?? []).flatMap((v: any, i: number) => {
      const type = volumeType(v);
      return ALLOWED_VOLUMES.has(type) ? [] : [{ path: `${at(pod.path, 'volumes')}[${i}]`, message: `volume "${v?.name}" has type ${type}` }];
    }),
  ),
  containerRule('pss', 'proc-mount', 'procMount must be unset or Default (baseline).', 'all', (c: ContainerRef) =>
    sc(c).procMount !== undefined && sc(c).procMount !== 'Default' && { path: at(c.path, 'securityContext.procMount'), message: `procMount is ${sc(c).procMount}` },
  ),
  podRule('pss', 'sysctls', 'Only the safe sysctls are allowed (baseline).', (pod) =>
    (pod.spec.securityContext?.sysctls ?? []).flatMap((s: any, i: number) =>
      SAFE_SYSCTLS.has(s?.name) ? [] : [{ path: `${at(pod.path, 'securityContext.sysctls')}[${i}]`, message: `sysctl ${s?.name} is not in the safe set` }],
    ),
  ),
  containerRule('pss', 'probe-host', 'Probe and lifecycle httpGet/tcpSocket host must be unset (baseline, Kubernetes 1.34+).', 'all', (c) => {
    const handlers: [string, any][] = [
      ...PROBES.map((p) => [p, c.c[p]] as [string, any]),
      ['lifecycle.postStart', c.c.lifecycle?.postStart],
      ['lifecycle.preStop', c.c.lifecycle?.preStop],
    ];
    return handlers.flatMap(([field, h]) =>
      ['httpGet', 'tcpSocket']
        .filter((k) => h?.[k]?.host)
        .map((k) => ({ path: at(c.path, field, k, 'host'), message: `${field}.${k}.host is set to ${h[k].host}` })),
    );
  }),
];
