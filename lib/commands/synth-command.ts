import * as path from 'path';
import { EXIT, runCommand } from './command';
import { UserError } from '../user-error';
import { OutputInvalidError, fileProblems } from '../check/output-checks';
import { renderKustomization } from '../render/kustomization';
import { joinTargetReadme, renderStackSection } from '../render/target-readme';
import { StagedOutput } from '../write/staged-output';
import { findStackFiles, loadStackFiles } from '../load/stack-file';
import { renderStacks } from '../render/render';

export { EXIT };

const NO_VALIDATE_WARNING = `WARNING: --no-validate: the output was NOT checked against the Kubernetes schema, the
cross-reference rules or Pod Security Standards. Do not commit or apply it without checking.`;

const USAGE = `usage: main [--config <file-or-directory>]... [--outdir <dir>]

  --config   a stack file, or a directory of *.yaml stack files (repeatable; default: examples)
  --outdir   the output folder, replaced as a whole (default: $CDK8S_OUTDIR, else dist)
  --no-validate  write the output without checking it (experts only; prints a warning)
  --help     this text`;

/** What a synth run wrote: each file's path and the kinds of its objects. */
export interface SynthResult {
  readonly outdir: string;
  readonly files: ReadonlyArray<{ readonly path: string; readonly kinds: readonly string[]; readonly readme: string }>;
}

/** Options of one synth run. */
export interface SynthOptions {
  /** Stack files or directories. @default ['examples'] */
  readonly configs?: readonly string[];
  /** @default - $CDK8S_OUTDIR, else 'dist' */
  readonly outdir?: string;
  /** Check the output before writing it. @default true */
  readonly validate?: boolean;
}

/**
 * Reads and validates the stack files, then renders, checks and stages one stack at a time
 * (so memory stays flat however many there are), and only when every file passed swaps the
 * output folder: it changes only on success.
 */
export function synth(options: SynthOptions = {}): SynthResult {
  const configs = options.configs?.length ? options.configs : ['examples'];
  const outdir = options.outdir || process.env.CDK8S_OUTDIR || 'dist';
  const stacks = loadStackFiles(configs.flatMap(findStackFiles));
  const output = new StagedOutput(outdir);
  try {
    const problems: string[] = [];
    const files: SynthResult['files'][number][] = [];
    renderStacks(stacks, (file) => {
      if (options.validate ?? true) problems.push(...fileProblems(file));
      output.write(file.path, file.content);
      files.push({ path: file.path, kinds: file.objects.map((o) => o.kind), readme: renderStackSection(file.path, file.objects) });
    });
    if (problems.length > 0) throw new OutputInvalidError(problems);
    // Each target folder: a kustomize base, and a README with a picture of every stack in it.
    for (const [folder, inFolder] of byFolder(files)) {
      output.write(`${folder}/kustomization.yaml`, renderKustomization(inFolder.map((f) => f.path.slice(folder.length + 1))));
      output.write(`${folder}/README.md`, joinTargetReadme(folder, inFolder.map((f) => f.readme)));
    }
    output.commit();
    return { outdir, files };
  } catch (err) {
    output.abort();
    throw err;
  }
}

/** The files of each target folder, in order. */
function byFolder(files: SynthResult['files']): Map<string, Array<SynthResult['files'][number]>> {
  const folders = new Map<string, Array<SynthResult['files'][number]>>();
  for (const file of files) {
    const folder = file.path.split('/')[0];
    folders.set(folder, [...(folders.get(folder) ?? []), file]);
  }
  return folders;
}

/** The one-screen summary printed after a successful run. */
export function summary({ outdir, files }: SynthResult): string {
  const kinds = new Map<string, number>();
  for (const file of files) {
    for (const kind of file.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const perKind = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  // A fleet's summary stays one screen: the first files, then a count.
  const shown = files.slice(0, SUMMARY_FILES).map((f) => `  ${path.join(outdir, f.path)} (${f.kinds.length} objects)`);
  const more = files.length > SUMMARY_FILES ? [`  ... and ${files.length - SUMMARY_FILES} more file(s)`] : [];
  return [`synthesized ${files.length} file(s), ${total} objects into ${outdir}/`, ...shown, ...more, `  ${perKind}`].join('\n');
}

const SUMMARY_FILES = 20;

/** The synth command line: returns the exit code; prints no stack trace for a user's mistake. */
export function main(argv: readonly string[]): number {
  return runCommand({
    usage: USAGE,
    options: {
      config: { type: 'string', multiple: true },
      outdir: { type: 'string' },
      'no-validate': { type: 'boolean' },
    },
    run: (values) => {
      if (values.outdir === '') throw new UserError(['--outdir: must not be empty (allowed: a folder for generated manifests, e.g. dist)']);
      if (values.config?.some((c: string) => c === '')) throw new UserError(['--config: must not be empty (allowed: a stack file or a directory of them)']);
      const validate = !values['no-validate'];
      if (!validate) process.stderr.write(`${NO_VALIDATE_WARNING}\n`);
      try {
        const result = synth({ configs: values.config, outdir: values.outdir, validate });
        process.stdout.write(`${summary(result)}\n`);
      } catch (err) {
        if (!(err instanceof OutputInvalidError)) throw err;
        process.stderr.write(`${err.message}\nnothing was written; fix the construct that made these objects (or, at your own risk, --no-validate)\n`);
        return EXIT.failure;
      }
      if (!validate) process.stderr.write(`${NO_VALIDATE_WARNING}\n`);
      return EXIT.ok;
    },
  }, argv);
}
