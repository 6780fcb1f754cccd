import * as fs from 'fs';
import * as path from 'path';
import { formatIssue } from '../../constructs';
import { EXIT, runCommand } from './command';
import { packageFile } from '../package-files';
import { USER_STACKS, parseStackTargets } from '../load/stack-file';
import { UserError } from '../user-error';
import { initFromCompose } from './init-from-compose';

/** Where init writes stack files; the `pyweb-cdk8s` commands read this folder by default. */
export const STACKS_FOLDER = USER_STACKS;

/** The frameworks a starter stack is written for (`generic` needs a server command of its own). */
export const STARTER_FRAMEWORKS = ['django', 'flask', 'fastapi'] as const;

/** What a starter stack file is made of. */
export interface StarterOptions {
  /** The stack's name: the prefix of every object name. */
  readonly name: string;
  readonly framework: (typeof STARTER_FRAMEWORKS)[number];
  /** The app image, tagged. */
  readonly image: string;
  /** Where the JSON Schema is, relative to the stack file (for the editor's `$schema` line). */
  readonly schemaPath: string;
}

const USAGE = `usage: pyweb-cdk8s init [--name <name>] [--framework <framework>] [--image <image>] [--out <path>]
       pyweb-cdk8s init --from <docker-compose.yml> [--image <image>] [--name <name>] [--framework <framework>] [--service <service>] [--out <path>]

Writes a starter stack file (development, Postgres, generated secrets) to edit, then render with
\`pyweb-cdk8s synth\`. Its first line points editors at the packaged JSON Schema.
With --from, translates a compose file instead (production, secrets created outside git), checks
that the stack synthesizes, writes it, and prints what became of each compose key.

  --name       the stack's name, a DNS label (default: my-app; with --from, the compose file's
               name or folder)
  --framework  ${STARTER_FRAMEWORKS.join(', ')} (default: django; with --from, recognized from the
               app's command, env or image)
  --image      the app image with a tag (default: registry.example.com/<name>:0.1.0; with --from,
               the app service's image; required when the app is only built, or tagged latest)
  --from       a docker-compose.yml (compose.yaml, ...) to translate; \${VAR} values come from the
               environment, then the .env file beside it
  --service    with --from: the compose service that is the app (default: recognized)
  --out        the stack file to write; never overwritten (default: ${STACKS_FOLDER}/<name>.yaml);
               --file is the same option
  --help       this text`;

/**
 * The text of a starter stack file: the few keys a first render needs, the rest left to their
 * defaults, each choice commented with where to change it.
 */
export function starterStack(options: StarterOptions): string {
  const django = options.framework === 'django';
  return [
    `# yaml-language-server: $schema=${options.schemaPath}`,
    `# A starter stack: render it with \`npx pyweb-cdk8s synth --config <this file or its folder>\`.`,
    `# Every key, its default and its rules: the README's "Stack file reference" and the schema above.`,
    `name: ${options.name}`,
    `environment: development    # staging and production need secrets.source existing or external`,
    `web:`,
    `  image: ${options.image}`,
    `  framework: ${options.framework}`,
    `  # entrypoint: ${django ? `${options.name.replace(/-/g, '_')}.wsgi:application` : options.framework === 'flask' ? 'app:app' : 'main:app'}`,
    `  port: 8000`,
    `database: {}                 # an in-cluster Postgres; false to bring your own DATABASE_URL`,
    `secrets:`,
    `  source: generated          # development only: values generated in the cluster`,
    `  keys: [SECRET_KEY]`,
    // Only Django has a default collect command; the others say where their files are first.
    ...(django ? ['static: {}                   # an nginx sidecar serves collectstatic\'s files'] : []),
    '',
  ].join('\n');
}

/** The JSON Schema's path from a stack file's folder, for its `$schema` line. */
function schemaPathFrom(file: string): string {
  return path.relative(path.dirname(path.resolve(file)), packageFile('schema', 'stack.schema.json')).split(path.sep).join('/');
}

/** Which flag set a stack key, to name it in an error. */
const FLAG_OF: Record<string, string> = { 'name': '--name', 'web.image': '--image', 'namespace': '--name' };

/**
 * The `init` command line: writes a starter stack file, checked like any stack file first, and
 * never over an existing file. Returns the exit code.
 */
export function initMain(argv: readonly string[]): number {
  return runCommand({
    usage: USAGE,
    options: {
      name: { type: 'string' },
      framework: { type: 'string' },
      image: { type: 'string' },
      out: { type: 'string' },
      file: { type: 'string' },
      from: { type: 'string' },
      service: { type: 'string' },
    },
    run: (values) => {
      // --out is the documented name; --file, its first name, stays an alias.
      if (values.out !== undefined && values.file !== undefined) {
        throw new UserError([`--out and --file: the same option given twice (got ${JSON.stringify(values.out)} and ${JSON.stringify(values.file)}; allowed: one of them)`]);
      }
      const outFlag = values.file !== undefined ? '--file' : '--out';
      const out = values.out ?? values.file;
      if (values.framework !== undefined && !(STARTER_FRAMEWORKS as readonly string[]).includes(values.framework)) {
        throw new UserError([`--framework: unknown framework (got ${JSON.stringify(values.framework)}; allowed: ${STARTER_FRAMEWORKS.join(', ')})`]);
      }
      if (values.from !== undefined) {
        return initFromCompose({
          from: values.from,
          file: out,
          fileFlag: outFlag,
          name: values.name,
          image: values.image,
          framework: values.framework as StarterOptions['framework'] | undefined,
          service: values.service,
          stacksFolder: STACKS_FOLDER,
          schemaPathFrom: schemaPathFrom,
          env: process.env,
        });
      }
      if (values.service !== undefined) throw new UserError(['--service: only with --from (allowed: --from <compose file> --service <service>)']);
      const name = values.name ?? 'my-app';
      const framework = values.framework ?? 'django';
      const file = out || path.join(STACKS_FOLDER, `${name}.yaml`);
      if (fs.existsSync(file)) throw new UserError([`${outFlag} ${file}: already exists (allowed: a new file; init never overwrites one)`]);
      const schemaPath = schemaPathFrom(file);
      const text = starterStack({ name, framework: framework as StarterOptions['framework'], image: values.image ?? `registry.example.com/${name}:0.1.0`, schemaPath });
      // The starter is checked as synth will read it, so a bad --name or --image fails here.
      const { issues } = parseStackTargets(text);
      if (issues.length > 0) {
        throw new UserError(issues.map((i) => formatIssue({ ...i, path: FLAG_OF[i.path] ?? i.path })));
      }
      fs.mkdirSync(path.dirname(file), { recursive: true });
      fs.writeFileSync(file, text, { flag: 'wx' });
      process.stdout.write(`wrote ${file}\nnext: edit it, then npx pyweb-cdk8s synth --config ${path.dirname(file)} --outdir dist\n`);
      return EXIT.ok;
    },
  }, argv);
}
