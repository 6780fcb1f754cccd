/**
 * Pods and Secrets that an operator creates from an object of the output, which the output itself does not
 * contain: CloudNativePG's instances and bootstrap Jobs for a Cluster, its PgBouncer pods for a
 * Pooler. Selectors (NetworkPolicies, PodMonitors) may select them; the checks that look inside
 * pod specs never see them, since the operator, not the output, writes those specs.
 */
import { CNPG_CLUSTER_LABEL, CNPG_JOB_ROLE_LABEL, CNPG_POD_ROLE_LABEL, CNPG_POOLER_LABEL, cnpgAppSecret } from '../../../constructs/_cnpg';
import { PodRef, nsOf, refOf } from './k8s';

const CNPG_GROUP = 'postgresql.cnpg.io/';

/** The label sets of the pods an operator makes for `obj` (none for other objects). */
export function operatorPodsOf(obj: any): PodRef[] {
  if (!String(obj?.apiVersion ?? '').startsWith(CNPG_GROUP)) return [];
  const name: string = obj.metadata?.name ?? '';
  const inherited: Record<string, string> = obj.kind === 'Cluster' ? obj.spec?.inheritedMetadata?.labels ?? {} : {};
  const pod = (labels: Record<string, string>, role: string): PodRef => ({
    obj, kind: obj.kind, ns: nsOf(obj), name, ref: `${refOf(obj)} (${role}, made by CloudNativePG)`,
    labels, annotations: {}, spec: {}, path: '', metaPath: '',
  });
  if (obj.kind === 'Cluster') {
    const cluster = { ...inherited, [CNPG_CLUSTER_LABEL]: name };
    return [
      pod({ ...cluster, [CNPG_POD_ROLE_LABEL]: 'instance', 'cnpg.io/instanceName': `${name}-1` }, 'instance'),
      pod({ ...cluster, [CNPG_JOB_ROLE_LABEL]: 'initdb' }, 'bootstrap Job'),
    ];
  }
  if (obj.kind === 'Pooler') {
    const template: Record<string, string> = obj.spec?.template?.metadata?.labels ?? {};
    return [pod({ ...template, [CNPG_POOLER_LABEL]: name, [CNPG_POD_ROLE_LABEL]: 'pooler' }, 'pooler')];
  }
  return [];
}

/**
 * The Secrets an operator creates for `obj`, name -> keys: CloudNativePG's `<cluster>-app` for
 * the owner of a Cluster bootstrapped by `initdb` without a Secret of its own.
 */
export function operatorSecretsOf(obj: any): Record<string, readonly string[]> {
  if (!String(obj?.apiVersion ?? '').startsWith(CNPG_GROUP) || obj.kind !== 'Cluster') return {};
  const initdb = obj.spec?.bootstrap?.initdb;
  const bootstrap = obj.spec?.bootstrap ?? {};
  // initdb is the default bootstrap when none is given.
  if ((initdb === undefined && Object.keys(bootstrap).length > 0) || initdb?.secret) return {};
  const secret = cnpgAppSecret(obj.metadata?.name ?? '');
  return { [secret.name]: secret.keys };
}
