/**
 * The one secret detector: whether a name or a plain string that would be written into git
 * (a ConfigMap value, a command line, a label, an annotation) holds, or looks like it holds, a
 * secret. Pure and dependency-free, so the constructs, the command line, workers and importers
 * all ask the same question and get the same answer.
 *
 * Names are matched on their words anywhere (`PGPASSWORD`, `DBPASS`, `APITOKEN`), not only
 * between `_`; values on their content: credentials inside a URL anywhere in the string,
 * private-key blocks, the shapes of well-known tokens, `NAME=value` and `--password value`
 * assignments, and long high-entropy strings. What describes a secret without holding it
 * (`*_FILE` holding a path, `*_ID`, `*_URL` without credentials, booleans, `$(VAR)` references)
 * passes. What is still refused but public can be acknowledged per name (`publicNames`).
 */

/** Why a string was taken for a secret; `undefined` from the checks means it was not. */
export interface SecretFinding {
  /** What was found, lowercase, e.g. `holds credentials inside a URL`. */
  readonly reason: string;
  /**
   * Whether acknowledging the name as public lifts the refusal. Unambiguous findings (a
   * credential URL, a private key, a `NAME=value` assignment of a secret name) are never lifted.
   */
  readonly acknowledgeable: boolean;
}

/** Options of a `SecretDetector`. */
export interface SecretDetectorOptions {
  /**
   * Names declared public (e.g. `secrets.publicKeys`): their name, token-shape and entropy
   * findings are lifted.
   * @default []
   */
  readonly publicNames?: readonly string[];
}

/**
 * Words that make a name secret wherever they appear in it (case-insensitive, no word
 * boundaries), with the common words that merely contain them excluded.
 */
const SECRET_NAME = new RegExp([
  '(?<!BY|COM|SUR|TRES)PASS(?!THROUGH|ENGER|IVE|AGE|PORT_?ID)',
  '(?<!OLD)PWD',
  'SECRET',
  'TOKEN(?!IZ|ISE)',
  'AUTH(?!OR|ENTICATION_?BACKEND)',
  'CREDENTIAL',
  'PRIVATE',
  'API_?KEY',
  'ACCESS_?KEY',
  'SIGNING_?KEY',
  'ENCRYPTION_?KEY',
  'MASTER_?KEY',
  'CLIENT_?KEY',
  'LICEN[CS]E_?KEY',
  'SESSION_?KEY',
  'WEBHOOK_?KEY',
  'SALT',
  'DSN',
  'COOKIE',
  'BEARER',
].join('|'), 'i');

/**
 * Last words of a name that describe a secret without holding it, and what the value must
 * look like for that to be true (a `*_FILE` of `hunter2` is no file name).
 */
const DESCRIPTIVE_SUFFIXES: ReadonlyArray<readonly [RegExp, (value: string) => boolean]> = [
  [/_(FILE|PATH|DIR|DIRECTORY|MOUNT)$/i, (v) => /^(\.{0,2}\/|~\/)[^\s]*$/.test(v) || /^[\w.-]+\.(pem|key|crt|json|txt|env|ya?ml|p12|jks)$/i.test(v)],
  [/_(URL|URI|ENDPOINT|HOST|HOSTNAME|DOMAIN|ISSUER|AUDIENCE|REALM)$/i, (v) => /^[a-z][a-z0-9+.-]*:\/\/\S+$/i.test(v) || /^[A-Za-z0-9.-]+(:\d+)?$/.test(v)],
  [/_(ID|USER|USERNAME|NAME|HEADER|TYPE|MODE|PROVIDER|ALGORITHM|ALG|BACKEND|BACKENDS|SCOPES?|METHOD)$/i, (v) => v.length <= 64 && !/\s/.test(v)],
  [/_(TTL|LIFETIME|EXPIRY|EXPIRES|EXPIRATION|TIMEOUT|AGE|LENGTH|SECONDS|MINUTES|HOURS|DAYS|PORT|COUNT|LIMIT|SIZE)$/i, (v) => /^\d+(\.\d+)?[a-z]{0,3}$/i.test(v)],
];

/** Values that are settings, not secrets, whatever the name. */
const BOOLEAN = /^(true|false|yes|no|on|off|0|1|enabled?|disabled?|none|null)$/i;

/** A value that only refers to other variables: `$(DB_PASS)`, `${DB_PASS}`, `$DB_PASS`. */
/**
 * Program code that reads the value from the environment (`environ.get(`, `os.environ[`,
 * `os.getenv(`, django-environ's `env(`): a settings file in a `files` volume, such as NetBox's
 * configuration.py, names its secrets without holding them.
 */
