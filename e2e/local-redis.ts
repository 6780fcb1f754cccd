import * as fs from 'fs';
import * as path from 'path';
import { Proc, logTail, requireProgram, start } from '../test/_servers';
import { EnvSources, resolveContainer } from './kubelet-env';
import { K8sObject, PodSpec, User, containerNamed, containerPort, pathMap, podVolumes, processArgv, replaceOnce, run, which } from './local-pod';

// The synthesized Redis StatefulSet run as a local process: its container's command (which reads
// the password from the environment at start) with its env resolved as the kubelet does, and the
// ConfigMap's redis.conf. Only what a cluster changes is changed: Redis listens on 127.0.0.1 and a
// free port, and its container paths are folders of the test's temp dir.


export interface LocalRedis {
  readonly proc: Proc;
  /** The password the container got from its Secret. */
  readonly password: string;
  /** The container port the pod listens on (what the Service targets). */
  readonly containerPort: number;
  /** Runs redis-cli against it, authenticated as the pod's own probe is. */
  cli(args: readonly string[]): string;
}

export async function startRedis(sts: K8sObject, sources: EnvSources, root: string, port: number, user: User | undefined, logDir: string): Promise<LocalRedis> {
  // The image's PATH: the folders of Debian's redis-server and redis-cli, and the shell's.
  const REDIS_IMAGE_PATH = [...new Set([requireProgram('redis-server'), requireProgram('redis-cli')].map((p) => path.dirname(p))), '/usr/bin', '/bin'].join(':');
  const pod: PodSpec = sts.spec.template.spec;
  const c = containerNamed(pod, 'redis');
  const volumes = podVolumes(root, sts.metadata.name, pod, sources.configMaps);
  for (const dir of volumes.values()) if (user) fs.chownSync(dir, user.uid, user.gid);
  const map = pathMap(c, volumes);
  const resolved = resolveContainer(c, sources);
  const env = new Map(resolved.env);
  env.set('PATH', REDIS_IMAGE_PATH);
  const password = env.get('REDISCLI_AUTH');
  if (!password) throw new Error('the Redis container has no password in REDISCLI_AUTH');

  // The config file the command names (a ConfigMap volume): listen on loopback and a free port,
  // data in the data volume's folder.
  const argv = [...resolved.command, ...resolved.args];
  const confPath = argv.find((a) => a.endsWith('/redis.conf'));
  if (!confPath || !map(confPath)) throw new Error('the Redis command names no mounted redis.conf');
  const pod6379 = containerPort(c, 'redis');
  let conf = fs.readFileSync(map(confPath)!, 'utf8');
  conf = replaceOnce(conf, 'bind * -::*', 'bind 127.0.0.1');
  conf = replaceOnce(conf, `port ${pod6379}`, `port ${port}`);
  const dataDir = /^dir (\S+)$/m.exec(conf)![1];
  conf = replaceOnce(conf, `dir ${dataDir}`, `dir ${map(dataDir)}`);
  fs.writeFileSync(map(confPath)!, conf);
  const command = argv.map((a) => (a === confPath ? map(a)! : a));
  command[0] = which(command[0], REDIS_IMAGE_PATH);

  const log = path.join(logDir, 'redis.log');
  const [bin, ...args] = processArgv(command, env, root, user);
  const proc = start('redis', bin, args, 'SIGTERM', log);

  // Ready when the StatefulSet's own readiness probe command says so (its port argument mapped).
  const probe = c.readinessProbe!.exec!.command.map((a, i, all) => (i === all.length - 1 && a === String(pod6379) ? String(port) : a));
  const probeEnv = new Map([['PATH', REDIS_IMAGE_PATH], ['REDISCLI_AUTH', password]]);
  const deadline = Date.now() + 10_000;
  for (;;) {
    if (proc.exit !== undefined) throw new Error(`redis stopped (${proc.exit}):\n${logTail(proc)}`);
    if (run(processArgv([which(probe[0], REDIS_IMAGE_PATH), ...probe.slice(1)], probeEnv, root), { logFile: path.join(logDir, 'redis-probe.log'), check: false, timeoutMs: 5_000 }).status === 0) break;
    if (Date.now() > deadline) throw new Error(`redis not ready after 10 s:\n${logTail(proc)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
  const cli = (cliArgs: readonly string[]) => run(processArgv([which('redis-cli', REDIS_IMAGE_PATH), '-h', '127.0.0.1', '-p', String(port), ...cliArgs], probeEnv, root),
    { logFile: path.join(logDir, 'redis-cli.log'), timeoutMs: 5_000 }).output.trim();
  return { proc, password, containerPort: pod6379, cli };
}
