import { Yaml } from 'cdk8s';
import { isMap } from '../_json';

/**
 * The YAML of Kubernetes objects, byte for byte what cdk8s's `Yaml.stringify` writes, several
 * times faster on large outputs. Profiling a 1,000-stack synth showed more than half its time in
 * the general-purpose YAML library, re-deciding for every one of hundreds of thousands of
 * scalars how to quote it. Here the block structure (maps, sequences, indentation) is laid out
 * directly, and scalars are written:
 * - plain, without asking the library, when the text is of a shape the library always writes
 *   plain (`isPlainText`: printable ASCII, no indicator, nothing any reader takes for a number,
 *   boolean, null or date);
 * - as a literal block (`|`, `|-`), the library's choice for every multi-line string, laid out
 *   here when the text has no leading or trailing whitespace the library would mark up;
 * - otherwise by cdk8s's own `Yaml.stringify` in the same context, once per distinct scalar.
 * Anything outside that simple shape (a nested list, a very long or multi-line key) falls back
 * to `Yaml.stringify` for the whole document, so the output never differs; tests compare both on
 * every example, a fleet, and random documents.
 */
export function stringifyDocuments(docs: readonly unknown[]): string {
  return docs.map((doc) => (doc === undefined ? '\n' : stringifyDocument(doc))).join('---\n');
}

class Fallback extends Error {}

const keyCache = new Map<string, string>();
const valueCache = new Map<unknown, string>();
const itemCache = new Map<unknown, string>();

/**
 * Text the YAML library writes plain in a block map or sequence: a first character that is no
 * indicator, printable ASCII after it, no `: ` or ` #`, no trailing space or colon.
 */
