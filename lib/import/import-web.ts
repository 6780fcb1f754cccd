import * as fs from 'fs';
import * as path from 'path';
import { DEFAULT_WEB_PORT } from '../../constructs';
import { readTextFile } from '../_text-file';
import { dockerfileProcess } from './dockerfile';
import { RESERVED_VOLUME_KEYS } from '../../constructs/app-volumes';
import { ComposeService } from './compose-file';
import { AppProcess, ImportFramework, recognizeAppProcess } from './app-process';
import { ImportReport } from './import-report';
import { imageRepository } from './service-roles';

/** The app service's process, port, probes and user, as stack keys. */
export interface ImportedWeb {
  readonly web: Record<string, unknown>;
  readonly framework?: ImportFramework;
  /** Whether the stack knows what to run: a framework, a recognized server, or the command as written. */
  readonly runnable: boolean;
}

const HEALTH_URL = /(?:https?:\/\/)?(?:localhost|127\.0\.0\.1|0\.0\.0\.0|\[::1\])(?::\d+)?(\/[A-Za-z0-9._~/-]*)/;
const TRAEFIK_PORT = /^traefik\.http\.services\.[^.]+\.loadbalancer\.server\.port$/;

/** The framework an app's env or image says, when its command does not. */
export function frameworkHint(service: ComposeService, env: Readonly<Record<string, string>>): ImportFramework | undefined {
  const names = Object.keys(env);
  if (names.some((n) => n.startsWith('DJANGO_')) || (service.command ?? []).some((w) => /manage\.py$/.test(w))) return 'django';
  if (names.some((n) => n.startsWith('FLASK_'))) return 'flask';
  if (/fastapi/.test(imageRepository(service.image)) || names.some((n) => n.startsWith('FASTAPI_'))) return 'fastapi';
  return undefined;
}

/**
 * `web` from the app service: the server command the stack builds when the compose command is
 * one it recognizes (a development server replaced by the production one), else the command as
 * it is; the container port; the HTTP healthcheck's path; a numeric `user`.
 */
export function importWeb(app: ComposeService, env: Readonly<Record<string, string>>, framework: ImportFramework | undefined, report: ImportReport, composeDir: string): ImportedWeb {
  const at = `services.${app.name}`;
  const web: Record<string, unknown> = {};
  const words = [...(app.entrypoint ?? []), ...(app.command ?? [])];
  // Without a command in the compose file, the image's own CMD says what runs, when its Dockerfile is here.
  const image = words.length ? undefined : imageProcess(app, composeDir);
  const hint = framework ?? frameworkHint(app, env);
  const process: AppProcess | undefined = words.length ? recognizeAppProcess(words, env, hint) : image && recognizeAppProcess(image.words, env, hint);
  const chosen = framework ?? process?.framework ?? frameworkHint(app, env);
  const keyOf = app.entrypoint ? `${at}.entrypoint` : image && process ? `${at}.build` : `${at}.command`;
  if (chosen) web.framework = chosen;
  if (process) {
    if (process.server !== 'gunicorn') web.server = process.server;
    if (process.entrypoint) web.entrypoint = process.entrypoint;
    const what = `web.framework ${chosen ?? 'generic'}, web.server ${process.server}${process.entrypoint ? `, web.entrypoint ${process.entrypoint}` : ''}: the stack's ${process.server} command`;
    const from = image ? `the CMD of ${image.file} (${JSON.stringify(process.recognized)}) is recognized: ` : '';
    report.add(keyOf, 'replaced', `${from}${process.devServer
      ? `${what} replaces ${process.devServer}, a development server (reloader, debug, one process)`
      : `${what} (listens on $(PORT) with $(WEB_CONCURRENCY) workers, stops gracefully)`}`);
    if (app.entrypoint && app.command) report.add(`${at}.command`, 'replaced', 'part of the server command above');
  } else if (words.length) {
    // Unrecognized (a start script, a config file): kept. compose's entrypoint replaces the
    // image's ENTRYPOINT like web.command; its command alone is the image ENTRYPOINT's arguments.
    if (app.entrypoint) web.command = words;
    else web.args = words;
    report.add(keyOf, 'flagged', `${app.entrypoint ? 'web.command' : 'web.args (the image\'s ENTRYPOINT stays)'} ${JSON.stringify(words)}, as written: the stack cannot see what it runs; it must listen on web.port and stop on SIGTERM`);
    if (app.entrypoint && app.command) report.add(`${at}.command`, 'translated', 'part of web.command above');
  }
  if (process && !process.entrypoint && chosen) {
    report.add(keyOf, 'flagged', `web.entrypoint: not in the command; the stack's default for ${chosen} is used (see the README): check it`);
  } else if (!process && !words.length && chosen) {
    if (image) report.add(`${at}.build`, 'replaced', `the CMD of ${image.file} (${JSON.stringify(image.words.join(' '))}) is not a server the importer knows: the stack's ${chosen} command replaces it`);
    report.add(at, 'flagged', `no command: the stack's ${chosen} server command with its default entrypoint${chosen === 'django' ? ' (<name>.wsgi:application)' : chosen === 'flask' ? ' (app:app)' : ' (main:app)'}; set web.entrypoint if yours differs`);
  }
  web.port = importPort(app, process, !!web.command || !!web.args, report);
  const health = app.healthcheck?.join(' ').match(HEALTH_URL)?.[1];
  if (health) {
    web.healthPath = health;
    report.add(`${at}.healthcheck`, 'translated', `web.healthPath ${health}: the readiness and startup probes`);
  } else {
    const key = app.keys.healthcheck !== undefined ? `${at}.healthcheck` : at;
    if (app.keys.healthcheck !== undefined) report.add(key, 'dropped', 'not an HTTP check: the stack probes web.healthPath over HTTP');
    report.add(key, 'flagged', `${app.keys.healthcheck === undefined ? 'no healthcheck: ' : ''}web.healthPath /healthz (the stack's default): the app must answer it with 200, or set web.healthPath`);
  }
  const user = typeof app.keys.user === 'string' ? /^(\d+)(?::(\d+))?$/.exec(app.keys.user) : null;
  if (user && Number(user[1]) > 0) {
    web.runAsUser = Number(user[1]);
    if (user[2] && Number(user[2]) > 0) web.runAsGroup = Number(user[2]);
    report.add(`${at}.user`, 'translated', `web.runAsUser${user[2] ? '/runAsGroup' : ''}`);
  } else if (app.keys.user !== undefined) {
    report.add(`${at}.user`, 'replaced', 'uid 10001 (web.runAsUser): Pod Security restricted runs no container as root, and Kubernetes needs a number');
  }
  return { web, framework: chosen, runnable: !!chosen || !!process || words.length > 0 };
}

