import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { DATA_BEARING_KINDS } from '../../constructs/_gitops';
import { compareQuantities, exactQuantity } from '../../constructs/_quantity';
import { MANIFEST_SUFFIX } from '../layout';
import { UserError } from '../user-error';
import { readTextFile } from '../_text-file';

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
    /**
     * `diff`: the changed lines of the two objects' YAML with one line of context, no headers.
     * `notes`: what a reviewer should know about a change that applies (e.g. a volume expansion).
     */
    changed: Array<{ ref: ObjectRef; diff: string; notes: string[] }>;
    /**
     * What a reviewer must know about an added or removed object, by `refKey`: e.g. a switch of
     * the database engine to CloudNativePG, with or without importing the old data.
     */
    remarks?: Record<string, string>;
  }>;
  /** Removed objects whose deletion destroys data (a rename counts: in GitOps it is a delete). */
  dataLoss: ObjectRef[];
  /**
   * Changes the API server refuses (e.g. a PersistentVolumeClaim's storage class or a smaller
   * size), one entry per reason: the apply would fail, whatever the flags.
   */
  blocked: Array<{ ref: ObjectRef; reason: string }>;
}

/** Kinds whose deletion destroys data, in the order the verdict names them (the same the GitOps annotations keep). */
export { DATA_BEARING_KINDS };

