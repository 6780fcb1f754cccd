import * as path from 'path';
import { parseArgs } from 'util';
import { ConfigError, formatIssue } from '../constructs';
import { OutputInvalidError, checkOutput } from './output-checks';
import { writeOutput } from './output';
import { findStackFiles, loadStackFiles } from './stack-file';
import { RenderedFile, buildApp, renderApp } from './synth';
import { UserError } from './user-error';

/** Exit codes of the command line. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

const NO_VALIDATE_WARNING = `WARNING: --no-validate: the output was NOT checked against the Kubernetes schema, the
cross-reference rules or Pod Security Standards. Do not commit or apply it without checking.`;

const USAGE = `usage: main [--config <file-or-directory>]... [--outdir <dir>]

  --config   a stack file, or a directory of *.yaml stack files (repeatable; default: examples)
  --outdir   the output folder, replaced as a whole (default: $CDK8S_OUTDIR, else dist)
  --no-validate  write the output without checking it (experts only; prints a warning)
  --help     this text`;

/** What a synth run did. */
export interface SynthResult {
  readonly outdir: string;
  readonly files: readonly RenderedFile[];
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

/** Reads, validates, renders, and only then writes: the output folder changes only on success. */
export function synth(options: SynthOptions = {}): SynthResult {
  const configs = options.configs?.length ? options.configs : ['examples'];
  const outdir = options.outdir || process.env.CDK8S_OUTDIR || 'dist';
  const stacks = loadStackFiles(configs.flatMap(findStackFiles));
  const files = renderApp(buildApp(stacks));
  if (options.validate ?? true) checkOutput(files);
  writeOutput(outdir, files);
  return { outdir, files };
}

/** The one-screen summary printed after a successful run. */
export function summary({ outdir, files }: SynthResult): string {
  const kinds = new Map<string, number>();
  for (const file of files) {
    for (const o of file.objects) kinds.set(o.kind, (kinds.get(o.kind) ?? 0) + 1);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const perKind = [...kinds.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(', ');
  const lines = files.map((f) => `  ${path.join(outdir, f.path)} (${f.objects.length} objects)`);
  return [`synthesized ${files.length} file(s), ${total} objects into ${outdir}/`, ...lines, `  ${perKind}`].join('\n');
}

/** The command line: returns the exit code; prints no stack trace for a user's mistake. */
export function main(argv: readonly string[]): number {
  let args;
  try {
    args = parseArgs({
      args: [...argv],
      options: {
        config: { type: 'string', multiple: true },
        outdir: { type: 'string' },
        'no-validate': { type: 'boolean' },
        help: { type: 'boolean' },
      },
      allowPositionals: false,
    });
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${USAGE}\n`);
    return EXIT.badInput;
  }
  if (args.values.help) {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  try {
    const validate = !args.values['no-validate'];
    if (!validate) process.stderr.write(`${NO_VALIDATE_WARNING}\n`);
    const result = synth({ configs: args.values.config, outdir: args.values.outdir, validate });
    process.stdout.write(`${summary(result)}\n`);
    if (!validate) process.stderr.write(`${NO_VALIDATE_WARNING}\n`);
    return EXIT.ok;
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${err.lines.join('\n')}\n`);
      return EXIT.badInput;
    }
    if (err instanceof OutputInvalidError) {
      process.stderr.write(`${err.message}\nnothing was written; fix the construct that made these objects (or, at your own risk, --no-validate)\n`);
      return EXIT.failure;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.issues.map(formatIssue).join('\n')}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
}
