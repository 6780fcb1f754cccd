import { shellWords } from './shell-words';

/** The frameworks the importer recognizes (a `generic` app keeps its own command). */
export type ImportFramework = 'django' | 'flask' | 'fastapi';

/** What the app's compose `command`/`entrypoint` runs, when the importer recognizes it. */
export interface AppProcess {
  readonly framework?: ImportFramework;
  readonly server: 'gunicorn' | 'uvicorn' | 'granian' | 'uwsgi';
  /** The WSGI/ASGI callable, `module:attribute`, when the command names it. */
  readonly entrypoint?: string;
  /** The port the command listens on, when it says. */
  readonly port?: number;
  /** A development server (`runserver`, `flask run`, `--reload`) the production server replaces. */
  readonly devServer?: string;
  /** The words recognized, for the report. */
  readonly recognized: string;
}

/** Flags that take a value, per program (so the value is not taken for the app module). */
const VALUE_FLAGS: Record<string, readonly string[]> = {
  gunicorn: ['-b', '--bind', '-w', '--workers', '-k', '--worker-class', '-c', '--config', '--chdir', '-t', '--timeout', '--threads', '--log-level',
    '--access-logfile', '--error-logfile', '-e', '--env', '--max-requests', '--max-requests-jitter', '--graceful-timeout', '--keep-alive', '-n',
    '--name', '--pythonpath', '--forwarded-allow-ips', '-u', '--user', '-g', '--group', '--worker-connections', '--log-config', '-p', '--pid',
    '--worker-tmp-dir', '--limit-request-line', '--access-logformat', '--statsd-host', '--backlog'],
  uvicorn: ['--host', '--port', '--workers', '--uds', '--fd', '--loop', '--http', '--ws', '--lifespan', '--env-file', '--log-config', '--log-level',
    '--root-path', '--forwarded-allow-ips', '--timeout-keep-alive', '--limit-concurrency', '--limit-max-requests', '--backlog', '--ssl-keyfile',
    '--ssl-certfile', '--interface', '--h11-max-incomplete-event-size', '--timeout-graceful-shutdown'],
  granian: ['--interface', '--host', '--port', '--workers', '--threads', '--blocking-threads', '--runtime-threads', '--loop', '--http',
    '--log-level', '--backlog', '--working-dir', '--ssl-keyfile', '--ssl-certificate', '--url-path-prefix', '--respawn-interval'],
  uwsgi: ['--http', '--http-socket', '--module', '-w', '--socket', '-s', '--processes', '-p', '--threads', '--ini', '--chdir', '--wsgi-file',
    '--callable', '--uid', '--gid', '--static-map', '--buffer-size', '--harakiri', '--max-requests', '--env', '--workers'],
  fastapi: ['--host', '--port', '--workers', '--app', '--root-path', '--entrypoint', '-e'],
  flask: ['--app', '-A', '--host', '-h', '--port', '-p', '--cert', '--key', '--env-file', '-e'],
};

/** The program words of each shell segment, the last first (what a startup script finally execs). */
function segments(words: readonly string[]): string[][] {
  const shell = /(^|\/)(ba|da)?sh$/.test(words[0] ?? '') && words[1] === '-c' && words[2] !== undefined;
  const inner = shell ? shellWords(words[2]) ?? [] : [...words];
  const out: string[][] = [[]];
  for (const w of inner) {
    if (['&&', '||', ';', '|'].includes(w)) {
      out.push([]);
    } else if (w.endsWith(';')) {
      out[out.length - 1].push(w.slice(0, -1));
      out.push([]);
    } else {
      out[out.length - 1].push(w);
    }
  }
  return out.map(strip).filter((s) => s.length > 0).reverse();
}

/** Without `exec`, `VAR=value`, `uv run`, `poetry run`, `pipenv run`, `python -m`. */
function strip(words: string[]): string[] {
  let w = [...words];
  for (;;) {
    if (w[0] === 'exec' || /^[A-Za-z_][A-Za-z0-9_]*=/.test(w[0] ?? '')) w = w.slice(1);
    else if (['uv', 'poetry', 'pipenv', 'pdm', 'hatch', 'rye'].includes(w[0]) && w[1] === 'run') w = w.slice(2);
    else if (/^python(\d(\.\d+)?)?$/.test(w[0] ?? '') && w[1] === '-m') w = w.slice(2);
    else return w;
  }
}

/** A flag's value (`--port 8000` or `--port=8000`) and the positional words. */
function parseFlags(words: readonly string[], program: string): { flags: Map<string, string>; positional: string[]; switches: Set<string> } {
  const takesValue = new Set(VALUE_FLAGS[program] ?? []);
  const flags = new Map<string, string>();
  const switches = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    const eq = w.startsWith('-') ? w.indexOf('=') : -1;
    if (eq > 0) flags.set(w.slice(0, eq), w.slice(eq + 1));
    else if (takesValue.has(w)) flags.set(w, words[++i] ?? '');
    else if (w.startsWith('-')) switches.add(w);
    else positional.push(w);
  }
  return { flags, positional, switches };
}

const portOf = (address: string | undefined): number | undefined => {
  const match = address ? /(?:^|:)(\d{1,5})$/.exec(address) : null;
  return match ? Number(match[1]) : undefined;
};

