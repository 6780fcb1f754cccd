import { ComposeService } from './compose-file';
import type { AppVolumes } from './compose-import';
import { EnvContext, importEnv } from './import-env';
import { ImportReport } from './import-report';
import { shellWords } from './shell-words';

/** Where beat keeps its schedule in the stack's pods (the working folder is read-only). */
const BEAT_SCHEDULE = '--schedule=/tmp/celerybeat-schedule';

/** A `celery` command line: its app (`-A`), its subcommand, and whether it names a schedule file. */
export function celeryProcess(words: readonly string[]): { app?: string; sub?: string; hasSchedule: boolean; inShell: boolean } | undefined {
  const shell = /(^|\/)(ba|da)?sh$/.test(words[0] ?? '') && words[1] === '-c' && words[2] !== undefined;
  const all = shell ? shellWords(words[2]) ?? [] : words;
  const start = all.findIndex((w) => w.split('/').pop() === 'celery');
  if (start < 0) return undefined;
  const rest = all.slice(start + 1);
  let app: string | undefined;
  let sub: string | undefined;
  for (let i = 0; i < rest.length; i++) {
    const w = rest[i];
    if (w === '-A' || w === '--app') app = rest[++i];
    else if (w.startsWith('--app=')) app = w.slice(6);
    else if (w.startsWith('-A') && w.length > 2) app = w.slice(2);
    else if (!w.startsWith('-') && sub === undefined) sub = w;
  }
  return { app, sub, hasSchedule: rest.some((w) => w === '-s' || w === '--schedule' || w.startsWith('--schedule=')), inShell: shell };
}

/**
 * A worker (or beat) running the web image: its command, and of its env only what differs
 * from the web's (a worker gets the web's env, secrets and wiring anyway).
 */
export function importWorker(s: ComposeService, key: string, role: 'worker' | 'beat', webEnv: Readonly<Record<string, string>>, appVolumes: AppVolumes, mountedBy: Map<string, string[]>, secretKeys: string[], redisEnv: string[], ctx: EnvContext): Record<string, unknown> {
  const at = `services.${s.name}`;
  const { report } = ctx;
  const env = importEnv(s.environment, { ...ctx, report: new ImportReport() });
  redisEnv.push(...env.redisEnv);
  const own = Object.fromEntries(Object.entries(env.env).filter(([k, v]) => webEnv[k] !== v));
  for (const name of env.secretKeys.filter((k) => !secretKeys.includes(k))) {
    secretKeys.push(name);
    report.add(s.environment.find((v) => v.name === name)!.from, 'replaced', `secrets.keys: ${name} looks like a secret: its value is not written; it goes into the Secret`);
  }
  for (const name of Object.keys(own)) report.add(s.environment.filter((v) => v.name === name).pop()!.from, 'translated', `workers.${key}.env.${name}`);
  for (const k of ['environment', 'env_file']) {
    if (s.keys[k] !== undefined) report.add(`${at}.${k}`, 'replaced', `the web's env, secrets and database settings, which every worker gets${Object.keys(own).length ? ', plus the lines above' : ''}`);
  }
  const written = [...(s.entrypoint ?? []), ...(s.command ?? [])];
  const celery = celeryProcess(written);
  const keyOf = s.command ? `${at}.command` : at;
  // Beat writes its schedule file into the working folder, which is read-only in the stack's pods.
  const command = celery?.sub === 'beat' && !celery.hasSchedule && !celery.inShell ? [...written, BEAT_SCHEDULE] : written;
  report.add(keyOf, 'translated', `workers.${key}.command${role === 'beat' ? ', singleton (one pod, never two schedulers)' : ''}: runs the web image with the web's env, secrets, database and Redis`);
  if (command !== written) report.add(keyOf, 'replaced', `workers.${key}.command ends in ${BEAT_SCHEDULE}: the root file system is read-only, /tmp is writable`);
  const healthCommand = celery?.sub === 'worker' && celery.app ? ['sh', '-c', `celery -A ${celery.app} inspect ping -d "celery@$HOSTNAME"`] : undefined;
  if (healthCommand) report.add(keyOf, 'replaced', `workers.${key}.healthCommand: celery inspect ping as the liveness probe`);
  else report.add(keyOf, 'flagged', `no liveness probe for workers.${key} (Polaris warns livenessProbeMissing): set workers.${key}.healthCommand to a command that fails when it hangs, e.g. [sh, -c, 'celery -A <app> inspect ping -d "celery@$HOSTNAME"'] for a Celery worker`);
  for (const k of ['build', 'image']) if (s.keys[k] !== undefined) report.add(`${at}.${k}`, 'replaced', 'workers run the web image');
  const mediaSource = appVolumes.media;
  const mountMedia = mediaSource !== undefined && s.volumes.some((v) => v.source === mediaSource);
  for (const v of s.volumes) {
    const volume = v.source !== undefined ? appVolumes.keys.get(v.source) : undefined;
    if (v.source !== undefined && v.source === mediaSource) {
      report.add(v.from, 'translated', `workers.${key}.mountMedia`);
    } else if (volume) {
      mountedBy.set(volume, [...(mountedBy.get(volume) ?? []), key]);
      report.add(v.from, 'translated', `volumes.${volume}.mountIn: workers.${key}`);
    } else {
      report.add(v.from, 'dropped', v.type === 'bind' ? 'a bind mount: development only' : 'a volume the app does not mount: add it to volumes with mountIn: [workers.<key>] if the worker needs it');
    }
  }
  return {
    command,
    ...(role === 'beat' ? { singleton: true } : {}),
    ...(Object.keys(own).length ? { env: own } : {}),
    ...(mountMedia ? { mountMedia: true } : {}),
    ...(healthCommand ? { healthCommand } : {}),
  };
}
