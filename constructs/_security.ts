import * as k8s from '../imports/k8s';

/**
 * The Pod Security Standards 'restricted' profile, in one place for every pod we emit.
 * @see https://kubernetes.io/docs/concepts/security/pod-security-standards/#restricted
 */

/** Pod-level security: non-root, RuntimeDefault seccomp, a fixed uid/gid and fsGroup. */
export function restrictedPodSecurityContext(uid: number, options: { fsGroup?: boolean; gid?: number } = {}): k8s.PodSecurityContext {
  const gid = options.gid ?? uid;
  return {
    runAsNonRoot: true,
    runAsUser: uid,
    runAsGroup: gid,
    ...(options.fsGroup === false ? {} : { fsGroup: gid, fsGroupChangePolicy: 'OnRootMismatch' }),
    seccompProfile: { type: 'RuntimeDefault' },
  };
}

/** Container-level security: no privilege, no escalation, no capabilities, read-only root. */
export function restrictedContainerSecurityContext(): k8s.SecurityContext {
  return {
    allowPrivilegeEscalation: false,
    privileged: false,
    readOnlyRootFilesystem: true,
    runAsNonRoot: true,
    capabilities: { drop: ['ALL'] },
  };
}

/**
 * `Always` for a tag, which can move; `IfNotPresent` for a digest, which cannot, so a pull
 * would only cost time and a registry dependency.
 */
export function pullPolicyFor(image: string): string {
  return image.includes('@sha256:') ? 'IfNotPresent' : 'Always';
}
