// A container's environment, command and args resolved the way the kubelet resolves them, from
// the ConfigMaps and Secrets of a synthesized manifest. Used by the end-to-end test to run the
// generated containers as local processes with exactly the values Kubernetes would give them.
//
// The rules (Kubernetes' pkg/kubelet/kubelet_pods.go and third_party/forked/golang/expansion):
// - `envFrom` first, in order (each key, with the optional prefix), then `env` in order; a later
//   definition of a name replaces an earlier one.
// - `value` is expanded: `$(VAR)` becomes the value of VAR when VAR was defined *before* it
//   (by envFrom or an earlier env entry); otherwise it stays literally `$(VAR)`. `$$` is an escaped
//   `$`. `valueFrom` values are never expanded.
// - `configMapKeyRef`/`secretKeyRef`: a missing object or key is an error, unless `optional: true`,
//   in which case the variable is left out.
// - `command` and `args` are expanded with the container's final environment (every variable).

export interface KeyRef {
  readonly name: string;
  readonly key: string;
  readonly optional?: boolean;
}

export interface EnvVar {
  readonly name: string;
  readonly value?: string;
  readonly valueFrom?: {
    readonly configMapKeyRef?: KeyRef;
    readonly secretKeyRef?: KeyRef;
    readonly fieldRef?: unknown;
    readonly resourceFieldRef?: unknown;
  };
}

export interface EnvFromSource {
  readonly prefix?: string;
  readonly configMapRef?: { readonly name: string; readonly optional?: boolean };
  readonly secretRef?: { readonly name: string; readonly optional?: boolean };
}

export interface ContainerSpec {
  readonly name: string;
  readonly command?: readonly string[];
  readonly args?: readonly string[];
  readonly env?: readonly EnvVar[];
  readonly envFrom?: readonly EnvFromSource[];
}

/** ConfigMap and Secret data by object name, values already decoded. */
export interface EnvSources {
  readonly configMaps: Map<string, Record<string, string>>;
  readonly secrets: Map<string, Record<string, string>>;
}

export interface ResolvedContainer {
  /** Name -> value, in the order the names were first defined. */
  readonly env: Map<string, string>;
  readonly command: string[];
  readonly args: string[];
}

interface ManifestObject {
  readonly kind?: string;
  readonly metadata?: { readonly name?: string; readonly namespace?: string };
  readonly data?: Record<string, string>;
  readonly stringData?: Record<string, string>;
}

/**
 * The ConfigMaps and Secrets of a manifest (one namespace), as the kubelet sees them: a Secret's
 * `data` base64-decoded, with `stringData` merged over it (the API server does that on write).
 */
export function envSourcesFrom(objects: readonly unknown[]): EnvSources {
  const configMaps = new Map<string, Record<string, string>>();
  const secrets = new Map<string, Record<string, string>>();
  for (const raw of objects) {
    const obj = raw as ManifestObject | null;
    const name = obj?.metadata?.name;
    if (!obj || !name) continue;
    if (obj.kind === 'ConfigMap') {
      configMaps.set(name, { ...(obj.data ?? {}) });
    } else if (obj.kind === 'Secret') {
      const data: Record<string, string> = {};
      for (const [k, v] of Object.entries(obj.data ?? {})) data[k] = Buffer.from(v, 'base64').toString('utf8');
      secrets.set(name, { ...data, ...(obj.stringData ?? {}) });
    }
  }
  return { configMaps, secrets };
}

/** `$(VAR)` expansion with Kubernetes' rules: unknown references are kept as written, `$$` is `$`. */
export function expand(input: string, lookup: (name: string) => string | undefined): string {
  let out = '';
  let checkpoint = 0;
  for (let cursor = 0; cursor < input.length; cursor++) {
    if (input[cursor] !== '$' || cursor + 1 >= input.length) continue;
    out += input.slice(checkpoint, cursor);
    const next = input[cursor + 1];
    let advance = 1;
    if (next === '$') {
      out += '$'; // escaped operator
    } else if (next === '(') {
      const close = input.indexOf(')', cursor + 2);
      if (close === -1) {
        out += '$('; // incomplete reference: kept as written
      } else {
        const name = input.slice(cursor + 2, close);
        const value = lookup(name);
        out += value ?? `$(${name})`;
        advance = close - cursor;
      }
    } else {
      out += '$' + next; // a lone '$' and the character after it
    }
    cursor += advance;
    checkpoint = cursor + 1;
  }
  return out + input.slice(checkpoint);
}

/** The container's environment, command and args as the kubelet would start it. */
export function resolveContainer(container: ContainerSpec, sources: EnvSources): ResolvedContainer {
  const env = new Map<string, string>();
  const where = (what: string) => `container '${container.name}': ${what}`;

  for (const from of container.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    const ref = from.configMapRef ?? from.secretRef;
    if (!ref) throw new Error(where('envFrom without configMapRef or secretRef'));
    const kind = from.configMapRef ? 'ConfigMap' : 'Secret';
    const data = (from.configMapRef ? sources.configMaps : sources.secrets).get(ref.name);
    if (!data) {
      if (ref.optional) continue;
      throw new Error(where(`envFrom: ${kind} '${ref.name}' not found`));
    }
    for (const [key, value] of Object.entries(data)) {
      const name = prefix + key;
      // The kubelet skips keys that are not valid environment variable names.
      if (/^[-._a-zA-Z][-._a-zA-Z0-9]*$/.test(name)) env.set(name, value);
    }
  }

  for (const v of container.env ?? []) {
    if (v.valueFrom) {
      const value = fromRef(v, sources, where);
      if (value !== undefined) env.set(v.name, value);
    } else {
      // Only the variables defined so far are visible to the expansion.
      env.set(v.name, expand(v.value ?? '', (name) => env.get(name)));
    }
  }

  const lookup = (name: string) => env.get(name);
  return {
    env,
    command: (container.command ?? []).map((s) => expand(s, lookup)),
    args: (container.args ?? []).map((s) => expand(s, lookup)),
  };
}

function fromRef(v: EnvVar, sources: EnvSources, where: (what: string) => string): string | undefined {
  const { configMapKeyRef: cm, secretKeyRef: secret } = v.valueFrom ?? {};
  const ref = cm ?? secret;
  if (!ref) throw new Error(where(`env ${v.name}: only configMapKeyRef and secretKeyRef are supported here`));
  const kind = cm ? 'ConfigMap' : 'Secret';
  const data = (cm ? sources.configMaps : sources.secrets).get(ref.name);
  const value = data?.[ref.key];
  if (value === undefined) {
    if (ref.optional) return undefined;
    throw new Error(where(`env ${v.name}: ${data ? `key '${ref.key}' not in` : 'no'} ${kind} '${ref.name}'`));
  }
  return value;
}

/** `NAME=value` lines, for `env -i` or a log. */
export function envPairs(env: ReadonlyMap<string, string>): string[] {
  return [...env].map(([k, v]) => `${k}=${v}`);
}
