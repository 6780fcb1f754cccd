/**
 * The Compose specification's interpolation of `$VAR` and `${VAR...}` in the values of a compose
 * file (https://github.com/compose-spec/compose-spec/blob/main/12-interpolation.md), as
 * `docker compose` does it:
 *
 * - `$VAR`, `${VAR}`: the value, or an empty string when unset (a warning);
 * - `${VAR:-default}` / `${VAR-default}`: `default` when unset or empty / when unset;
 * - `${VAR:?err}` / `${VAR?err}`: an error with `err` when unset or empty / when unset;
 * - `${VAR:+other}` / `${VAR+other}`: `other` when set and not empty / when set, else empty;
 * - `$$`: a literal `$`; defaults, errors and replacements may hold interpolations themselves.
 *
 * Any other `$` is refused, as compose refuses it (`$(date)` in a command needs `$$(date)`).
 * No npm package implements these rules (dotenv-expand follows dotenv's, without `?` or `$$`).
 */

/** A variable's value, or undefined when it is not set. */
export type Lookup = (name: string) => string | undefined;

/** What interpolating one string gave. */
export interface Interpolated {
  readonly value: string;
  /** Variables used without a default that are not set (compose warns and uses ""). */
  readonly unset: readonly string[];
}

/** A value compose would refuse: a required variable unset, a malformed `${`. */
export class InterpolationError extends Error {
  constructor(message: string, public readonly allowed: string) {
    super(message);
    this.name = 'InterpolationError';
  }
}

const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const BRACED = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?+])([\s\S]*))?$/;

/** Interpolates one string value; throws InterpolationError where compose would fail. */
export function interpolate(text: string, lookup: Lookup): Interpolated {
  const unset: string[] = [];
  const value = expand(text, lookup, unset);
  return { value, unset: [...new Set(unset)] };
}

function expand(text: string, lookup: Lookup, unset: string[]): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const dollar = text.indexOf('$', i);
    if (dollar < 0) {
      out += text.slice(i);
      break;
    }
    out += text.slice(i, dollar);
    const next = text[dollar + 1];
    if (next === '$') {
      out += '$';
      i = dollar + 2;
    } else if (next === '{') {
      const close = matchingBrace(text, dollar + 2);
      if (close < 0) throw new InterpolationError(`has an unclosed \${ in ${JSON.stringify(text)}`, 'close it with }, or write $$ for a literal $');
      out += braced(text.slice(dollar + 2, close), lookup, unset);
      i = close + 1;
    } else {
      const name = NAME.exec(text.slice(dollar + 1));
      if (!name) throw new InterpolationError(`has a $ that starts no variable in ${JSON.stringify(text)}`, '$VAR, ${VAR}, ${VAR:-default}, or $$ for a literal $ (as in $$(date) or $$1)');
      const value = lookup(name[0]);
      if (value === undefined) unset.push(name[0]);
      out += value ?? '';
      i = dollar + 1 + name[0].length;
    }
  }
  return out;
}

/** The index of the `}` that closes a `${` whose body starts at `start`, or -1. */
function matchingBrace(text: string, start: number): number {
  let depth = 1;
  for (let i = start; i < text.length; i++) {
    if (text[i] === '$' && (text[i + 1] === '$' || text[i + 1] === '{')) {
      if (text[i + 1] === '{') depth++;
      i++;
    } else if (text[i] === '}' && --depth === 0) {
      return i;
    }
  }
  return -1;
}

function braced(body: string, lookup: Lookup, unset: string[]): string {
  const match = BRACED.exec(body);
  if (!match) throw new InterpolationError(`has an invalid interpolation \${${body}}`, '${VAR}, ${VAR:-default}, ${VAR-default}, ${VAR:?error}, ${VAR?error}, ${VAR:+other}, ${VAR+other}');
  const [, name, operator, rest] = match;
  const value = lookup(name);
  const empty = value === undefined || (operator?.startsWith(':') && value === '');
  switch (operator) {
    case undefined:
      if (value === undefined) unset.push(name);
      return value ?? '';
    case '-':
    case ':-':
      return empty ? expand(rest, lookup, unset) : value!;
    case '?':
    case ':?': {
      if (!empty) return value!;
      const why = expand(rest, lookup, unset);
      throw new InterpolationError(`requires ${name}, which is ${value === undefined ? 'not set' : 'empty'}${why ? `: ${why}` : ''}`, `set ${name} in the environment or in the .env file beside the compose file`);
    }
    default: // '+' and ':+'
      return empty ? '' : expand(rest, lookup, unset);
  }
}