const PLAIN_SHAPED = /^[A-Za-z0-9_/$(][ -~]*$/;
const PLAIN_BREAKERS = /: | #|[ :]$/;
/** Only digits, signs, dots, colons, underscores and hex letters: might be a number; asked of the library. */
const NUMBER_ALPHABET = /^[0-9a-fA-FxXoO_+\-.:]*$/;
/**
 * But lower-case hex digits alone (checksums, hashes: one distinct value per object, each an
 * extra call to the library) are a number to it only as YAML 1.1's exponent form, whose mantissa
 * may be empty (`e5`, `12e3`); the rest, not `readsAsNonString`, it writes plain (checked against
 * it for every such text of up to four characters).
 */
const HEX_WORD = /^[0-9a-f]+$/;
const EXPONENT = /^[0-9]*e[0-9]+$/;

/**
 * Whether the YAML library writes this text plain (as itself) as a value or key, decided without
 * asking it: conservative, so any doubt goes to the library, and tested against it.
 */
export function isPlainText(text: string): boolean {
  return text.length <= 1000 && PLAIN_SHAPED.test(text) && !PLAIN_BREAKERS.test(text)
    && (!NUMBER_ALPHABET.test(text) || (HEX_WORD.test(text) && !EXPONENT.test(text))) && !readsAsNonString(text);
}

/** Control characters and lone surrogates: the library double-quotes text holding them. */
const NEEDS_ESCAPES = /[\x00-\x08\x0b-\x1f\x7f-\x9f\u{D800}-\u{DFFF}]/u;

/**
 * A multi-line string as the library's literal block, when no leading or trailing whitespace
 * asks for an indentation or keep indicator (`|2`, `|+`): `|` when it ends in one newline,
 * `|-` when in none; every line after a run of newlines indented by `indent`, empty lines empty.
 */
function literalBlock(text: string, indent: string): string | undefined {
  if (NEEDS_ESCAPES.test(text) || !/^[^ \t\n]/.test(text) || !/[^\s]\n?$/.test(text)) return undefined;
  const clip = text.endsWith('\n');
  const body = clip ? text.slice(0, -1) : text;
  return `|${clip ? '' : '-'}\n${indent}${body.replace(/\n+/g, `$&${indent}`)}`;
}

function stringifyDocument(doc: unknown): string {
  if (!isMap(doc) || Object.keys(doc).length === 0) return stringifyWhole(doc);
  try {
    const out: string[] = [];
    emitMap(doc, '', out);
    return out.join('');
  } catch (err) {
    if (err instanceof Fallback) return stringifyWhole(doc);
    throw err;
  }
}

/**
 * Plain text that some YAML reader takes for something else than a string: YAML 1.1's
 * booleans (`yes`, `off`, `y`), nulls, sexagesimal and `0`-octal numbers and timestamps, YAML
 * 1.2's `0o17`, and what lenient readers (kustomize's) accept beyond both: any case of the
 * `0x`/`0o`/`0b` prefixes, a sign before them, `_` between digits. cdk8s writes YAML 1.1, where
 * `0o17` is a string and so goes out bare; a YAML 1.2 reader then reads 15. Such text is
 * double-quoted, which every reader takes as a string.
 */
const NUMBER_LIKE = /^[-+]?(0b[01_]+|0o?[0-7_]+|0x[0-9a-f_]+|[0-9][0-9_]*(\.[0-9_]*)?(e[-+]?[0-9]+)?|\.[0-9][0-9_]*(e[-+]?[0-9]+)?|[0-9][0-9_]*(:[0-5]?[0-9])+(\.[0-9_]*)?|\.inf|\.nan)$/i;
const WORD_LIKE = /^(y|yes|n|no|true|false|on|off|null|~|<<|=)$/i;
const TIMESTAMP_LIKE = /^\d{4}-\d\d?-\d\d?([Tt ]|$)/;

/** Whether a YAML 1.1 or 1.2 reader could read this text, written plain, as something other than a string. */
export function readsAsNonString(text: string): boolean {
  return NUMBER_LIKE.test(text) || WORD_LIKE.test(text) || TIMESTAMP_LIKE.test(text);
}

/** A string as the YAML library writes it, double-quoted where a plain scalar could be read as another type. */
function quoteIfAmbiguous(value: string, rendered: string): string {
  return rendered === value && readsAsNonString(value) ? JSON.stringify(value) : rendered;
}

/**
 * A whole document through the YAML library, with text a reader could take for another type
 * quoted: each such string is swapped for a unique token the library writes plain, and the
 * token replaced by the quoted text afterwards.
 */
function stringifyWhole(doc: unknown): string {
  const swapped: string[] = [];
  const token = (i: number) => `pyweb-quoted-${i}-a7f3c9`;
  const swap = (value: unknown): unknown => {
    if (typeof value === 'string') {
      if (!readsAsNonString(value)) return value;
      swapped.push(value);
      return token(swapped.length - 1);
    }
    if (Array.isArray(value)) return value.map(swap);
    if (isMap(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [swap(k) as string, swap(v)]));
    return value;
  };
  const text = Yaml.stringify(swap(doc));
  return swapped.length === 0 ? text : text.replace(/pyweb-quoted-(\d+)-a7f3c9/g, (_, i: string) => JSON.stringify(swapped[Number(i)]));
}

function emitMap(map: Record<string, unknown>, indent: string, out: string[]): void {
  for (const key of Object.keys(map)) {
    const value = map[key];
    if (value === undefined) throw new Fallback();
    const k = renderKey(key);
    if (isMap(value) && Object.keys(value).length > 0) {
      out.push(`${indent}${k}:\n`);
      emitMap(value, `${indent}  `, out);
    } else if (Array.isArray(value) && value.length > 0) {
      out.push(`${indent}${k}:\n`);
      emitSeq(value, `${indent}  `, out);
    } else {
      out.push(`${indent}${k}: ${renderValue(value, `${indent}  `)}\n`);
    }
  }
}

function emitSeq(items: readonly unknown[], indent: string, out: string[]): void {
  for (const item of items) {
    if (item === undefined || Array.isArray(item)) throw new Fallback();
    if (isMap(item) && Object.keys(item).length > 0) {
      const nested: string[] = [];
      emitMap(item, `${indent}  `, nested);
      // The first key goes on the dash's line: "- name: x", the rest stay aligned under it.
      nested[0] = `${indent}- ${nested[0].slice(indent.length + 2)}`;
      out.push(...nested);
    } else {
      out.push(`${indent}- ${renderItem(item, `${indent}  `)}\n`);
    }
  }
}

/** A key as the YAML library writes it in a block map. */
function renderKey(key: string): string {
  if (isPlainText(key)) return key;
  let rendered = keyCache.get(key);
  if (rendered === undefined) {
    if (key.length > 1000) throw new Fallback();
    const line = Yaml.stringify({ [key]: 0 });
    if (!line.endsWith(': 0\n') || line.indexOf('\n') !== line.length - 1) throw new Fallback();
    rendered = quoteIfAmbiguous(key, line.slice(0, -': 0\n'.length));
    keyCache.set(key, rendered);
  }
  return rendered;
}

/** A scalar (or empty collection) as a block map's value; a literal block's lines indented by `indent`. */
function renderValue(value: unknown, indent: string): string {
  return renderDirect(value, indent) ?? renderScalar(value, valueCache, () => Yaml.stringify({ k: value }), 'k: ');
}

/** A scalar (or empty collection) as a block sequence's item; a literal block's lines indented by `indent`. */
function renderItem(value: unknown, indent: string): string {
  return renderDirect(value, indent) ?? renderScalar(value, itemCache, () => Yaml.stringify([value]), '- ');
}

/** What needs no library: plain text, a literal block, a whole number. */
function renderDirect(value: unknown, indent: string): string | undefined {
  if (typeof value === 'string') return value.includes('\n') ? literalBlock(value, indent) : isPlainText(value) ? value : undefined;
  if (typeof value === 'number' && Number.isSafeInteger(value) && !Object.is(value, -0)) return String(value);
  return undefined;
}

/** The YAML library's rendering of a scalar in one context, asked once per distinct scalar. */
function renderScalar(value: unknown, cache: Map<unknown, string>, render: () => string, prefix: string): string {
  const cacheKey = scalarCacheKey(value);
  let rendered = cache.get(cacheKey);
  if (rendered === undefined) {
    rendered = singleLine(render(), prefix);
    if (typeof value === 'string') rendered = quoteIfAmbiguous(value, rendered);
    cache.set(cacheKey, rendered);
  }
  return rendered;
}

function singleLine(line: string, prefix: string): string {
  if (!line.startsWith(prefix) || line.indexOf('\n') !== line.length - 1) throw new Fallback();
  return line.slice(prefix.length, -1);
}

/** Strings and other scalars cached apart ("1" and 1 render differently); {} and [] as such. */
function scalarCacheKey(value: unknown): unknown {
  if (typeof value === 'string') return `s:${value}`;
  if (value === null || typeof value === 'number' || typeof value === 'boolean') return value;
  if (isMap(value)) return '{}';
  if (Array.isArray(value)) return '[]';
  throw new Fallback();
}
