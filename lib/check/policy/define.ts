import { ContainerRef, ContainerScope, PodRef, containersOf, refOf } from './k8s';
import { Model, modelOf } from './model';
import { Finding, PolicyContext, Rule, RuleSource } from './types';

/** One problem a check callback reports; the path defaults to the pod or container checked. */
export interface Issue {
  readonly path?: string;
  readonly message: string;
}
/** What a check callback may return: nothing (false, undefined, ...), one issue or message, or a list. */
export type Reported = Issue | string | readonly (Issue | string)[] | undefined | void | false | null;

function issues(out: Reported, defaultPath?: string): Issue[] {
  if (!out) return [];
  const list = Array.isArray(out) ? out : [out];
  return list.map((i: Issue | string) => (typeof i === 'string' ? { path: defaultPath, message: i } : { path: i.path ?? defaultPath, message: i.message }));
}

function toFindings(rule: string, object: string, out: Reported, defaultPath?: string): Finding[] {
  return issues(out, defaultPath).map((i) => (i.path ? { rule, object, path: i.path, message: i.message } : { rule, object, message: i.message }));
}

/** The indices of env entries whose name appeared earlier in the same list. */
export function duplicateEnvIndices(env: readonly any[] | undefined): number[] {
  const seen = new Set<string>();
  return (env ?? []).flatMap((e: any, i: number) => {
    if (seen.has(e?.name)) return [i];
    seen.add(e?.name);
    return [];
  });
}

/** A rule: its id, and how it turns a model of the objects into findings. */
function makeRule(source: RuleSource, name: string, description: string, findings: (id: string, m: Model, ctx: PolicyContext) => Finding[]): Rule {
  const id = `${source}/${name}`;
  return { id, source, description, check: (objects, ctx) => findings(id, modelOf(objects), ctx ?? {}) };
}

/** A rule over the whole model. */
export function defineRule(
  source: RuleSource,
  name: string,
  description: string,
  run: (m: Model, ctx: PolicyContext, report: (obj: any, out: Reported) => void) => void,
): Rule {
  return makeRule(source, name, description, (id, m, ctx) => {
    const findings: Finding[] = [];
    run(m, ctx, (obj, out) => findings.push(...toFindings(id, refOf(obj), out)));
    return findings;
  });
}

/** A rule checked once per object of the given kinds. */
export function objectRule(
  source: RuleSource,
  name: string,
  description: string,
  kinds: readonly string[],
  fn: (obj: any, m: Model, ctx: PolicyContext) => Reported,
): Rule {
  return defineRule(source, name, description, (m, ctx, report) => {
    for (const kind of kinds) for (const obj of m.ofKind(kind)) report(obj, fn(obj, m, ctx));
  });
}

/** Options of pod-level rules. */
export interface PodRuleOptions {
  /** Pods the checker does not look at (e.g. Job pods for probe checks). */
  readonly skip?: (pod: PodRef) => boolean;
}

/** A rule checked once per pod template; paths default to the pod spec. */
export function podRule(
  source: RuleSource,
  name: string,
  description: string,
  fn: (pod: PodRef, m: Model, ctx: PolicyContext) => Reported,
  opts: PodRuleOptions = {},
): Rule {
  return makeRule(source, name, description, (id, m, ctx) =>
    m.pods.filter((p) => !opts.skip?.(p)).flatMap((p) => toFindings(id, p.ref, fn(p, m, ctx), p.path)));
}

/** A rule checked once per container; messages name the container, paths default to it. */
export function containerRule(
  source: RuleSource,
  name: string,
  description: string,
  scope: ContainerScope,
  fn: (c: ContainerRef, pod: PodRef, m: Model) => Reported,
  opts: PodRuleOptions = {},
): Rule {
  return podRule(
    source,
    name,
    description,
    (pod, m) =>
      containersOf(pod, scope).flatMap((c) =>
        issues(fn(c, pod, m), c.path).map((i) => ({ path: i.path, message: `container "${c.name}": ${i.message}` })),
      ),
    opts,
  );
}

/** A container's securityContext ({} when unset). */
export function sc(c: ContainerRef): any {
  return c.c?.securityContext ?? {};
}

/** Pods of Jobs and CronJobs (run to completion; several checkers skip them). */
export function isJobPod(pod: PodRef): boolean {
  return pod.kind === 'Job' || pod.kind === 'CronJob';
}
