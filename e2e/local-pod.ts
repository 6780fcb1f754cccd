import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ContainerSpec } from './kubelet-env';

// Running a synthesized pod's containers as local processes: where each container path lives
// on this machine (the pod's volumes as folders of a temp dir, the image's WORKDIR as the app's
// source folder), which binary a command name means, and how a process gets exactly its
// container's environment (env -i) and, for Postgres, an unprivileged user (setpriv).

export interface K8sObject {
  readonly apiVersion: string;
  readonly kind: string;
  readonly metadata: { readonly name: string; readonly namespace?: string; readonly labels?: Record<string, string> };
  readonly spec?: any;
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}

export interface Probe {
  readonly httpGet?: { readonly path: string; readonly port: number | string };
  readonly exec?: { readonly command: string[] };
  readonly tcpSocket?: { readonly port: number | string };
}

export interface Container extends ContainerSpec {
  readonly image: string;
  readonly ports?: readonly { readonly name?: string; readonly containerPort: number }[];
  readonly volumeMounts?: readonly { readonly name: string; readonly mountPath: string; readonly subPath?: string; readonly readOnly?: boolean }[];
  readonly readinessProbe?: Probe;
  readonly livenessProbe?: Probe;
  readonly startupProbe?: Probe;
}

export interface PodSpec {
  readonly containers: readonly Container[];
  readonly initContainers?: readonly Container[];
  readonly volumes?: readonly {
    readonly name: string;
    readonly emptyDir?: unknown;
    readonly persistentVolumeClaim?: { readonly claimName: string };
    readonly configMap?: { readonly name: string; readonly items?: readonly { readonly key: string; readonly path: string }[] };
  }[];
}

/** The only object of a kind (optionally matching a predicate); throws unless there is exactly one. */
export function only(objects: readonly K8sObject[], kind: string, where: (o: K8sObject) => boolean = () => true): K8sObject {
  const found = objects.filter((o) => o.kind === kind && where(o));
  if (found.length !== 1) throw new Error(`expected exactly one ${kind} in the manifest, found ${found.length}`);
  return found[0];
}

export function containerNamed(pod: PodSpec, name: string): Container {
  const c = [...pod.containers, ...(pod.initContainers ?? [])].find((x) => x.name === name);
  if (!c) throw new Error(`no container '${name}' in the pod`);
  return c;
}

/** A container port by name (as probes and Services refer to it) or number. */
export function containerPort(container: Container, port: number | string): number {
  if (typeof port === 'number') return port;
  const p = container.ports?.find((x) => x.name === port);
  if (!p) throw new Error(`container '${container.name}' has no port named '${port}'`);
  return p.containerPort;
}

/** A folder on this machine for every volume of a pod; a PVC's folder is shared by every pod that claims it. */
export function podVolumes(root: string, podName: string, pod: PodSpec, configMaps: ReadonlyMap<string, Record<string, string>>): Map<string, string> {
  const dirs = new Map<string, string>();
  for (const v of pod.volumes ?? []) {
    let dir: string;
    if (v.persistentVolumeClaim) {
      dir = path.join(root, 'pvc', v.persistentVolumeClaim.claimName);
    } else if (v.emptyDir !== undefined) {
      dir = path.join(root, 'pods', podName, 'emptydir', v.name);
    } else if (v.configMap) {
      dir = path.join(root, 'pods', podName, 'configmap', v.name);
      const data = configMaps.get(v.configMap.name);
      if (!data) throw new Error(`volume '${v.name}': no ConfigMap '${v.configMap.name}' in the manifest`);
      fs.mkdirSync(dir, { recursive: true });
      const items = v.configMap.items ?? Object.keys(data).map((key) => ({ key, path: key }));
      for (const item of items) fs.writeFileSync(path.join(dir, item.path), data[item.key]);
    } else {
      throw new Error(`volume '${v.name}': only emptyDir, persistentVolumeClaim and configMap volumes are supported here`);
    }
    fs.mkdirSync(dir, { recursive: true });
    dirs.set(v.name, dir);
  }
  return dirs;
}

/** Container path -> path on this machine: the container's mounts first (longest match), then the image's folders. */
export type PathMap = (containerPath: string) => string | undefined;

export function pathMap(container: Container, volumes: ReadonlyMap<string, string>, image: Readonly<Record<string, string>> = {}): PathMap {
  const roots: [string, string][] = [];
  for (const m of container.volumeMounts ?? []) {
    const dir = volumes.get(m.name);
    if (!dir) throw new Error(`container '${container.name}' mounts an unknown volume '${m.name}'`);
    roots.push([m.mountPath, m.subPath ? path.join(dir, m.subPath) : dir]);
  }
  roots.push(...Object.entries(image));
  roots.sort((a, b) => b[0].length - a[0].length);
  return (p: string) => {
    for (const [from, to] of roots) {
      const base = from.replace(/\/+$/, '');
      if (p === base) return to;
      if (p.startsWith(base + '/')) return to + p.slice(base.length);
    }
    return undefined;
  };
}

