/**
 * A rule engine that reproduces, over rendered manifests, what the trusted checkers enforce
 * (Pod Security Standards restricted, kube-score, kube-linter and Polaris defaults) plus the
 * cross-references between objects none of them validates. See /work/shared/POLICY.md.
 */
import { KUBE_LINTER_RULES } from './kube-linter';
import { KUBE_SCORE_META_RULES, KUBE_SCORE_OBJECT_RULES } from './kube-score-objects';
import { KUBE_SCORE_POD_RULES } from './kube-score-pods';
import { POLARIS_CONTAINER_RULES } from './polaris-containers';
import { POLARIS_WORKLOAD_RULES } from './polaris-workloads';
import { PSS_RULES } from './pss';
import { withSharedModel } from './model';
import { Finding, PolicyContext, Rule } from './types';
import { XREF_REF_RULES } from './xref-refs';
import { XREF_SELECTOR_RULES } from './xref-selectors';
import { XREF_OPERATOR_RULES } from './xref-operators';

export type { Finding, PolicyContext, Rule, RuleSource } from './types';

/** Every rule, as each checker defines it (deliberate exceptions are listed in EXCEPTIONS, not built in). */
export const RULES: readonly Rule[] = [
  ...PSS_RULES,
  ...KUBE_SCORE_POD_RULES,
  ...KUBE_SCORE_OBJECT_RULES,
  ...KUBE_SCORE_META_RULES,
  ...KUBE_LINTER_RULES,
  ...POLARIS_CONTAINER_RULES,
  ...POLARIS_WORKLOAD_RULES,
  ...XREF_SELECTOR_RULES,
  ...XREF_REF_RULES,
  ...XREF_OPERATOR_RULES,
];

/**
 * Rules this project deliberately does not follow, with the reason. Pass
 * `{ skip: Object.keys(EXCEPTIONS) }` to checkPolicy to leave them out.
 */
export const EXCEPTIONS: Record<string, string> = {
  'polaris/deploymentMissingReplicas':
    'kube-score (deployment-targeted-by-hpa-does-not-have-replicas-configured) and Polaris disagree on autoscaled Deployments; we omit replicas, because a replicas field resets the HPA\'s count on every apply. Without an HPA the Deployment has replicas >= 2 (or what the user set).',
  'polaris/priorityClassNotSet':
    'A PriorityClass is cluster-wide policy the stack cannot create or know; naming one that does not exist makes every pod unschedulable.',
  'kube-score/container-security-context-user-group-id':
    'The official postgres and redis images run as uid/gid 999 (their entrypoints and data directory ownership expect it). PSS restricted only needs a non-zero uid, which 999 is; kube-score\'s uid/gid >= 10000 would require a custom image.',
};

/** Options of checkPolicy. */
export interface CheckOptions {
  /** The rules to run (default: RULES). */
  readonly rules?: readonly Rule[];
  /** Rule ids to leave out, e.g. Object.keys(EXCEPTIONS). */
  readonly skip?: readonly string[];
}

/** Runs the rules over the objects of one output; findings come in rule order, then object order. */
export function checkPolicy(objects: readonly any[], ctx: PolicyContext = {}, options: CheckOptions = {}): Finding[] {
  const skip = new Set(options.skip ?? []);
  const rules = (options.rules ?? RULES).filter((r) => !skip.has(r.id));
  // Index the objects once for all rules of this run.
  return withSharedModel(objects, () => rules.flatMap((r) => r.check(objects, ctx)));
}

/** `<rule>: <object>: <path>: <message>` (the path part is left out when there is none). */
export function formatFinding(f: Finding): string {
  return [f.rule, f.object, f.path, f.message].filter((p) => p !== undefined && p !== '').join(': ');
}