/** Why each data-bearing kind's deletion loses data, printed next to it. */
const LOSS_REASON: Record<string, string> = {
  PersistentVolumeClaim: 'its volume and the data on it would be deleted',
  StatefulSet: 'deleting it stops its pods (the database or Redis, in our stacks); claims from volumeClaimTemplates, if any, go too when its persistentVolumeClaimRetentionPolicy says Delete',
  Cluster: 'deleting a CloudNativePG Cluster deletes its instances and their volumes',
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
 * (kustomization.yaml, README.md) are not ours and are skipped. With `stacks`, only the files
 * `<target>/<name>.k8s.yaml` whose `<name>` is one of them are read, in every target. A missing
 * `dir` is an error: silently comparing with nothing would hide every removal. An empty `dir` is
 * an empty render, as before the first synth.
 */
export function readRender(dir: string, stacks?: ReadonlySet<string>): Map<string, any[]> {
  const render = new Map<string, any[]>();
  if (!fs.existsSync(dir)) throw new UserError([`${dir}: no such folder (expected a previous render, e.g. dist)`]);
  if (!fs.statSync(dir).isDirectory()) throw new UserError([`${dir}: not a directory (expected a previous render, e.g. dist)`]);
  const wanted = (f: string) => f.endsWith(MANIFEST_SUFFIX) && (!stacks || stacks.has(f.slice(0, -MANIFEST_SUFFIX.length)));
  const targets = fs.readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort(byCodePoint);
  for (const target of targets) {
    const files = fs.readdirSync(path.join(dir, target)).filter(wanted).sort(byCodePoint);
    if (files.length === 0) continue;
    const file = (f: string) => path.join(dir, target, f);
    render.set(target, files.flatMap((f) => parseRendered(readTextFile(file(f)), file(f))));
  }
  return render;
}

/**
 * Compares two renders. A target present on one side only has all its objects added (or
 * removed). Objects match on apiVersion + kind + namespace + name, so a renamed object is one
 * removed and one added, as a GitOps tool would prune and create it.
 */
export function planChanges(current: Map<string, any[]>, previous: Map<string, any[]>): PlanResult {
  const result: PlanResult = { targets: [], dataLoss: [], blocked: [] };
  const names = [...new Set([...current.keys(), ...previous.keys()])].sort(byCodePoint);
  for (const target of names) {
    const now = byIdentity(target, current.get(target) ?? []);
    const before = byIdentity(target, previous.get(target) ?? []);
    const entry: PlanResult['targets'][number] = { target, added: [], removed: [], changed: [] };
    for (const [key, { ref, object }] of now) {
      const old = before.get(key);
      if (!old) entry.added.push(ref);
      else if (canonical(old.object) !== canonical(object)) {
        const { refused, notes } = updateChecks(old.object, object);
        entry.changed.push({ ref, diff: fieldDiff(old.object, object), notes });
        result.blocked.push(...refused.map((reason) => ({ ref, reason })));
      }
    }
    for (const [key, { ref }] of before) if (!now.has(key)) entry.removed.push(ref);
    const remarks = engineSwitch(now, before, entry.added, entry.removed);
    if (Object.keys(remarks).length > 0) entry.remarks = remarks;
    entry.added.sort(compareRefs);
    entry.removed.sort(compareRefs);
    entry.changed.sort((a, b) => compareRefs(a.ref, b.ref));
    result.targets.push(entry);
    result.dataLoss.push(...entry.removed.filter(isDataBearing));
  }
  // Stable: the reasons of one object keep the order updateChecks gives them.
  result.blocked.sort((a, b) => byCodePoint(a.ref.target, b.ref.target) || compareRefs(a.ref, b.ref));
  return result;
}

/**
 * What the API server says to an update from `before` to `after`: `refused`, why it rejects
 * it (a PersistentVolumeClaim's storage class and access modes are fixed once created, and a
 * claim never shrinks); `notes`, what a change that passes still needs.
 */
function updateChecks(before: any, after: any): { refused: string[]; notes: string[] } {
  const refused: string[] = [];
  const notes: string[] = [];
  if (after.kind !== 'PersistentVolumeClaim') return { refused, notes };
  const was = before.spec ?? {};
  const now = after.spec ?? {};
  if (was.storageClassName !== now.storageClassName) {
    const why = was.storageClassName === undefined && typeof now.storageClassName === 'string' && now.storageClassName !== ''
      // The cluster filled in its default class when the claim was created: naming that one is no change.
      ? `the claim's class is fixed once created (unless ${now.storageClassName} is the default class the cluster gave it)`
      : 'the claim\'s class is fixed once created';
    refused.push(`spec.storageClassName changed (${shown(was.storageClassName)} -> ${shown(now.storageClassName)}): ${why}`);
  }
  if (JSON.stringify(was.accessModes) !== JSON.stringify(now.accessModes)) {
    refused.push(`spec.accessModes changed (${shown(was.accessModes)} -> ${shown(now.accessModes)}): the claim's access modes are fixed once created`);
  }
  const oldSize = was.resources?.requests?.storage;
  const newSize = now.resources?.requests?.storage;
  if (oldSize !== undefined && newSize !== undefined && String(oldSize) !== String(newSize)) {
    const from = exactQuantity(String(oldSize));
    const to = exactQuantity(String(newSize));
    const sizes = `(${shown(oldSize)} -> ${shown(newSize)})`;
    if (!to) refused.push(`spec.resources.requests.storage ${shown(newSize)} is not a quantity`);
    else if (!from) notes.push(`(size changed ${sizes}; not compared: ${shown(oldSize)} is not a quantity)`);
    else if (compareQuantities(to, from) < 0) refused.push(`spec.resources.requests.storage shrinks ${sizes}: a claim can grow, never shrink`);
    else if (compareQuantities(to, from) > 0) notes.push('(expansion: needs a storage class with allowVolumeExpansion)');
  }
  return { refused, notes };
}

/** A field's value as a reviewer reads it: `(unset)`, `""`, `[a, b]` or the value. */
function shown(value: unknown): string {
  if (value === undefined || value === null) return '(unset)';
  if (value === '') return '""';
  if (Array.isArray(value)) return `[${value.map(shown).join(', ')}]`;
  return typeof value === 'object' ? JSON.stringify(value) : String(value);
}

/** An exact Kubernetes quantity: `num / den`. */
/** Options of {@link formatPlan}. */
export interface FormatOptions {
  /** The user accepted the data loss (`--allow-data-loss`): the verdict says so, still loudly. */
  readonly allowDataLoss?: boolean;
}

/**
 * The plan as a reviewer reads it: per target a count line, then `+` added, `~` changed (with
 * its notes and `REFUSED:` reasons, then an indented diff of at most 15 lines) and `-` removed
 * objects, data-bearing removals flagged; the last line is the verdict. The same result always
 * gives the same text.
 */
export function formatPlan(result: PlanResult, options: FormatOptions = {}): string {
  const lines: string[] = [];
  const refusals = (ref: ObjectRef) => result.blocked.filter((b) => b.ref.target === ref.target && refKey(b.ref) === refKey(ref))
    .map((b) => `  REFUSED: ${b.reason}`).join('');
  for (const t of result.targets) {
    if (t.added.length + t.changed.length + t.removed.length === 0) {
      lines.push(`target ${t.target}: no changes`);
      continue;
    }
    lines.push(`target ${t.target}: ${t.added.length} added, ${t.changed.length} changed, ${t.removed.length} removed`);
    const remark = (ref: ObjectRef) => (t.remarks?.[refKey(ref)] ? `  (${t.remarks[refKey(ref)]})` : '');
    for (const ref of t.added) lines.push(`  + ${refName(ref)}${remark(ref)}`);
    for (const { ref, diff, notes } of t.changed) {
      const flags = [...notes.map((n) => `  ${n}`), refusals(ref)].join('');
      lines.push(`  ~ ${refName(ref)}${flags}`, ...shortDiff(diff).map((l) => `      ${l}`));
    }
    for (const ref of t.removed) lines.push(`  - ${refName(ref)}${isDataBearing(ref) ? `  DATA LOSS: ${LOSS_REASON[ref.kind]}${renameHint(ref, t)}` : ''}${remark(ref)}`);
  }
  if (result.targets.length === 0) lines.push('no targets on either side: nothing to compare');
  lines.push(verdict(result, options.allowDataLoss ?? false));
  return lines.join('\n');
}

/**
 * A switch of the database engine to CloudNativePG, said on the objects it concerns: an added
 * Cluster that imports (`database.importFrom`) names where from; a removed StatefulSet replaced
 * by a Cluster of the same name that does not import is said to leave its data behind.
 */
function engineSwitch(now: Map<string, { ref: ObjectRef; object: any }>, before: Map<string, { ref: ObjectRef; object: any }>, added: ObjectRef[], removed: ObjectRef[]): Record<string, string> {
  const remarks: Record<string, string> = {};
  const objectOf = (ref: ObjectRef) => (now.get(refKey(ref)) ?? before.get(refKey(ref)))?.object;
  for (const ref of added.filter((r) => r.kind === 'Cluster' && r.apiVersion.startsWith('postgresql.cnpg.io/'))) {
    const spec = objectOf(ref)?.spec ?? {};
    const source = spec.bootstrap?.initdb?.import?.source?.externalCluster;
    const host = (spec.externalClusters ?? []).find((c: any) => c?.name === source)?.connectionParameters?.host;
    if (source) remarks[refKey(ref)] = `database engine switch: CloudNativePG imports the data of ${host ?? source} (database.importFrom)`;
    const replaced = removed.find((r) => r.kind === 'StatefulSet' && r.name === ref.name && (r.namespace ?? '') === (ref.namespace ?? ''));
    if (replaced && !source) remarks[refKey(replaced)] = `database engine switch to CloudNativePG Cluster ${ref.name} without database.importFrom: the new database starts empty`;
  }
  return remarks;
}

/** True for the kinds whose deletion destroys data. */
export function isDataBearing(ref: ObjectRef): boolean {
  return (DATA_BEARING_KINDS as readonly string[]).includes(ref.kind);
}

/** The last line: refused changes first (nothing overrides them), then the data loss. */
function verdict(result: PlanResult, allowed: boolean): string {
  const { dataLoss: loss, blocked } = result;
  if (loss.length === 0 && blocked.length === 0) return 'safe: no data-bearing object is removed';
  const parts: string[] = [];
  if (blocked.length > 0) {
    const kinds = [...new Set(blocked.map((b) => b.ref.kind))].sort(byCodePoint).join(', ');
    parts.push(`REFUSED: ${blocked.length} change(s) the API server would reject (${kinds}); the apply would fail, `
      + 'so --allow-data-loss does not override this: revert them');
  }
  if (loss.length > 0) {
    const kinds = DATA_BEARING_KINDS.filter((k) => loss.some((r) => r.kind === k)).join(', ');
    const what = `${loss.length} data-bearing object(s) would be deleted (${kinds})`;
    parts.push(allowed
      ? `DATA LOSS ALLOWED (--allow-data-loss): ${what}; their data will be gone once this is applied`
      : `DATA LOSS: ${what}; re-run with --allow-data-loss if that is intended`);
  }
  return parts.join('. ');
}

/**
 * A rename guess, only when it is unambiguous: in the removed object's target (and namespace,
 * for a namespaced kind) exactly one object of its kind is removed and exactly one is added.
 * Anything else (another namespace, another target, two candidates) gets no guess.
 */
function renameHint(ref: ObjectRef, target: PlanResult['targets'][number]): string {
  const alike = (r: ObjectRef) => r.kind === ref.kind && (r.namespace ?? '') === (ref.namespace ?? '');
  const added = target.added.filter(alike);
  if (added.length !== 1 || target.removed.filter(alike).length !== 1) return '';
  return ` (renamed to ${objectPath(added[0])}? in GitOps a rename is a delete)`;
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
    const key = refKey(ref);
    if (!map.has(key)) map.set(key, { ref, object });
  }
  return map;
}

