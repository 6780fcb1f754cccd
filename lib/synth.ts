import { saveCodeCaches } from './check/_code-cache';
import { fileProblems, OutputInvalidError } from './check/output-checks';
import { defaultConfigs, findStackFiles, loadStackFiles } from './load/stack-file';
import { renderStacks } from './render/render';
import { TargetFolders } from './render/target-folders';
import { StagedOutput } from './write/staged-output';

/** What a synth run wrote: each manifest file's path and the kinds of its objects. */
export interface SynthResult {
  readonly outdir: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly kinds: readonly string[]; readonly warnings?: readonly string[] }>;
}

/** Options of one synth run. */
export interface SynthOptions {
  /** Stack files or directories. @default - `stacks/` once it holds a stack file, else `examples/` */
  readonly configs?: readonly string[];
  /** The output folder, replaced as a whole. @default 'dist' */
  readonly outdir?: string;
  /** Check the output before writing it. @default true */
  readonly validate?: boolean;
}

/**
 * The whole pipeline, load -> render -> check -> write: reads and validates the stack files,
 * then renders, checks and stages one stack at a time (so memory stays flat however many there
 * are), and only when every file passed swaps the output folder: it changes only on success.
 * Prints nothing; throws UserError/ConfigError for bad input, OutputInvalidError for bad output.
 */
export function synth(options: SynthOptions = {}): SynthResult {
  const configs = options.configs?.length ? options.configs : defaultConfigs();
  const outdir = options.outdir || 'dist';
  const stacks = loadStackFiles(configs.flatMap(findStackFiles));
  const output = new StagedOutput(outdir);
  try {
    const problems: string[] = [];
    const files: Array<SynthResult['files'][number]> = [];
    const folders = new TargetFolders();
    renderStacks(stacks, (file) => {
      if (options.validate ?? true) problems.push(...fileProblems(file));
      output.write(file.path, file.content);
      folders.add(file);
      files.push({ path: file.path, kinds: file.objects.map((o) => o.kind), ...(file.warnings ? { warnings: file.warnings } : {}) });
    });
    if (problems.length > 0) throw new OutputInvalidError(problems);
    for (const file of folders.files()) output.write(file.path, file.content);
    output.commit();
    return { outdir, files };
  } catch (err) {
    output.abort();
    throw err;
  } finally {
    saveCodeCaches();
  }
}
