import { saveCodeCaches } from './check/_code-cache';
import { loadOnce } from './_load-once';
import { OutputInvalidError } from './check/output-invalid-error';
import { StackFile, defaultConfigs, findStackFiles, readStackFiles } from './load/read-stack-files';
import type { RenderedFile } from './render/render';
import { TargetFolders } from './render/target-folders';
import { CachedTarget, RenderCache } from './write/render-cache';
import { StagedOutput, outputTarget } from './write/staged-output';

// What renders and checks (the constructs, cdk8s, the validators) is loaded when a stack file is
// rendered, not before: a run that reuses every stack file from the render cache loads none of it.
const render = loadOnce((): typeof import('./render/render') => require('./render/render'));
const checks = loadOnce((): typeof import('./check/output-checks') => require('./check/output-checks'));

/** What a synth run wrote: each manifest file's path and the kinds of its objects. */
export interface SynthResult {
  readonly outdir: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly kinds: readonly string[]; readonly warnings?: readonly string[] }>;
  /** How many stack files were rendered, and how many reused from the render cache unchanged. */
  readonly stackFiles?: { readonly rendered: number; readonly reused: number };
}

/** Options of one synth run. */
export interface SynthOptions {
  /** Stack files or directories. @default - `stacks/` once it holds a stack file, else `examples/` */
  readonly configs?: readonly string[];
  /** The output folder, replaced as a whole. @default 'dist' */
  readonly outdir?: string;
  /** Check the output before writing it. @default true */
  readonly validate?: boolean;
  /**
   * Reuse the render of stack files unchanged since the last run into this output folder (see
   * `RenderCache`); false renders every stack file and neither reads nor writes the cache. A
   * run without validation never uses it.
   * @default true
   */
  readonly cache?: boolean;
}

/**
 * The whole pipeline, load -> render -> check -> write: reads and validates the stack files,
 * then renders, checks and stages one stack at a time (so memory stays flat however many there
 * are), and only when every file passed swaps the output folder: it changes only on success.
 * A stack file whose bytes, path and tool build are those of the previous run into the same
 * output folder is not rendered again: its files come from the render cache, byte for byte what
 * a render would write. Prints nothing; throws UserError/ConfigError for bad input,
 * OutputInvalidError for bad output.
 */
export function synth(options: SynthOptions = {}): SynthResult {
  const configs = options.configs?.length ? options.configs : defaultConfigs();
  const outdir = options.outdir || 'dist';
  const validate = options.validate ?? true;
  const stackFiles = configs.flatMap(findStackFiles);
  // Stack files are read (and those not in the cache validated) before the output folder is
  // touched, its lock included: bad input changes nothing.
  const target = validate && (options.cache ?? true) ? outputTarget(outdir) : undefined;
  const cache = target ? new RenderCache(target) : undefined;
  const read = readStackFiles(stackFiles, (file, text) => cache?.get(cache.keyOf(file, text)));
  const output = new StagedOutput(outdir);
  if (cache && !cache.stillValid()) {
    // Another run replaced the cache between the look-up and the lock: render everything.
    output.abort();
    return synth({ ...options, cache: false });
  }
  try {
    const problems: string[] = [];
    const files: Array<SynthResult['files'][number]> = [];
    const folders = new TargetFolders();
    const reuse = (target: CachedTarget) => {
      output.link(target.path, cache!.manifestFile(target));
      folders.addSection(target.path, target.readme);
      files.push({ path: target.path, kinds: target.kinds, ...(target.warnings ? { warnings: target.warnings } : {}) });
    };
    // Stack files in their order, each reused or rendered, so the output is the same either way:
    // before a rendered file, the reused ones that precede it.
    let next = 0;
    const reuseBefore = (index: number) => {
      for (; next < index; next++) for (const target of read[next].reused?.targets ?? []) reuse(target);
    };
    const toRender = read.flatMap((r, index) => r.stacks.map((stack, t) => ({
      stack, index, key: cache ? cache.keyOf(r.file, r.text) : '', last: t === r.stacks.length - 1,
    })));
    let targets: CachedTarget[] = [];
    renderStacksWith(toRender, ({ stack, index, key, last }, file) => {
      reuseBefore(index);
      if (validate) problems.push(...checks().fileProblems(file));
      const readme = TargetFolders.sectionOf(file);
      const kinds = file.objects.map((o) => o.kind);
      const warnings = file.warnings ? { warnings: file.warnings } : {};
      folders.addSection(file.path, readme);
      files.push({ path: file.path, kinds, ...warnings });
      // Kept in the cache and linked from there; described in the cache once the run succeeds.
      const manifest = cache?.writeManifest(key, targets.length, file.content);
      if (!cache || !manifest) {
        output.write(file.path, file.content);
        if (last) targets = [];
        return;
      }
      const target: CachedTarget = { target: stack.target, name: stack.stack!.name, namespace: stack.stack!.namespace, path: file.path, kinds, ...warnings, readme, manifest };
      output.link(file.path, cache.manifestFile(target));
      targets.push(target);
      if (last) {
        cache.add(key, { targets });
        targets = [];
      }
    });
    reuseBefore(read.length);
    if (problems.length > 0) throw new OutputInvalidError(problems);
    for (const file of folders.files()) output.write(file.path, file.content);
    output.commit();
    cache?.commit();
    const reused = read.filter((r) => r.reused).length;
    return { outdir, files, stackFiles: { rendered: read.length - reused, reused } };
  } catch (err) {
    output.abort();
    throw err;
  } finally {
    saveCodeCaches();
  }
}

/** `renderStacks` over the items' stacks, handing each file with the item it came from. */
function renderStacksWith<T extends { readonly stack: StackFile }>(items: readonly T[], onFile: (item: T, file: RenderedFile) => void): void {
  if (items.length === 0) return;
  let i = 0;
  render().renderStacks(items.map((item) => item.stack), (file) => onFile(items[i++], file));
}
