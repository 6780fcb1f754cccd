import { didYouMean } from '../../constructs/_errors';
import { USER_STACKS } from '../load/read-stack-files';
import { loadOnce } from '../_load-once';
import { EXIT, Invocation } from './command';
import { main } from './synth-command';

// plan and init are loaded when run: synth with every stack file unchanged loads neither them
// nor what they need (cdk8s, the YAML reader; see lib/synth.ts).
const plan = loadOnce((): typeof import('./plan-command') => require('./plan-command'));
const init = loadOnce((): typeof import('./init-command') => require('./init-command'));

/** One subcommand of `pyweb-cdk8s`: what it does, in a line, and its own command line. */
interface Subcommand {
  readonly summary: string;
  run(argv: readonly string[]): number;
}

/** Without --config, synth and plan read the folder `init` writes to. */
const as = (command: string): Invocation => ({ command: `pyweb-cdk8s ${command}`, defaultConfig: USER_STACKS });

/** The subcommands, in the order `--help` lists them; each parses its own flags. */
const COMMANDS: Record<string, Subcommand> = {
  synth: { summary: 'render the stack files into checked Kubernetes manifests, one folder per target', run: (argv) => main(argv, as('synth')) },
  plan: { summary: 'compare a render with a previous one; exit 3 when data would be lost', run: (argv) => plan().planMain(argv, as('plan')) },
  init: { summary: 'write a starter stack file', run: (argv) => init().initMain(argv) },
};

const USAGE = `usage: pyweb-cdk8s <command> [options]

commands:
${Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(6)} ${c.summary}`).join('\n')}

\`pyweb-cdk8s <command> --help\` lists a command's options.`;

/** The `pyweb-cdk8s` command line: dispatches to a subcommand and returns its exit code. */
export function cli(argv: readonly string[]): number {
  const [name, ...rest] = argv;
  if (name === undefined) {
    process.stderr.write(`missing command (allowed: ${Object.keys(COMMANDS).join(', ')})\n${USAGE}\n`);
    return EXIT.badInput;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return EXIT.ok;
  }
  const command = Object.prototype.hasOwnProperty.call(COMMANDS, name) ? COMMANDS[name] : undefined;
  if (!command) {
    const known = Object.keys(COMMANDS);
    const hint = didYouMean(name, known);
    process.stderr.write(`unknown command ${JSON.stringify(name)}${hint ? `; did you mean '${hint}'?` : ''} (allowed: ${known.join(', ')})\n${USAGE}\n`);
    return EXIT.badInput;
  }
  return command.run(rest);
}
