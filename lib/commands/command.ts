import { ParseArgsConfig, parseArgs } from 'util';
import { ConfigError, formatIssue } from '../../constructs/_errors';
import { UserError } from '../user-error';
import { fileSystemErrorLine, isFileSystemError } from '../_fs-errors';

/** `--config <file-or-directory>`, repeatable: the stack files of every command that reads them. */
export const CONFIG_OPTION = { config: { type: 'string', multiple: true } } as const;

/** Exit codes of the command lines. */
export const EXIT = { ok: 0, failure: 1, badInput: 2 } as const;

/**
 * How a command line is started, and what it reads when no --config is given: this repository's
 * npm scripts read examples/, the installed `pyweb-cdk8s` command a user's stacks/.
 */
export interface Invocation {
  /** The command as typed, for the usage text: `main`, `pyweb-cdk8s synth`. */
  readonly command: string;
  /** The stack file or folder read when no --config is given. */
  readonly defaultConfig: string;
}

/** A command line: its usage text, its options, and what it does with them. */
export interface CommandSpec<O extends NonNullable<ParseArgsConfig['options']>> {
  readonly usage: string;
  readonly options: O;
  /** Runs the command; returns the exit code. Throws UserError/ConfigError for bad input. */
  run(values: ReturnType<typeof parseArgs<{ options: O; allowPositionals: false }>>['values']): number;
}

/**
 * Parses the arguments, prints `--help`, runs the command, and turns a user's mistake
 * (a bad flag, a UserError, a ConfigError) or a file-system error (a full disk, no permission)
 * into one message per problem on stderr and exit 2: never a stack trace. Anything else is a
 * bug and propagates.
 */
export function runCommand<O extends NonNullable<ParseArgsConfig['options']>>(spec: CommandSpec<O>, argv: readonly string[]): number {
  let values;
  try {
    values = parseArgs({ args: [...argv], options: { ...spec.options, help: { type: 'boolean' } }, allowPositionals: false }).values;
  } catch (err) {
    process.stderr.write(`${(err as Error).message}\n${spec.usage}\n`);
    return EXIT.badInput;
  }
  if ((values as { help?: boolean }).help) {
    process.stdout.write(`${spec.usage}\n`);
    return EXIT.ok;
  }
  try {
    return spec.run(values as any);
  } catch (err) {
    if (err instanceof UserError) {
      process.stderr.write(`${err.lines.join('\n')}\n`);
      return EXIT.badInput;
    }
    if (err instanceof ConfigError) {
      process.stderr.write(`${err.issues.map(formatIssue).join('\n')}\n`);
      return EXIT.badInput;
    }
    // A full disk, a read-only folder, a mount point as --outdir: one line naming the path.
    if (isFileSystemError(err)) {
      process.stderr.write(`${fileSystemErrorLine(err)}\n`);
      return EXIT.badInput;
    }
    throw err;
  }
}