/** The ENTRYPOINT and CMD of the app's Dockerfile, when the build's Dockerfile is beside the compose file. */
function imageProcess(app: ComposeService, composeDir: string): { words: string[]; file: string } | undefined {
  if (!app.build) return undefined;
  const file = path.join(composeDir, app.build.context, app.build.dockerfile);
  if (!fs.existsSync(file) || !fs.statSync(file).isFile()) return undefined;
  const { entrypoint, command } = dockerfileProcess(readTextFile(file));
  const words = [...(entrypoint ?? []), ...(command ?? [])];
  return words.length ? { words, file: path.relative(composeDir, file) || file } : undefined;
}

function importPort(app: ComposeService, process: AppProcess | undefined, ownCommand: boolean, report: ImportReport): number {
  const at = `services.${app.name}`;
  const tcp = [...app.ports, ...app.expose].filter((p) => p.protocol === 'tcp');
  const label = Object.entries(app.labels).find(([k]) => TRAEFIK_PORT.test(k));
  const found = tcp[0]
    ? { port: tcp[0].target, from: tcp[0].from }
    : process?.port ? { port: process.port, from: `${at}.command` }
      : label && /^\d+$/.test(label[1]) ? { port: Number(label[1]), from: `${at}.labels` } : undefined;
  for (const p of [...app.ports, ...app.expose]) {
    if (p !== tcp[0]) report.add(p.from, 'dropped', p.protocol !== 'tcp' ? `${p.protocol}: the web Service is HTTP over TCP` : 'one port per app: the first is web.port');
  }
  if (tcp[0] && app.ports.includes(tcp[0])) report.add(`${at}.ports`, 'flagged', 'published on the host: in the cluster only the Service is reachable; add ingress: {host: ...} to expose the app');
  if (!found) {
    report.add(at, 'flagged', `no port: web.port ${DEFAULT_WEB_PORT} (the stack's default)${ownCommand ? ': the command must listen on it' : ''}`);
    return DEFAULT_WEB_PORT;
  }
  if (found.port < 1024) {
    report.add(found.from, ownCommand ? 'flagged' : 'replaced', `web.port ${DEFAULT_WEB_PORT}: ${found.port} is below 1024, which a non-root container cannot listen on${ownCommand ? ': make the command listen on ${DEFAULT_WEB_PORT}' : ''}`);
    return DEFAULT_WEB_PORT;
  }
  report.add(found.from, 'translated', `web.port ${found.port} (${found.from.endsWith('.labels') ? 'the port its Traefik label names; the other labels configure Docker tools' : found.from.endsWith('.command') ? 'the port the command binds' : 'the container side'})`);
  return found.port;
}

/**
 * A stack key (a volume's, a worker's) from a compose name: a DNS label of at most `max`
 * characters that the stack does not use itself and that is not taken yet.
 */
export function volumeKey(source: string, taken: ReadonlySet<string>, max = 40): string {
  const fit = (text: string, length: number) => text.slice(0, length).replace(/-+$/, '');
  let key = fit(source.toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^[^a-z]+/, ''), max);
  if (!key || RESERVED_VOLUME_KEYS.includes(key)) key = fit(`data${key ? `-${key}` : ''}`, max);
  let candidate = key;
  for (let n = 2; taken.has(candidate); n++) candidate = `${fit(key, max - String(n).length - 1)}-${n}`;
  return candidate;
}
