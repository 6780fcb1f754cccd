import * as fs from 'fs';
import * as path from 'path';
import { structuredPatch } from 'diff';
import * as yaml from 'js-yaml';
import { UserError } from './user-error';

/** One Kubernetes object, by the identity a GitOps tool tracks it by, in one deploy target. */
export interface ObjectRef {
  target: string;
  apiVersion: string;
  kind: string;
  namespace?: string;
  name: string;
}

/** What applying the current render over the previous one would do, target by target. */
export interface PlanResult {
  targets: Array<{
    target: string;
    added: ObjectRef[];
    removed: ObjectRef[];
    /** `diff`: the changed lines of the two objects' YAML with one line of context, no headers. */
    changed: Array<{ ref: ObjectRef; diff: string }>;
  }>;
  /** Removed objects whose deletion destroys data (a rename counts: in GitOps it is a delete). */
  dataLoss: ObjectRef[];
}

/** Kinds whose deletion destroys data, in the order the verdict names them. */
export const DATA_BEARING_KINDS = ['PersistentVolumeClaim', 'StatefulSet', 'Namespace'] as const;

/** Why each data-bearing kind's deletion loses data, printed next to it. */
const LOSS_REASON: Record<string, string> = {
  PersistentVolumeClaim: 'its volume and the data on it would be deleted',
  StatefulSet: 'its pods go, and with them, per its PVC retention policy, their volumes',
  Namespace: 'deleting a Namespace deletes every object in it, volumes included',
};

/** At most this many diff lines per changed object in the printed plan; a full diff hides the rest. */
const DIFF_LINES = 15;

const REDACTED = '<redacted>';

const HUNK_SEPARATOR = '...';

/** The objects of one rendered file's YAML (empty documents dropped). */
export function parseRendered(content: string, file = '<rendered>'): any[] {
  let docs: unknown[];
  try {
    docs = yaml.loadAll(content);
  } catch (err) {
    const reason = err instanceof yaml.YAMLException ? err.reason : (err as Error).message;
    throw new UserError([`${file}: not valid YAML: ${reason}`]);
  }
  const objects = docs.filter((d) => d !== null && d !== undefined);
  for (const o of objects) {
    // Without an identity the object cannot be matched, so a comparison would be a guess.
    if (!isObject(o) || typeof o.kind !== 'string' || typeof o.apiVersion !== 'string' || typeof o.metadata?.name !== 'string') {
      throw new UserError([`${file}: a document is not a Kubernetes object (needs apiVersion, kind and metadata.name)`]);
    }
  }
  return objects;
}

/**
 * A previous render: target folder -> its objects, from every `*.k8s.yaml` directly in each
 * subfolder of `dir` (sorted, so the result never depends on directory order). Other files
 * (kustomization.yaml, README.md) are not ours and are skipped; a missing `dir` is an empty
 * render, as before the first synth.
 */
export function readRender(dir: string): Map<string, any[]> {
  const render = new Map<string, any[]>();
  if (!fs.existsSync(dir)) return render;
  if (!fs.statSync(dir).isDirectory()) throw new UserError([`${dir}: not a directory (expected a previous render, e.g. dist)`]);
  const targets = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodePoint);
  for (const target of targets) {
    const files = fs.readdirSync(path.join(dir, target)).filter((f) => f.endsWith('.k8s.yaml')).sort(byCodePoint);
    if (files.length === 0) continue;
    const file = (f: string) => path.join(dir, target, f);
    render.set(target, files.flatMap((f) => parseRendered(fs.readFileSync(file(f), 'utf-8'), file(f))));
  }
  return render;
}

/**
 * Compares two renders. A target present on one side only has all its objects added (or
 * removed). Objects match on apiVersion + kind + namespace + name, so a renamed object is one
 * removed and one added, as a GitOps tool would prune and create it.
 */
export function planChanges(current: Map<string, any[]>, previous: Map<string, any[]>): PlanResult {
  const result: PlanResult = { targets: [], dataLoss: [] };
  const names = [...new Set([...current.keys(), ...previous.keys()])].sort(byCodePoint);
  for (const target of names) {
    const now = byIdentity(target, current.get(target) ?? []);
    const before = byIdentity(target, previous.get(target) ?? []);
    const entry: PlanResult['targets'][number] = { target, added: [], removed: [], changed: [] };
    for (const [key, { ref, object }] of now) {
      const old = before.get(key);
      if (!old) entry.added.push(ref);
      else if (canonical(old.object) !== canonical(object)) entry.changed.push({ ref, diff: fieldDiff(old.object, object) });
    }
    for (const [key, { ref }] of before) if (!now.has(key)) entry.removed.push(ref);
    entry.added.sort(compareRefs);
    entry.removed.sort(compareRefs);
    entry.changed.sort((a, b) => compareRefs(a.ref, b.ref));
    result.targets.push(entry);
    result.dataLoss.push(...entry.removed.filter(isDataBearing));
  }
  return result;
}

/** Options of {@link formatPlan}. */
export interface FormatOptions {
  /** The user accepted the data loss (`--allow-data-loss`): the verdict says so, still loudly. */
  readonly allowDataLoss?: boolean;
}

/**
 * The plan as a reviewer reads it: per target a count line, then `+` added, `~` changed (with
 * an indented diff of at most 15 lines) and `-` removed objects, data-bearing removals flagged;
 * the last line is the verdict. The same result always gives the same text.
 */