const MODULE = /^[A-Za-z_][\w]*(\.[A-Za-z_]\w*)*(:[A-Za-z_][\w.]*(\(\))?)?$/;

/** `app/main.py` -> `app.main:app`, `app.py` -> `app:app`, `pkg:make()` as it is. */
export function pythonTarget(target: string, attribute = 'app'): string | undefined {
  if (target.includes(':')) return MODULE.test(target) ? target : undefined;
  const module = target.replace(/\.py$/, '').replace(/^\.\//, '').split('/').join('.');
  return MODULE.test(module) ? `${module}:${attribute}` : undefined;
}

/**
 * The server, app callable and port that a compose command runs, when it is one the stack can
 * run itself: gunicorn, uvicorn, granian or uWSGI with a module, `manage.py runserver`, `flask
 * run`, `fastapi run|dev`, or `python app.py` for Flask. Anything else (a script such as
 * `/start`, a config file, options the stack's command has not) is kept as the command.
 */
export function recognizeAppProcess(words: readonly string[], env: Readonly<Record<string, string>>, framework?: ImportFramework): AppProcess | undefined {
  for (const segment of segments(words)) {
    const found = recognizeSegment(segment, env, framework);
    if (found) return found;
  }
  return undefined;
}

function recognizeSegment(words: string[], env: Readonly<Record<string, string>>, framework?: ImportFramework): AppProcess | undefined {
  const program = (words[0] ?? '').split('/').pop()!;
  const rest = words.slice(1);
  const recognized = words.join(' ');
  const { flags, positional, switches } = parseFlags(rest, program);
  const reload = switches.has('--reload') ? `${program} --reload` : undefined;
  switch (program) {
    case 'gunicorn': {
      const target = positional[0];
      if (!target || flags.has('-c') || flags.has('--config')) return undefined;
      const entrypoint = target.includes(':') ? pythonTarget(target) : MODULE.test(target) ? `${target}:application` : undefined;
      if (!entrypoint) return undefined;
      const asgi = /uvicorn/i.test(flags.get('-k') ?? flags.get('--worker-class') ?? '');
      return { server: 'gunicorn', entrypoint, port: portOf(flags.get('-b') ?? flags.get('--bind')), framework: asgi && !framework ? 'fastapi' : undefined, devServer: reload, recognized };
    }
    case 'uvicorn': {
      // A factory or an --app-dir needs options the stack's uvicorn command does not pass.
      if (switches.has('--factory') || flags.has('--app-dir') || !positional[0]) return undefined;
      const entrypoint = pythonTarget(positional[0]);
      if (!entrypoint) return undefined;
      return { server: 'uvicorn', entrypoint, port: portOf(flags.get('--port')), framework: /\.(asgi|wsgi):/.test(entrypoint) ? 'django' : 'fastapi', devServer: reload, recognized };
    }
    case 'granian': {
      const entrypoint = positional[0] && pythonTarget(positional[0]);
      if (!entrypoint) return undefined;
      return { server: 'granian', entrypoint, port: portOf(flags.get('--port')), devServer: switches.has('--reload') ? 'granian --reload' : undefined, recognized };
    }
    case 'uwsgi': {
      const module = flags.get('--module') ?? flags.get('-w');
      const entrypoint = module ? (module.includes(':') ? pythonTarget(module) : MODULE.test(module) ? `${module}:application` : undefined) : undefined;
      if (!entrypoint) return undefined;
      return { server: 'uwsgi', entrypoint, port: portOf(flags.get('--http') ?? flags.get('--http-socket')), recognized };
    }
    case 'fastapi': {
      if (positional[0] !== 'run' && positional[0] !== 'dev') return undefined;
      // Without a path the fastapi CLI searches the image's files for the app: the stack cannot.
      const entrypoint = positional[1] !== undefined ? pythonTarget(positional[1], flags.get('--app') ?? 'app') : undefined;
      return { framework: 'fastapi', server: 'uvicorn', entrypoint, port: portOf(flags.get('--port')), devServer: positional[0] === 'dev' ? 'fastapi dev' : reload, recognized };
    }
    case 'flask': {
      if (!positional.includes('run')) return undefined;
      const app = flags.get('--app') ?? flags.get('-A') ?? env.FLASK_APP;
      return { framework: 'flask', server: 'gunicorn', entrypoint: app ? pythonTarget(app) : undefined, port: portOf(flags.get('--port') ?? flags.get('-p')), devServer: 'flask run', recognized };
    }
    default:
      break;
  }
  if (/^python(\d(\.\d+)?)?$/.test(program) || program === 'django-admin') {
    const args = program === 'django-admin' ? ['manage.py', ...rest] : rest;
    if (/(^|\/)manage\.py$/.test(args[0] ?? '') && args[1] === 'runserver') {
      const settings = env.DJANGO_SETTINGS_MODULE;
      return { framework: 'django', server: 'gunicorn', entrypoint: settings ? `${settings.split('.')[0]}.wsgi:application` : undefined, port: portOf(args[2]), devServer: 'manage.py runserver', recognized };
    }
    // `python app.py` runs Flask's app.run(): its development server.
    if (framework === 'flask' && /\.py$/.test(args[0] ?? '') && args.length === 1) {
      return { framework: 'flask', server: 'gunicorn', entrypoint: pythonTarget(args[0]), devServer: `python ${args[0]}`, recognized };
    }
  }
  return undefined;
}
