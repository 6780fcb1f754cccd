/**
 * Cross-references from pods to what they use: probe ports, ServiceAccounts, volumes, claims,
 * and the Secret/ConfigMap keys they read (POLICY.md "Cross-references a generator must guarantee").
 */
import { PROBES, at, containerHasPort, containersOf, probePort } from './k8s';
import { Issue, containerRule, defineRule, podRule } from './define';
import { ConfigRead, externalSecretKeys, isExternalSecret, providedKeys, readsOf, targetOf } from './secrets';
import { Rule } from './types';

function describe(read: ConfigRead): string {
  return read.key === undefined ? `${read.via} ${read.kind} ${read.name}` : `${read.via} ${read.name}/${read.key}`;
}

/** Cross-references from pods to probe ports, ServiceAccounts, volumes, claims, Secrets and ConfigMaps. */
export const XREF_REF_RULES: readonly Rule[] = [
  containerRule('xref', 'probe-port', "A probe's httpGet/tcpSocket/grpc port (number or name) is a TCP port declared by the same container.", 'pod', (c) =>
    PROBES.flatMap((probe) => {
      const target = probePort(c.c[probe]);
      return target && !containerHasPort(c.c, target.port, true)
        ? [{ path: at(c.path, probe, target.handler, 'port'), message: `${probe} port ${target.port} is not a port of this container` }]
        : [];
    }),
  ),
  podRule('xref', 'service-account', "serviceAccountName (other than default) names a ServiceAccount of the output in the pod's namespace.", (pod, m) => {
    const sa = pod.spec.serviceAccountName ?? pod.spec.serviceAccount;
    return !!sa && sa !== 'default' && !m.get('ServiceAccount', pod.ns, sa) && { path: at(pod.path, 'serviceAccountName'), message: `ServiceAccount ${sa} is not in the output` };
  }),
  podRule('xref', 'volume-mounts', "Every volumeMount/volumeDevice names a volume of the pod (or a StatefulSet volumeClaimTemplate).", (pod) => {
    const names = new Set<string>((pod.spec.volumes ?? []).map((v: any) => v?.name));
    if (pod.kind === 'StatefulSet') for (const t of pod.obj.spec?.volumeClaimTemplates ?? []) names.add(t?.metadata?.name);
    return containersOf(pod, 'all').flatMap((c) =>
      (['volumeMounts', 'volumeDevices'] as const).flatMap((field) =>
        (c.c[field] ?? []).flatMap((vm: any, i: number) =>
          names.has(vm?.name) ? [] : [{ path: `${c.path}.${field}[${i}].name`, message: `container "${c.name}" mounts volume ${vm?.name}, which the pod does not define` }],
        ),
      ),
    );
  }),
  podRule('xref', 'pvc-claim', 'A persistentVolumeClaim volume names a PVC of the output in the namespace (or a volumeClaimTemplate of the StatefulSet).', (pod, m) => {
    const templates = new Set<string>(pod.kind === 'StatefulSet' ? (pod.obj.spec?.volumeClaimTemplates ?? []).map((t: any) => t?.metadata?.name) : []);
    return (pod.spec.volumes ?? []).flatMap((v: any, i: number) => {
      const claim = v?.persistentVolumeClaim?.claimName;
      if (claim === undefined || templates.has(claim) || m.get('PersistentVolumeClaim', pod.ns, claim)) return [];
      return [{ path: `${at(pod.path, 'volumes')}[${i}].persistentVolumeClaim.claimName`, message: `PersistentVolumeClaim ${claim} is not in the output` }];
    });
  }),
  podRule(
    'xref',
    'env-refs',
    'Every non-optional secretKeyRef/configMapKeyRef/envFrom (and secret/configMap volume) names a Secret (data/stringData, an ExternalSecret target yielding the key via spec.data or a Password generator, or a declared existing secret) or ConfigMap holding the key.',
    (pod, m, ctx) =>
      readsOf(pod)
        .filter((r) => !r.optional)
        .flatMap((r): Issue[] => {
          const keys = providedKeys(r.kind, pod.ns, r.name, m, ctx);
          if (!keys) return [{ path: r.path, message: `${describe(r)}: no ${r.kind === 'Secret' ? 'Secret, ExternalSecret target or declared existing Secret' : 'ConfigMap'} named ${r.name}` }];
          if (r.key !== undefined && !keys.has(r.key)) return [{ path: r.path, message: `${describe(r)}: ${r.kind} ${r.name} has no key ${r.key} (it provides: ${[...keys].sort().join(', ') || 'none'})` }];
          return [];
        }),
  ),
  defineRule(
    'xref',
    'external-secret-target',
    "An ExternalSecret's target Secret (spec.target.name, default its name) is read by some pod of the namespace, every key pods read from it is yielded, and every Password generatorRef exists.",
    (m, _ctx, report) => {
      // Reads per namespace/Secret name, gathered once.
      const reads = new Map<string, ConfigRead[]>();
      for (const pod of m.pods)
        for (const r of readsOf(pod)) if (r.kind === 'Secret') reads.set(`${pod.ns}/${r.name}`, [...(reads.get(`${pod.ns}/${r.name}`) ?? []), r]);
      for (const es of m.ofKind('ExternalSecret')) {
        if (!isExternalSecret(es)) continue;
        const ns = es.metadata?.namespace ?? '';
        const target = targetOf(es);
        const { keys, missing } = externalSecretKeys(es, m);
        const out: Issue[] = missing.map((g) => ({ path: g.path, message: `Password generator ${g.name} is not in the output` }));
        const readers = reads.get(`${ns}/${target}`) ?? [];
        if (readers.length === 0) out.push({ path: 'spec.target.name', message: `no pod reads the target Secret ${target}` });
        const unyielded = [...new Set(readers.filter((r) => !r.optional && r.key !== undefined && !keys.has(r.key)).map((r) => r.key!))];
        for (const key of unyielded.sort()) out.push({ path: 'spec', message: `pods read key ${key} of Secret ${target}, which this ExternalSecret does not yield` });
        report(es, out);
      }
    },
  ),
];