export function formatPlan(result: PlanResult, options: FormatOptions = {}): string {
  const lines: string[] = [];
  const added = result.targets.flatMap((t) => t.added);
  for (const t of result.targets) {
    if (t.added.length + t.changed.length + t.removed.length === 0) {
      lines.push(`target ${t.target}: no changes`);
      continue;
    }
    lines.push(`target ${t.target}: ${t.added.length} added, ${t.changed.length} changed, ${t.removed.length} removed`);
    for (const ref of t.added) lines.push(`  + ${refName(ref)}`);
    for (const { ref, diff } of t.changed) lines.push(`  ~ ${refName(ref)}`, ...shortDiff(diff).map((l) => `      ${l}`));
    for (const ref of t.removed) lines.push(`  - ${refName(ref)}${isDataBearing(ref) ? `  DATA LOSS: ${lossNote(ref, added)}` : ''}`);
  }
  if (result.targets.length === 0) lines.push('no targets on either side: nothing to compare');
  lines.push(verdict(result.dataLoss, options.allowDataLoss ?? false));
  return lines.join('\n');
}

/** True for the kinds whose deletion destroys data. */
export function isDataBearing(ref: ObjectRef): boolean {
  return (DATA_BEARING_KINDS as readonly string[]).includes(ref.kind);
}

function verdict(loss: readonly ObjectRef[], allowed: boolean): string {
  if (loss.length === 0) return 'safe: no data-bearing object is removed';
  const kinds = DATA_BEARING_KINDS.filter((k) => loss.some((r) => r.kind === k)).join(', ');
  const what = `${loss.length} data-bearing object(s) would be deleted (${kinds})`;
  return allowed
    ? `DATA LOSS ALLOWED (--allow-data-loss): ${what}; their data will be gone once this is applied`
    : `DATA LOSS: ${what}; re-run with --allow-data-loss if that is intended`;
}

/** The reason, plus a hint when an object of the same kind appears: most likely a rename. */
function lossNote(ref: ObjectRef, added: readonly ObjectRef[]): string {
  const twin = added.find((a) => a.kind === ref.kind && a.target === ref.target)
    ?? added.find((a) => a.kind === ref.kind);
  if (!twin) return LOSS_REASON[ref.kind];
  const where = twin.target === ref.target ? '' : `${twin.target}: `;
  return `${LOSS_REASON[ref.kind]} (renamed to ${where}${objectPath(twin)}? in GitOps a rename is a delete)`;
}

/** `Kind namespace/name`, or `Kind name` for a cluster-scoped object. */
function refName(ref: ObjectRef): string {
  return `${ref.kind} ${objectPath(ref)}`;
}

function objectPath(ref: ObjectRef): string {
  return ref.namespace ? `${ref.namespace}/${ref.name}` : ref.name;
}

/**
 * Identity key -> the object. Two stacks of one target may share a namespace and so each
 * render the same Namespace; the target holds it once, so the first copy stands for it.
 */
function byIdentity(target: string, objects: readonly any[]): Map<string, { ref: ObjectRef; object: any }> {
  const map = new Map<string, { ref: ObjectRef; object: any }>();
  for (const object of objects) {
    const ref: ObjectRef = { target, apiVersion: object.apiVersion, kind: object.kind, name: object.metadata.name };
    if (object.metadata.namespace) ref.namespace = object.metadata.namespace;
    const key = JSON.stringify([ref.apiVersion, ref.kind, ref.namespace ?? '', ref.name]);
    if (!map.has(key)) map.set(key, { ref, object });
  }
  return map;
}

/** Kind, then namespace/name, then apiVersion: the order a reviewer scans by. */
function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return byCodePoint(a.kind, b.kind) || byCodePoint(a.namespace ?? '', b.namespace ?? '')
    || byCodePoint(a.name, b.name) || byCodePoint(a.apiVersion, b.apiVersion);
}

/** Locale-independent ordering: the plan must read the same on every machine. */
function byCodePoint(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** YAML with keys sorted at every level, so key order never shows as a change. */
function canonical(object: unknown): string {
  return yaml.dump(sortKeys(object), { lineWidth: -1, noRefs: true });
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isObject(value)) return value;
  return Object.fromEntries(Object.keys(value).sort(byCodePoint).map((k) => [k, sortKeys(value[k])]));
}

/**
 * The changed lines of two versions of one object, one line of context, hunks separated by
 * `...`. Secret values are masked on both sides first: a plan is pasted into pull requests
 * and CI logs, where a secret must never appear.
 */
function fieldDiff(before: any, after: any): string {
  const patch = structuredPatch('previous', 'current', canonical(redact(before)), canonical(redact(after)), undefined, undefined, { context: 1 });
  const hunks = patch.hunks.map((h) => h.lines.filter((l) => !l.startsWith('\\')).join('\n'));
  return hunks.length > 0 ? hunks.join(`\n${HUNK_SEPARATOR}\n`) : '(only Secret values changed; not shown)';
}

/** A copy of a Secret with every `data`/`stringData` value replaced; other objects as they are. */
function redact(object: any): any {
  if (object?.kind !== 'Secret') return object;
  const copy = { ...object };
  for (const field of ['data', 'stringData']) {
    if (isObject(copy[field])) copy[field] = Object.fromEntries(Object.keys(copy[field]).map((k) => [k, REDACTED]));
  }
  return copy;
}

/** At most DIFF_LINES lines of a diff, then how many more there are. */
function shortDiff(diff: string): string[] {
  const lines = diff.split('\n');
  if (lines.length <= DIFF_LINES) return lines;
  const shown = lines.slice(0, DIFF_LINES);
  // A hunk separator right before the count would read as two ellipses.
  if (shown[shown.length - 1] === HUNK_SEPARATOR) shown.pop();
  return [...shown, `... ${lines.length - shown.length} more lines`];
}

function isObject(value: unknown): value is Record<string, any> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
