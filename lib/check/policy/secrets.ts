/**
 * Which Secret and ConfigMap keys pods read, and which keys the output (or the declared
 * existing secrets) provides under each name.
 */
import { PodRef, at, containersOf, keysOf } from './k8s';
import { Model } from './model';
import { operatorSecretsOf } from './operator-pods';
import { PolicyContext } from './types';

/** One read of a Secret or ConfigMap by a pod; `key` undefined means the whole object (envFrom, volume without items). */
export interface ConfigRead {
  readonly kind: 'Secret' | 'ConfigMap';
  readonly name: string;
  readonly key?: string;
  readonly optional: boolean;
  readonly path: string;
  /** How it is read, for messages: `secretKeyRef`, `envFrom`, `volume`. */
  readonly via: string;
}

/** Every Secret/ConfigMap read of a pod: env valueFrom, envFrom, and secret/configMap/projected volumes. */
export function readsOf(pod: PodRef): ConfigRead[] {
  const out: ConfigRead[] = [];
  for (const c of containersOf(pod, 'all')) {
    (c.c.env ?? []).forEach((e: any, i: number) => {
      for (const [field, kind] of [['secretKeyRef', 'Secret'], ['configMapKeyRef', 'ConfigMap']] as const) {
        const ref = e?.valueFrom?.[field];
        if (ref) out.push({ kind, name: ref.name ?? '', key: ref.key, optional: ref.optional === true, path: `${c.path}.env[${i}].valueFrom.${field}`, via: field });
      }
    });
    (c.c.envFrom ?? []).forEach((e: any, i: number) => {
      for (const [field, kind] of [['secretRef', 'Secret'], ['configMapRef', 'ConfigMap']] as const) {
        const ref = e?.[field];
        if (ref) out.push({ kind, name: ref.name ?? '', optional: ref.optional === true, path: `${c.path}.envFrom[${i}].${field}`, via: 'envFrom' });
      }
    });
  }
  const volumeReads = (kind: 'Secret' | 'ConfigMap', name: string, src: any, path: string): void => {
    const items: any[] = src?.items ?? [];
    const optional = src?.optional === true;
    if (items.length === 0) out.push({ kind, name, optional, path, via: 'volume' });
    items.forEach((it, k) => out.push({ kind, name, key: it?.key, optional, path: `${path}.items[${k}]`, via: 'volume' }));
  };
  (pod.spec.volumes ?? []).forEach((v: any, i: number) => {
    const path = `${at(pod.path, 'volumes')}[${i}]`;
    if (v?.secret) volumeReads('Secret', v.secret.secretName ?? '', v.secret, `${path}.secret`);
    if (v?.configMap) volumeReads('ConfigMap', v.configMap.name ?? '', v.configMap, `${path}.configMap`);
    (v?.projected?.sources ?? []).forEach((s: any, j: number) => {
      if (s?.secret) volumeReads('Secret', s.secret.name ?? '', s.secret, `${path}.projected.sources[${j}].secret`);
      if (s?.configMap) volumeReads('ConfigMap', s.configMap.name ?? '', s.configMap, `${path}.projected.sources[${j}].configMap`);
    });
  });
  return out;
}

/** Whether an object is an External Secrets Operator ExternalSecret. */
export function isExternalSecret(obj: any): boolean {
  return obj?.kind === 'ExternalSecret' && String(obj.apiVersion ?? '').startsWith('external-secrets.io/');
}

/** The Secret an ExternalSecret writes (spec.target.name, default: its own name). */
export function targetOf(es: any): string {
  return es.spec?.target?.name ?? es.metadata?.name ?? '';
}

/** A generatorRef of an ExternalSecret's dataFrom that names a Password generator missing from the output. */
export interface MissingGenerator {
  readonly path: string;
  readonly name: string;
}

/**
 * Keys an ExternalSecret yields: spec.data[].secretKey, and the secretKeys (default `password`)
 * of Password generators its dataFrom references. Other dataFrom sources yield keys no one can
 * know before they run, so they vouch for none.
 */
export function externalSecretKeys(es: any, m: Model): { keys: Set<string>; missing: MissingGenerator[] } {
  const keys = new Set<string>();
  const missing: MissingGenerator[] = [];
  for (const d of es.spec?.data ?? []) if (typeof d?.secretKey === 'string') keys.add(d.secretKey);
  (es.spec?.dataFrom ?? []).forEach((d: any, i: number) => {
    const ref = d?.sourceRef?.generatorRef;
    if (!ref || ref.kind !== 'Password' || !String(ref.apiVersion ?? '').startsWith('generators.external-secrets.io/')) return;
    const gen = m.get('Password', es.metadata?.namespace ?? '', ref.name ?? '');
    if (!gen || !String(gen.apiVersion ?? '').startsWith('generators.external-secrets.io/')) {
      missing.push({ path: `spec.dataFrom[${i}].sourceRef.generatorRef`, name: ref.name });
      return;
    }
    for (const k of gen.spec?.secretKeys ?? ['password']) keys.add(k);
  });
  return { keys, missing };
}

/**
 * Keys available under a Secret/ConfigMap name in a namespace (from the output, an operator
 * that an object of the output drives, or the declared existing secrets); undefined when
 * nothing provides that name.
 */
export function providedKeys(kind: 'Secret' | 'ConfigMap', ns: string, name: string, m: Model, ctx: PolicyContext): Set<string> | undefined {
  if (kind === 'ConfigMap') {
    const cm = m.get('ConfigMap', ns, name);
    if (cm) return new Set([...keysOf(cm.data), ...keysOf(cm.binaryData)]);
    const declared = ctx.externalConfigMaps?.[name];
    return declared ? new Set(declared) : undefined;
  }
  let keys: Set<string> | undefined;
  const add = (list: Iterable<string>): void => {
    keys ??= new Set();
    for (const k of list) keys.add(k);
  };
  const secret = m.get('Secret', ns, name);
  if (secret) add([...keysOf(secret.data), ...keysOf(secret.stringData)]);
  for (const es of m.ofKindIn('ExternalSecret', ns)) if (isExternalSecret(es) && targetOf(es) === name) add(externalSecretKeys(es, m).keys);
  for (const cluster of m.ofKindIn('Cluster', ns)) {
    const made = operatorSecretsOf(cluster)[name];
    if (made) add(made);
  }
  const declared = ctx.externalSecrets?.[name];
  if (declared) add(declared);
  return keys;
}