/** Maps every absolute container path among `values` (env values, command arguments); other values unchanged. */
export function mapPaths(values: readonly string[], map: PathMap): string[] {
  return values.map((v) => (v.startsWith('/') ? map(v) ?? v : v));
}

/** The executable a command name means on a PATH (a container image's `PATH`, here made of local folders). */
export function which(command: string, searchPath: string): string {
  const candidates = command.includes('/') ? [command] : searchPath.split(':').map((dir) => path.join(dir, command));
  for (const c of candidates) {
    try {
      fs.accessSync(c, fs.constants.X_OK);
      if (fs.statSync(c).isFile()) return c;
    } catch { /* next */ }
  }
  throw new Error(`'${command}' not found on PATH=${searchPath}`);
}

export interface User { readonly name: string; readonly uid: number; readonly gid: number }

/** An account from /etc/passwd (Node has no getpwnam). */
export function lookupUser(name: string): User {
  const line = fs.readFileSync('/etc/passwd', 'utf8').split('\n').find((l) => l.split(':')[0] === name);
  if (!line) throw new Error(`no user '${name}' in /etc/passwd`);
  const [, , uid, gid] = line.split(':');
  return { name, uid: Number(uid), gid: Number(gid) };
}

/**
 * argv that runs `command` with exactly `env` (nothing inherited: `env -i`), in `cwd`, as `user`
 * when given (setpriv: no fork, so the pid we signal is the server's own).
 */
export function processArgv(command: readonly string[], env: ReadonlyMap<string, string>, cwd: string, user?: User): string[] {
  for (const name of env.keys()) if (name.includes('=') || name === '') throw new Error(`invalid environment variable name '${name}'`);
  const envArgv = ['/usr/bin/env', '-i', '-C', cwd, '--', ...[...env].map(([k, v]) => `${k}=${v}`), ...command];
  if (!user) return envArgv;
  return ['/usr/bin/setpriv', `--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', '--', ...envArgv];
}

export interface RunResult { readonly status: number | null; readonly output: string }

/** Runs a command to completion (bounded), its output kept in `logFile` too; throws on failure when `check`. */
export function run(argv: readonly string[], opts: { logFile: string; timeoutMs?: number; input?: string; check?: boolean }): RunResult {
  const res = spawnSync(argv[0], argv.slice(1), {
    input: opts.input,
    encoding: 'utf8',
    timeout: opts.timeoutMs ?? 20_000,
    killSignal: 'SIGKILL',
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  const output = `${res.stdout ?? ''}${res.stderr ?? ''}${res.error ? `\n(${res.error.message})` : ''}`;
  fs.appendFileSync(opts.logFile, `$ ${argv.filter((a) => !/^[A-Z_][A-Z0-9_]*=/.test(a)).join(' ')}\n${output}\n`);
  if ((opts.check ?? true) && res.status !== 0) {
    throw new Error(`${argv.join(' ')} failed (status ${res.status}, signal ${res.signal}):\n${output.slice(-4000)}`);
  }
  return { status: res.status, output };
}

/** `<directive> <path>` lines of an nginx conf whose path is a container path: mapped to this machine. */
const NGINX_PATH_DIRECTIVES = [
  'alias', 'root', 'pid', 'include', 'error_log', 'access_log',
  'client_body_temp_path', 'proxy_temp_path', 'fastcgi_temp_path', 'uwsgi_temp_path', 'scgi_temp_path',
];

const nginxPathRe = () => new RegExp(`^(\\s*(?:${NGINX_PATH_DIRECTIVES.join('|')})\\s+)(/[^\\s;]*)`, 'gm');

export function mapNginxPaths(conf: string, map: PathMap): string {
  return conf.replace(nginxPathRe(), (_, head: string, p: string) => head + (map(p) ?? p));
}

/** The paths of those directives in a conf. */
export function nginxPaths(conf: string): string[] {
  return [...conf.matchAll(nginxPathRe())].map((m) => m[2]);
}

/** Replaces `from` with `to`, requiring exactly one occurrence (so a changed conf cannot slip by). */
export function replaceOnce(text: string, from: string, to: string): string {
  const n = text.split(from).length - 1;
  if (n !== 1) throw new Error(`expected exactly one '${from}', found ${n}`);
  return text.replace(from, to);
}
