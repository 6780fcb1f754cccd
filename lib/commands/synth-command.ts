import * as path from 'path';
import { OutputInvalidError } from '../check/output-invalid-error';
import { defaultConfigs } from '../load/read-stack-files';
import { SynthResult, synth } from '../synth';
import { UserError } from '../user-error';
import { CONFIG_OPTION, EXIT, Invocation, runCommand } from './command';

export { EXIT };

const NO_VALIDATE_WARNING = `WARNING: --no-validate: the output was NOT checked against the Kubernetes schema, the
cross-reference rules or Pod Security Standards. Do not commit or apply it without checking.`;

const usage = ({ command, defaultConfig }: Invocation) => `usage: ${command} [--config <file-or-directory>]... [--outdir <dir>] [--no-cache]

  --config   a stack file, or a directory of stack files (*.yaml, *.yml; repeatable; default: ${defaultConfig})
  --outdir   the output folder, replaced as a whole (default: $CDK8S_OUTDIR, else dist)
  --no-cache  render every stack file (default: a stack file unchanged since the last run into
             the same --outdir, same bytes and same build of this tool, is reused from .<outdir>.cache)
  --no-validate  write the output without checking it (experts only; prints a warning; never cached)
  --help     this text`;

/** The one-screen summary printed after a successful run. */
export function summary({ outdir, files }: SynthResult): string {
  const kinds = new Map<string, number>();
  for (const file of files) {
    for (const kind of file.kinds) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  const total = [...kinds.values()].reduce((a, b) => a + b, 0);
  const perKind = [...kinds.entries()].sort(([a], [b]) => compareKinds(a, b)).map(([k, n]) => `${k} ${n}`).join(', ');
  // A fleet's summary stays one screen: the first files, then a count.
  const shown = files.slice(0, SUMMARY_FILES).map((f) => `  ${path.join(outdir, f.path)} (${f.kinds.length} objects)`);
  const more = files.length > SUMMARY_FILES ? [`  ... and ${files.length - SUMMARY_FILES} more file(s)`] : [];
  const warnings = files.flatMap((f) => (f.warnings ?? []).map((w) => `WARNING: ${path.join(outdir, f.path)}: ${w}`));
  // `--outdir out/` names the same folder as `out`: say `out/`, never `out//`.
  return [`synthesized ${files.length} file(s), ${total} objects into ${path.join(outdir, '/')}`, ...shown, ...more, `  ${perKind}`, ...warnings].join('\n');
}

const SUMMARY_FILES = 20;

/**
 * `a.localeCompare(b)` for kinds (letters and digits): the same order without ICU, whose first
 * comparison costs 9 ms, a tenth of a run with nothing to render. Case aside first, then, at the
 * first letter that differs only in case, the lowercase one first (as ICU's root collation).
 */
export function compareKinds(a: string, b: string): number {
  const la = a.toLowerCase();
  const lb = b.toLowerCase();
  if (la !== lb) return la < lb ? -1 : 1;
  return a === b ? 0 : a < b ? 1 : -1;
}

/** How `npm run synth` and `cdk8s synth` start the synth command line here: stacks/ once it holds a stack file, else examples/. */
const repository = (): Invocation => ({ command: 'main', defaultConfig: defaultConfigs()[0] });

/** The synth command line: returns the exit code; prints no stack trace for a user's mistake. */
export function main(argv: readonly string[], invocation: Invocation = repository()): number {
  return runCommand({
    usage: usage(invocation),
    options: {
      ...CONFIG_OPTION,
      outdir: { type: 'string' },
      'no-validate': { type: 'boolean' },
      'no-cache': { type: 'boolean' },
    },
    run: (values) => {
      if (values.outdir === '') throw new UserError(['--outdir: must not be empty (allowed: a folder for generated manifests, e.g. dist)']);
      if (values.config?.some((c: string) => c === '')) throw new UserError(['--config: must not be empty (allowed: a stack file or a directory of them)']);
      const validate = !values['no-validate'];
      if (!validate) process.stderr.write(`${NO_VALIDATE_WARNING}\n`);
      try {
        const result = synth({ configs: values.config?.length ? values.config : [invocation.defaultConfig], outdir: values.outdir || process.env.CDK8S_OUTDIR || 'dist', validate, cache: !values['no-cache'] });
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