const ENV_LOOKUP = /^(os\.)?(environ\s*(\.get\s*\(|\[)|getenv\s*\()|^env(\.str)?\s*\(/;
const REFERENCE_ONLY = /^(\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}|\$[A-Za-z_][A-Za-z0-9_]*)+$/;

/**
 * `scheme://user:password@` or `scheme://key@` anywhere in a string. The lookbehind starts a
 * scheme only where a run of scheme characters starts: without it, every position of a long
 * run of letters (a settings file) was tried to the run's end, quadratic time (a 100 KB file
 * took 47 s).
 */
const URL_USERINFO = /(?<![a-z+.-])[a-z][a-z0-9+.-]*:\/\/([^/\s@?#]*)@/gi;

const PRIVATE_KEY = /-----BEGIN [A-Z0-9 ]*PRIVATE KEY( BLOCK)?-----/;

/** Shapes of well-known tokens (their publishers document the prefixes so scanners find them). */
const TOKEN_SHAPES: ReadonlyArray<readonly [string, RegExp]> = [
  ['a GitHub token', /\b(gh[pousr]_[A-Za-z0-9]{30,}|github_pat_[A-Za-z0-9_]{22,})/],
  ['a GitLab token', /\bgl(pat|dt|rt|ptt)-[A-Za-z0-9_-]{20,}/],
  ['a Slack token', /\bxox[abposr]-[A-Za-z0-9-]{10,}/],
  ['a Slack webhook', /hooks\.slack\.com\/services\/T[A-Za-z0-9]+\/B[A-Za-z0-9]+\/[A-Za-z0-9]+/],
  ['a Stripe key', /\b(sk|rk)_(live|test)_[A-Za-z0-9]{10,}/],
  ['an API key of OpenAI or Anthropic', /\bsk-(proj-|ant-|svcacct-)?[A-Za-z0-9_-]{20,}/],
  ['a Google API key', /\bAIza[0-9A-Za-z_-]{35}/],
  ['a SendGrid key', /\bSG\.[A-Za-z0-9_-]{16,}\.[A-Za-z0-9_-]{16,}/],
  ['a JSON Web Token', /\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/],
  ['an npm token', /\bnpm_[A-Za-z0-9]{36}/],
  ['a PyPI token', /\bpypi-[A-Za-z0-9_-]{50,}/],
  ['a Mailgun key', /\bkey-[0-9a-zA-Z]{32}\b/],
  ['a Twilio API key', /\bSK[0-9a-fA-F]{32}\b/],
  ['a bearer token', /\b(Bearer|Basic)\s+[A-Za-z0-9._~+/-]{12,}=*/],
];

/** `NAME=value`, `--name=value` or `name: value` inside a string. */
const ASSIGNMENT = /(?:^|[\s;&|"'(?,/{])-{0,2}([A-Za-z_][A-Za-z0-9_.-]*)(?:\s*=|:(?=\s))\s*("[^"]*"|'[^']*'|[^\s;&|"'),]+)/g;

/** `"password": "hunter2"` inside JSON or a Python dict literal. */
const QUOTED_ASSIGNMENT = /["']([A-Za-z_][A-Za-z0-9_.-]*)["']\s*:\s*["']([^"']*)["']/g;

/** A command-line flag, `--password` or `-password`. */
const FLAG = /^-{1,2}([A-Za-z][A-Za-z0-9_-]*)$/;

/** Hex digests and UUIDs: identifiers, never secrets. */
const DIGEST = /\b(sha1|sha256|sha384|sha512|md5):[0-9a-fA-F]+/g;
const UUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;

/** Names whose value is a hash or version, where long hex is expected. */
const HASH_NAME = /(SHA|COMMIT|DIGEST|HASH|CHECKSUM|REVISION|VERSION|REV|ETAG)$/i;

/**
 * Asks the one question everywhere: does this name or string hold a secret that must not be
 * written into git? See the module comment for what it looks for.
 */
export class SecretDetector {
  private readonly publicNames: ReadonlySet<string>;

  constructor(options: SecretDetectorOptions = {}) {
    this.publicNames = new Set(options.publicNames ?? []);
  }

  /** Whether a name says its value is a secret (`PGPASSWORD`, `APITOKEN`, `DB_PASS`). */
  public static isSecretName(name: string): boolean {
    return SECRET_NAME.test(name.replace(/[-.\s]/g, '_'));
  }

  /**
   * Whether a name says what no public value is: a password, a secret, a private key, a
   * credential. Such a name cannot be acknowledged as public.
   */
  public static isNeverPublic(name: string): boolean {
    return /PASS(?!THROUGH|ENGER|IVE|AGE|PORT_?ID)|PWD|SECRET|PRIVATE|CREDENTIAL/i.test(name);
  }

  /** Whether `name` is declared public. */
  public isPublic(name: string | undefined): boolean {
    return name !== undefined && this.publicNames.has(name);
  }

  /**
   * A finding for one value written under `name` (an env var, a label): by the name first,
   * then by the value. Undefined when it is not a secret (or declared public).
   */
  public inspectNamed(name: string, value: string): SecretFinding | undefined {
    const byValue = this.valueFinding(value, name);
    if (byValue && !byValue.acknowledgeable) return byValue;
    if (this.isPublic(name)) return undefined;
    return this.nameFinding(name, value) ?? byValue;
  }

  /**
   * A finding for a string with no name of its own (a command argument, a path), seen in a
   * field called `context` (used for the hash and public-name exemptions).
   */
  public inspectValue(value: string, context?: string): SecretFinding | undefined {
    const finding = this.valueFinding(value, context);
    if (finding?.acknowledgeable && this.isPublic(context)) return undefined;
    return finding;
  }

  /**
   * Findings for a list of strings (a command line), by index: each string on its own, and a
   * secret-named flag followed by its value (`--password hunter2`).
   */
  public inspectList(list: readonly string[], context?: string): Array<{ index: number; finding: SecretFinding }> {
    const out: Array<{ index: number; finding: SecretFinding }> = [];
    list.forEach((item, index) => {
      const own = this.inspectValue(item, context);
      if (own) {
        out.push({ index, finding: own });
        return;
      }
      const flag = index > 0 ? FLAG.exec(list[index - 1]) : null;
      if (flag && SecretDetector.isSecretName(flag[1]) && !FLAG.test(item) && !this.harmless(flag[1], item)) {
        out.push({ index, finding: { reason: `is the value of ${list[index - 1]}, which looks like a secret`, acknowledgeable: false } });
      }
    });
    return out;
  }

  private nameFinding(name: string, value: string): SecretFinding | undefined {
    if (!SecretDetector.isSecretName(name) || this.harmless(name, value)) return undefined;
    return { reason: 'has a name that looks like a secret', acknowledgeable: true };
  }

  /** A value under a secret-looking name that cannot be a secret. */
  private harmless(rawName: string, value: string): boolean {
    const name = rawName.replace(/[-.\s]/g, '_');
    const text = value.trim();
    // `$(VAR)`, `${VAR}` and a shell's `$(cat /run/secrets/x)` read the value from elsewhere.
    if (text === '' || BOOLEAN.test(text) || REFERENCE_ONLY.test(text) || text.startsWith('$') || ENV_LOOKUP.test(text)) return true;
    return DESCRIPTIVE_SUFFIXES.some(([suffix, fits]) => suffix.test(name) && fits(text));
  }

  private valueFinding(value: string, name?: string): SecretFinding | undefined {
    for (const match of value.matchAll(URL_USERINFO)) {
      if (credentialsIn(match[1])) return { reason: 'holds credentials inside a URL', acknowledgeable: false };
    }
    if (PRIVATE_KEY.test(value)) return { reason: 'holds a private key', acknowledgeable: false };
    for (const match of value.matchAll(ASSIGNMENT)) {
      const [, key, raw] = match;
      const assigned = raw.replace(/^["']|["']$/g, '');
      if (SecretDetector.isSecretName(key) && !this.harmless(key, assigned)) {
        return { reason: `sets ${key}, which looks like a secret`, acknowledgeable: false };
      }
    }
    for (const [, key, assigned] of value.matchAll(QUOTED_ASSIGNMENT)) {
      if (SecretDetector.isSecretName(key) && !this.harmless(key, assigned)) {
        return { reason: `sets ${key}, which looks like a secret`, acknowledgeable: false };
      }
    }
    for (const [what, shape] of TOKEN_SHAPES) {
      if (shape.test(value)) return { reason: `looks like ${what}`, acknowledgeable: true };
    }
    if (highEntropy(value, name)) return { reason: 'looks like a key or token (a long random string)', acknowledgeable: true };
    return undefined;
  }
}

/** Whether the user-info part of a URL holds a secret: a password, or a long key as the user (a Sentry DSN). */
function credentialsIn(userinfo: string): boolean {
  const decoded = userinfo.replace(/\$\([A-Za-z_][A-Za-z0-9_]*\)|\$\{[A-Za-z_][A-Za-z0-9_]*\}/g, '');
  const colon = decoded.indexOf(':');
  if (colon >= 0) return decoded.slice(colon + 1) !== '';
  // A plain user name (`git@`, `postgres@`) is no secret; a key as the user (a Sentry DSN) is.
  return decoded !== '' && !/^[a-z][a-z_.-]{0,15}$/.test(decoded);
}

/**
 * Whether a string holds a long random-looking token: at least 20 characters of one run of
 * token characters mixing upper case, lower case and digits, or at least 32 hex digits, with
 * enough entropy. Digests after `sha256:`, UUIDs and hashes under hash-like names are not.
 */
function highEntropy(value: string, name?: string): boolean {
  const text = value.replace(DIGEST, ' ');
  for (const token of text.split(/[^A-Za-z0-9+/=_~.-]+/)) {
    // A base64 key holds '/' and '+'; a path or a dotted name is judged part by part.
    const parts = [...(token.includes('.') ? [] : [token]), ...token.split(/[./]+(?=[A-Za-z0-9])/)];
    for (const part of parts) {
      const core = part.replace(/=+$/, '');
      if (core.length < 20 || UUID.test(core)) continue;
      const hex = /^[0-9a-fA-F]+$/.test(core);
      if (hex) {
        if (core.length >= 32 && /\d/.test(core) && /[a-f]/i.test(core) && !(name && HASH_NAME.test(name)) && entropy(core) >= 3.0) return true;
        continue;
      }
      const classes = [/[a-z]/, /[A-Z]/, /\d/].filter((c) => c.test(core)).length;
      if (classes === 3 && entropy(core) >= 3.5 && !wordLike(core)) return true;
    }
  }
  return false;
}

/**
 * Identifiers made of words (`MyDjangoProjectSettings2024`): most of their letters sit in
 * lowercase runs of three or more, where a random string has few such runs.
 */
function wordLike(token: string): boolean {
  const inWords = (token.match(/[a-z]{3,}/g) ?? []).reduce((n, w) => n + w.length, 0);
  return inWords / token.length >= 0.5;
}

/** Shannon entropy in bits per character. */
function entropy(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) bits -= (n / text.length) * Math.log2(n / text.length);
  return bits;
}

/** One secret found in a tree of settings. */
export interface SecretInTree {
  /** The field path, e.g. `web.env.PGPASSWORD` or `web.command[2]`. */
  readonly path: string;
  /** The name the value is written under (an env var, a label key), when it has one. */
  readonly name?: string;
  readonly finding: SecretFinding;
}

/** Options of `findSecrets`. */
export interface FindSecretsOptions extends SecretDetectorOptions {
  /**
   * Keys whose mapping is written name by name (env vars, labels, annotations): its keys are
   * names the name check applies to.
   * @default ['env', 'labels', 'annotations']
   */
  readonly namedMaps?: readonly string[];
}

/**
 * Every secret in a tree of settings (a stack file, a worker, a compose service): every string
 * it holds, at any depth, is inspected; keys of the `namedMaps` mappings as names; string
 * lists as command lines.
 */
export function findSecrets(tree: unknown, path = '', options: FindSecretsOptions = {}): SecretInTree[] {
  const detector = new SecretDetector(options);
  const named = new Set(options.namedMaps ?? ['env', 'labels', 'annotations']);
  const out: SecretInTree[] = [];
  const join = (base: string, key: string) => (/^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? (base ? `${base}.${key}` : key) : `${base}[${JSON.stringify(key)}]`);
  const walk = (value: unknown, at: string, key: string | undefined): void => {
    if (typeof value === 'string') {
      const finding = detector.inspectValue(value, key);
      if (finding) out.push({ path: at, finding });
    } else if (Array.isArray(value)) {
      if (value.every((v) => typeof v === 'string')) {
        for (const { index, finding } of detector.inspectList(value, key)) out.push({ path: `${at}[${index}]`, finding });
      } else {
        value.forEach((v, i) => walk(v, `${at}[${i}]`, key));
      }
    } else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (key !== undefined && named.has(key) && (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean')) {
          const finding = detector.inspectNamed(k, String(v));
          if (finding) out.push({ path: join(at, k), name: k, finding });
        } else {
          walk(v, join(at, k), k);
        }
      }
    }
  };
  walk(tree, path, undefined);
  return out;
}
