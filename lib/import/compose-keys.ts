import * as fs from 'fs';
import * as path from 'path';
import type * as Dotenv from 'dotenv';
import { ConfigIssue } from '../../constructs';
import { isMap } from '../_json';
import { readTextFile } from '../_text-file';
import { UserError } from '../user-error';
import type { ComposeEnvVar, ComposeMount, ComposePort, ComposeService } from './compose-file';
import { InterpolationError, Lookup, interpolate } from './interpolate';
import { shellWords } from './shell-words';

// The readers of the compose keys the importer uses, each taking every form the Compose
// specification allows (short and long syntax, string and list, list and map) to one shape.
// Problems are pushed to `issues` with the key path; nothing is thrown.

export function readBuild(value: unknown, at: string, issues: ConfigIssue[]): ComposeService['build'] {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return { context: value, dockerfile: 'Dockerfile' };
  if (isMap(value)) return { context: typeof value.context === 'string' ? value.context : '.', dockerfile: typeof value.dockerfile === 'string' ? value.dockerfile : 'Dockerfile' };
  issues.push({ path: at, message: 'must be a path or a mapping', value, allowed: 'build: . or build: {context: ., dockerfile: Dockerfile}' });
  return undefined;
}

/** `command`/`entrypoint`: a list as it is, a string split into words as compose splits it. */
export function readCommand(value: unknown, at: string, issues: ConfigIssue[]): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value as string[];
  if (typeof value === 'string') {
    const words = shellWords(value);
    if (words) return words;
    issues.push({ path: at, message: 'has a quote that is never closed', value, allowed: 'balanced quotes, or the list form [cmd, arg, ...]' });
    return undefined;
  }
  issues.push({ path: at, message: 'must be a string or a list of strings', value, allowed: 'gunicorn app:app, or [gunicorn, app:app]' });
  return undefined;
}

const ENV_NAME = /^[^=\s]+$/;

export function readEnvironment(value: unknown, at: string, lookup: Lookup, issues: ConfigIssue[]): ComposeEnvVar[] {
  if (value === undefined || value === null) return [];
  const out: ComposeEnvVar[] = [];
  // `KEY` (list) or `KEY:` (map) with no value takes it from the environment; unset, it is left out.
  const add = (name: string, raw: string | null, from: string) => {
    if (!ENV_NAME.test(name)) {
      issues.push({ path: from, message: 'is not an environment variable name', value: name, allowed: 'a name without = or spaces' });
      return;
    }
    const v = raw ?? lookup(name);
    if (v !== undefined) out.push({ name, value: v, from });
  };
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      if (typeof item !== 'string') {
        issues.push({ path: `${at}[${i}]`, message: 'must be NAME=value or NAME', value: item });
        return;
      }
      const eq = item.indexOf('=');
      add(eq < 0 ? item : item.slice(0, eq), eq < 0 ? null : item.slice(eq + 1), `${at}[${i}]`);
    });
  } else if (isMap(value)) {
    for (const [k, v] of Object.entries(value)) {
      if (v !== null && typeof v !== 'string') issues.push({ path: `${at}.${k}`, message: 'must be a string, number or boolean', value: v });
      else add(k, v, `${at}.${k}`);
    }
  } else {
    issues.push({ path: at, message: 'must be a list of NAME=value or a mapping', value, allowed: '[DEBUG=0] or {DEBUG: "0"}' });
  }
  return out;
}

/** env_file: a path, a list of paths, or `{path, required}` entries; relative to the compose file. */
export function readEnvFiles(value: unknown, at: string, dir: string, lookup: Lookup, issues: ConfigIssue[]): ComposeEnvVar[] {
  if (value === undefined || value === null) return [];
  const entries = Array.isArray(value) ? value : [value];
  const out: ComposeEnvVar[] = [];
  entries.forEach((entry, i) => {
    const where = Array.isArray(value) ? `${at}[${i}]` : at;
    const file = typeof entry === 'string' ? entry : isMap(entry) && typeof entry.path === 'string' ? entry.path : undefined;
    if (file === undefined) {
      issues.push({ path: where, message: 'must be a path or {path, required}', value: entry });
      return;
    }
    const required = !(isMap(entry) && entry.required === 'false');
    const full = path.resolve(dir, file);
    if (!fs.existsSync(full)) {
      if (required) issues.push({ path: where, message: `names a file that does not exist (${full})`, value: file, allowed: 'an existing file, or {path: ..., required: false}' });
      return;
    }
    let parsed: Record<string, string>;
    try {
      parsed = dotenvParse(readTextFile(full));
    } catch (err) {
      if (err instanceof UserError) {
        issues.push({ path: where, message: err.lines.join('; '), value: file });
        return;
      }
      throw err;
    }
    // Values of an env_file are interpolated like the compose file's (docker compose does so).
    for (const [name, raw] of Object.entries(parsed)) {
      try {
        out.push({ name, value: interpolate(raw, lookup).value, from: `${where} ${name}` });
      } catch (err) {
        if (!(err instanceof InterpolationError)) throw err;
        issues.push({ path: `${where} (${file}) ${name}`, message: err.message, value: raw, allowed: err.allowed });
      }
    }
  });
  return out;
}

