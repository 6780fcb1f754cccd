import * as fs from 'fs';
import * as path from 'path';
import { formatIssue } from '../../constructs';
import { EXIT } from './command';
import { fileProblems } from '../check/output-checks';
import { readComposeFile } from '../import/compose-file';
import { ComposeImportOptions, importCompose } from '../import/compose-import';
import { formatReport, secretCommand } from '../import/import-report';
import { importedStackText } from '../import/stack-text';
import { parseStackTargets } from '../load/stack-file';
import { renderStacks } from '../render/render';
import { UserError } from '../user-error';

/** What `init --from` needs besides the compose file. */
export interface InitFromComposeOptions extends ComposeImportOptions {
  /** The compose file. */
  readonly from: string;
  /** The stack file to write, or undefined for `<stacks folder>/<name>.yaml`. */
  readonly file?: string;
  /** The flag that gave `file` (`--out` or its alias `--file`), to name it in an error. */
  readonly fileFlag: string;
  readonly stacksFolder: string;
  /** The stack file's path to the JSON Schema, from the stack file's folder. */
  schemaPathFrom(file: string): string;
  /** Where `${VAR}` values come from besides the `.env` file (the shell's environment). */
  readonly env: Readonly<Record<string, string | undefined>>;
}

/**
 * `init --from`: reads the compose file, translates it, checks the stack as synth reads it and
 * renders it with every output check, and only then writes the stack file. Prints the report,
 * the Secret to create and the next step. A stack the importer wrote that does not validate or
 * render is the importer's bug: exit 1, nothing written.
 */
export function initFromCompose(options: InitFromComposeOptions): number {
  const project = readComposeFile(options.from, options.env);
  const result = importCompose(project, options);
  const file = options.file || path.join(options.stacksFolder, `${result.name}.yaml`);
  if (fs.existsSync(file)) throw new UserError([`${options.fileFlag} ${file}: already exists (allowed: a new file; init never overwrites one)`]);
  const text = importedStackText(result, options.from, options.schemaPathFrom(file));
  const { targets, issues } = parseStackTargets(text);
  // The values the user gave as flags are theirs to fix; anything else is the importer's fault.
  const byFlag = issues.filter((i) => (i.path === 'name' && options.name !== undefined) || (i.path === 'web.image' && options.image !== undefined));
  if (byFlag.length > 0) throw new UserError(byFlag.map((i) => formatIssue({ ...i, path: i.path === 'name' ? '--name' : '--image' })));
  const fromCompose = issues.filter((i) => i.path === 'name' || i.path === 'web.image');
  if (fromCompose.length > 0) {
    throw new UserError(fromCompose.map((i) => `${options.from}: ${formatIssue({ ...i, path: i.path === 'name' ? 'name (the stack name, from the compose file\'s name or folder)' : `services.${result.appService}.image` })}${i.path === 'name' ? '; pass --name' : '; pass --image'}`));
  }
  const problems = issues.map((i) => `stack: ${formatIssue(i)}`);
  let objects = 0;
  if (problems.length === 0) {
    renderStacks(targets.map((t) => ({ file, ...t })), (f) => {
      objects += f.objects.length;
      problems.push(...fileProblems(f));
    });
  }
  if (problems.length > 0) {
    process.stderr.write(`${[`the stack translated from ${options.from} does not synthesize: this is a bug of the importer, please report it with the compose file; nothing was written`, ...problems].join('\n')}\n`);
    return EXIT.failure;
  }
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { flag: 'wx' });
  for (const w of project.warnings) process.stderr.write(`warning: ${w}\n`);
  const namespace = targets[0].stack.namespace;
  process.stdout.write([
    `wrote ${file} from ${options.from} (synthesized: ${objects} objects, every output check passed)`,
    formatReport(result.report, result.choices),
    `before the first deploy, create the Secret the stack reads (placeholders: the compose file's values are written nowhere):`,
    secretCommand(namespace, `${result.name}-secrets`, result.secretKeys),
    `next: read the flagged lines, then npx pyweb-cdk8s synth --config ${file} --outdir dist`,
    '',
  ].join('\n'));
  return EXIT.ok;
}