/** The identity a GitOps tool tracks an object by, within one target. */
function refKey(ref: ObjectRef): string {
  return JSON.stringify([ref.apiVersion, ref.kind, ref.namespace ?? '', ref.name]);
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
  // Required here: only `plan` diffs, and synth need not load it.
  const { structuredPatch } = require('diff') as typeof import('diff');
  const patch = structuredPatch('previous', 'current', canonical(redact(before)), canonical(redact(after)), undefined, undefined, { context: 1 });
  const hunks = patch.hunks.map((h) => h.lines.filter((l) => !l.startsWith('\\')).join('\n'));
  return hunks.length > 0 ? hunks.join(`\n${HUNK_SEPARATOR}\n`) : '(only Secret values changed; not shown)';
}

/**
 * A copy of a Secret masked whole: only its identity (kind, name, namespace, labels, type) and
 * the names of its keys and annotations stay; every other value is replaced, annotations
 * included, since `kubectl.kubernetes.io/last-applied-configuration` holds the whole Secret
 * again. Other objects are returned as they are.
 */
function redact(object: any): any {
  if (object?.kind !== 'Secret') return object;
  const masked: Record<string, unknown> = {};
  for (const [field, value] of Object.entries(object)) {
    if (field === 'apiVersion' || field === 'kind' || field === 'type') masked[field] = value;
    else if (field === 'metadata' && isObject(value)) masked.metadata = redactMetadata(value);
    else masked[field] = maskLeaves(value);
  }
  return masked;
}

/** Metadata of a Secret: identity kept, annotation values and anything else masked. */
function redactMetadata(metadata: Record<string, any>): Record<string, unknown> {
  const kept = ['name', 'namespace', 'labels', 'generateName'];
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, kept.includes(k) ? v : maskLeaves(v)]));
}

/** The same shape with every scalar replaced: key names stay, values never show. */
function maskLeaves(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(maskLeaves);
  if (isObject(value)) return Object.fromEntries(Object.keys(value).map((k) => [k, maskLeaves(value[k])]));
  return REDACTED;
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