/** Short (`"8000"`, `"127.0.0.1:80:8000/tcp"`, `"8000-8001:8000-8001"`) and long (`{target: 8000}`) forms. */
export function readPorts(value: unknown, at: string, issues: ConfigIssue[]): ComposePort[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ path: at, message: 'must be a list', value, allowed: '["8000:8000"] or [{target: 8000}]' });
    return [];
  }
  const out: ComposePort[] = [];
  value.forEach((item, i) => {
    const where = `${at}[${i}]`;
    if (isMap(item)) {
      const target = Number(item.target);
      if (Number.isInteger(target) && target > 0 && target < 65536) out.push({ target, protocol: String(item.protocol ?? 'tcp'), from: where });
      else issues.push({ path: `${where}.target`, message: 'must be a port number', value: item.target, allowed: '1-65535' });
      return;
    }
    const match = typeof item === 'string' ? /^(?:.*:)?(\d+)(?:-\d+)?(?:\/(tcp|udp|sctp))?$/.exec(item) : null;
    if (!match || Number(match[1]) < 1 || Number(match[1]) > 65535) {
      issues.push({ path: where, message: 'is not a port', value: item, allowed: '"8000", "8000:8000", "127.0.0.1:8000:8000/tcp" or {target: 8000}' });
      return;
    }
    out.push({ target: Number(match[1]), protocol: match[2] ?? 'tcp', from: where });
  });
  return out;
}

/** Short (`name:/path[:ro]`, `./dir:/path`, `/path`) and long (`{type, source, target}`) forms. */
export function readVolumes(value: unknown, at: string, issues: ConfigIssue[]): ComposeMount[] {
  if (value === undefined || value === null) return [];
  if (!Array.isArray(value)) {
    issues.push({ path: at, message: 'must be a list', value, allowed: '["data:/app/data"] or [{type: volume, source: data, target: /app/data}]' });
    return [];
  }
  const out: ComposeMount[] = [];
  value.forEach((item, i) => {
    const where = `${at}[${i}]`;
    if (isMap(item)) {
      const type = item.type ?? 'volume';
      if (typeof item.target !== 'string' || !['volume', 'bind', 'tmpfs'].includes(type)) {
        issues.push({ path: where, message: 'needs a type of volume, bind or tmpfs and a target', value: item });
        return;
      }
      out.push({ type, source: typeof item.source === 'string' && item.source ? item.source : undefined, target: item.target, readOnly: item.read_only === 'true', from: where });
      return;
    }
    if (typeof item !== 'string' || item === '') {
      issues.push({ path: where, message: 'is not a volume', value: item, allowed: '"name:/path", "./dir:/path[:ro]" or "/path"' });
      return;
    }
    const parts = item.split(':');
    if (parts.length === 1) {
      out.push({ type: 'volume', target: parts[0], readOnly: false, from: where });
      return;
    }
    const [source, target, mode = ''] = parts;
    const bind = /^([./~]|\$)/.test(source) || /^[A-Za-z]$/.test(source);
    out.push({ type: bind ? 'bind' : 'volume', source, target, readOnly: mode.split(',').includes('ro'), from: where });
  });
  return out;
}

export function readTmpfs(value: unknown, at: string): ComposeMount[] {
  const list = typeof value === 'string' ? [value] : Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
  return list.map((target, i) => ({ type: 'tmpfs' as const, target: target.split(':')[0], readOnly: false, from: Array.isArray(value) ? `${at}[${i}]` : at }));
}

export function readHealthcheck(value: unknown, at: string, issues: ConfigIssue[]): string[] | undefined {
  if (!isMap(value) || value.disable === 'true' || value.test === undefined) return undefined;
  const test = value.test;
  if (typeof test === 'string') return shellWords(test) ?? [test];
  if (Array.isArray(test) && test.every((t) => typeof t === 'string')) {
    if (test[0] === 'NONE') return undefined;
    if (test[0] === 'CMD-SHELL') return shellWords(test.slice(1).join(' ')) ?? test.slice(1);
    return test[0] === 'CMD' ? test.slice(1) : test;
  }
  issues.push({ path: `${at}.test`, message: 'must be a string or a list', value: test, allowed: '["CMD", "curl", "-f", "http://localhost:8000/health"]' });
  return undefined;
}

export function readLabels(value: unknown): Record<string, string> {
  if (isMap(value)) return Object.fromEntries(Object.entries(value).filter((e): e is [string, string] => typeof e[1] === 'string'));
  if (!Array.isArray(value)) return {};
  return Object.fromEntries(value.filter((v): v is string => typeof v === 'string').map((l) => {
    const eq = l.indexOf('=');
    return eq < 0 ? [l, ''] : [l.slice(0, eq), l.slice(eq + 1)];
  }));
}

/** dotenv, loaded on first use: only `init --from` reads .env files, synth never does. */
export function dotenvParse(text: string): Record<string, string> {
  return (require('dotenv') as typeof Dotenv).parse(text);
}
