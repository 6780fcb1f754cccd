/**
 * Reading relations out of plain Kubernetes objects for the target READMEs: which pods a
 * selector picks, what a pod template mounts, which Secrets and Services it refers to. Only
 * the Kubernetes API shapes are used, never knowledge of our constructs, so the picture stays
 * true whatever produced the objects.
 */

/** Kinds whose objects run pods from a template. */
const WORKLOADS = new Set(['Deployment', 'StatefulSet', 'DaemonSet', 'ReplicaSet', 'Job', 'CronJob', 'Pod']);

/** The object's name ('' when missing, so a malformed object never throws). */
export function nameOf(o: any): string {
  return String(o?.metadata?.name ?? '');
}

/** The pod template of a workload (`metadata` + `spec`), or undefined for other kinds. */
export function podTemplate(o: any): { metadata?: any; spec?: any } | undefined {
  if (!WORKLOADS.has(o?.kind)) return undefined;
  if (o.kind === 'Pod') return o;
  if (o.kind === 'CronJob') return o.spec?.jobTemplate?.spec?.template;
  return o.spec?.template;
}

/** Whether every key of a non-empty selector (Service `spec.selector` style) is in the labels. */
export function selects(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  const entries = Object.entries(selector ?? {});
  return entries.length > 0 && entries.every(([k, v]) => labels?.[k] === v);
}

/** A pod's containers, init containers first (the order they start in). */
export function containersOf(spec: any): any[] {
  return [...(spec?.initContainers ?? []), ...(spec?.containers ?? [])];
}

/** Distinct image references of a pod, in container order. */
export function imagesOf(spec: any): string[] {
  return [...new Set(containersOf(spec).map((c) => String(c.image ?? '')).filter((i) => i !== ''))];
}

/** One mount of a pod volume: which container, where, read-only or not. */
export interface Mount { readonly container: string; readonly path: string; readonly readOnly: boolean }

/** The mounts of one pod volume across all its containers. */
export function mountsOf(spec: any, volume: string): Mount[] {
  return containersOf(spec).flatMap((c) => (c.volumeMounts ?? [])
    .filter((m: any) => m.name === volume)
    .map((m: any) => ({ container: String(c.name), path: String(m.mountPath), readOnly: m.readOnly === true })));
}

/** Mounts as short text, e.g. `app /app/media, nginx /var/www/media (ro)`. */
export function describeMounts(mounts: readonly Mount[]): string {
  return mounts.map((m) => `${m.container} ${m.path}${m.readOnly ? ' (ro)' : ''}`).join(', ');
}

/** Secret keys a pod reads, by Secret name: env `secretKeyRef`, `envFrom`, secret volumes. */
export function secretRefs(spec: any): Map<string, string[]> {
  const refs = new Map<string, string[]>();
  const add = (name: unknown, what: string) => {
    if (typeof name !== 'string' || name === '') return;
    const list = refs.get(name) ?? [];
    if (!list.includes(what)) list.push(what);
    refs.set(name, list);
  };
  for (const c of containersOf(spec)) {
    for (const e of c.env ?? []) add(e.valueFrom?.secretKeyRef?.name, String(e.valueFrom?.secretKeyRef?.key));
    for (const e of c.envFrom ?? []) add(e.secretRef?.name, 'all keys');
  }
  for (const v of spec?.volumes ?? []) add(v.secret?.secretName, `volume ${v.name}`);
  return refs;
}

/**
 * The env values a pod sees, with ConfigMap references resolved against the ConfigMaps of the
 * same output: that is where a database host usually hides (`PGHOST` in an env ConfigMap).
 */
export function envValues(spec: any, configMaps: ReadonlyMap<string, Record<string, string>>): Array<[string, string]> {
  const values: Array<[string, string]> = [];
  for (const c of containersOf(spec)) {
    for (const e of c.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef;
      const value = ref ? configMaps.get(ref.name)?.[ref.key] : e.value;
      if (typeof value === 'string') values.push([String(e.name), value]);
    }
    for (const e of c.envFrom ?? []) {
      for (const [k, v] of Object.entries(configMaps.get(e.configMapRef?.name) ?? {})) values.push([`${e.prefix ?? ''}${k}`, String(v)]);
    }
  }
  return values;
}

/**
 * Whether a value names a Service by its DNS name: `name`, `name.ns`, `name.ns.svc...`, alone
 * or inside a URL. Matching whole host-like tokens keeps `blog.example.com` from matching a
 * Service called `blog`.
 */
export function namesService(value: string, service: string, namespace: string): boolean {
  const hosts = value.toLowerCase().match(/[a-z0-9][a-z0-9.-]*/g) ?? [];
  return hosts.some((h) => h === service || h === `${service}.${namespace}` || h.startsWith(`${service}.${namespace}.svc`));
}

/** `size access-mode class` of a PVC spec (or a StatefulSet volumeClaimTemplate's spec). */
export function claimSummary(spec: any): string[] {
  const size = spec?.resources?.requests?.storage;
  const modes = (spec?.accessModes ?? []).join(', ');
  return [[size, modes].filter(Boolean).join(' '), spec?.storageClassName ? `class ${spec.storageClassName}` : ''].filter((s) => s !== '');
}

/** Whether Argo CD keeps the object when it is deleted from git (`Delete=false`). */
export function keptOnDelete(o: any): boolean {
  return String(o?.metadata?.annotations?.['argocd.argoproj.io/sync-options'] ?? '').includes('Delete=false');
}

/** The HPA scaling a workload, if any. */
export function hpaFor(objects: readonly any[], workload: any): any {
  return objects.find((o) => o.kind === 'HorizontalPodAutoscaler'
    && o.spec?.scaleTargetRef?.kind === workload.kind && o.spec?.scaleTargetRef?.name === nameOf(workload)
    && o.metadata?.namespace === workload.metadata?.namespace);
}

/** How many pods a workload runs: the HPA range, its replicas, or nothing for run-once kinds. */
export function podCount(objects: readonly any[], workload: any): string {
  const hpa = hpaFor(objects, workload);
  if (hpa) return `${hpa.spec.minReplicas ?? 1}–${hpa.spec.maxReplicas} pods (HPA)`;
  // KEDA creates the HPA in the cluster; the ScaledObject says the range and what drives it.
  const scaled = objects.find((o) => o.kind === 'ScaledObject' && o.spec?.scaleTargetRef?.name === nameOf(workload)
    && (o.spec?.scaleTargetRef?.kind ?? 'Deployment') === workload.kind && o.metadata?.namespace === workload.metadata?.namespace);
  if (scaled) {
    const queues = (scaled.spec.triggers ?? []).map((t: any) => t.metadata?.listName).filter(Boolean);
    return `${scaled.spec.minReplicaCount ?? 0}–${scaled.spec.maxReplicaCount ?? 100} pods (KEDA${queues.length ? `, queue ${queues.join(', ')}` : ''})`;
  }
  if (workload.kind === 'CronJob') return `${workload.spec?.schedule}${workload.spec?.timeZone ? ` (${workload.spec.timeZone})` : ''}`;
  if (['Deployment', 'StatefulSet', 'ReplicaSet'].includes(workload.kind)) {
    const n = workload.spec?.replicas ?? 1;
    return `${n} pod${n === 1 ? '' : 's'}`;
  }
  return '';
}
