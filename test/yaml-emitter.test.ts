import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { assertWithSeed } from './_fast-check';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import * as yaml from 'js-yaml';
import { isPlainText, readsAsNonString, stringifyDocuments } from '../lib/render/yaml-emitter';
import { ROOT } from './_cli';

const { writeFleet } = require('../scripts/fleet.js');

describe('stringifyDocuments', () => {
  test('writes every example and a 120-stack fleet exactly as cdk8s Yaml.stringify does', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'fleet-'));
    try {
      writeFleet(dir, 120);
      const stacks = [...loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))), ...loadStackFiles(findStackFiles(dir))];
      const files = renderFiles(stacks);
      expect(files.length).toBe(stacks.length);
      for (const file of files) expect(file.content).toBe(Yaml.stringify(...file.objects));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  test('writes random documents exactly as cdk8s Yaml.stringify does (tricky scalars, nesting, empties)', () => {
    const tricky = fc.constantFrom('', ' ', 'yes', 'no', 'on', 'off', 'true', 'null', '~', '0755', '1e3', '1_000', '12:30', '2024-01-01', '-', '- a', ': x', 'a: b', '#x', 'a #b',
      '*ref', '&a', '!tag', '%x', '@x', '`x', '"q"', "'q'", '[a]', '{a}', 'a\nb', 'line\n', 'x\n\n', ' lead', 'trail ', '\t', 'ünï', '25%', '$(VAR)', '0.0.0.0:$(PORT)', 'http://a:b@c/d');
    // Text a reader could take for another type is quoted on purpose (see the next test).
    const unambiguous = (s: string) => !readsAsNonString(s);
    const scalar = fc.oneof(tricky.filter(unambiguous), fc.string().filter(unambiguous), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
    const key = fc.oneof(tricky.filter(unambiguous), fc.string({ minLength: 1 }).filter(unambiguous), fc.constantFrom('app.kubernetes.io/name', 'checksum/config', 'nginx.conf'));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, scalar, tie('map'), tie('list')),
      map: fc.dictionary(key, tie('tree'), { maxKeys: 4 }),
      list: fc.array(tie('tree'), { maxLength: 4 }),
    }));
    const doc = fc.dictionary(key, tree, { minKeys: 1, maxKeys: 5 });
    assertWithSeed(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), (docs) => {
      expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
    }), 500);
  });

  test('text any YAML 1.1 or 1.2 reader takes for another type is quoted, in the fast path and the fallback alike', () => {
    const ambiguous = fc.constantFrom('0o17', '0X1F', '0B11', '+0o17', '0o7_7', '1e3', '1:20', '.5', 'y', 'N', 'Off', '~', '=', '<<', '2001-12-14', '.inf', '-.NaN', '1_000', '017', '0x_1F', '+12', '');
    const text = fc.oneof(ambiguous, fc.string(), fc.constantFrom('multi\nline', 'plain'));
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, text, fc.integer(), fc.boolean(), fc.constant(null), tie('map'), tie('list')),
      map: fc.dictionary(fc.oneof(ambiguous, fc.string({ minLength: 1 })), tie('tree'), { maxKeys: 4 }),
      list: fc.array(tie('tree'), { maxLength: 4 }),
    }));
    const doc = fc.dictionary(fc.oneof(ambiguous, fc.string({ minLength: 1 })), tree, { minKeys: 1, maxKeys: 5 });
    assertWithSeed(fc.property(fc.array(doc, { minLength: 1, maxLength: 3 }), (docs) => {
      const out = stringifyDocuments(docs);
      for (const schema of [yaml.CORE_SCHEMA, yaml.YAML11_SCHEMA]) expect(yaml.loadAll(out, { schema })).toEqual(docs);
    }), 300);
    expect(stringifyDocuments([{ data: { A: '0o17', B: '1e3' } }])).toBe('data:\n  A: "0o17"\n  B: "1e3"\n');
  });

  test('text it writes plain without asking the library is exactly what the library writes plain', () => {
    // Strings made mostly of what decides plain or quoted: digits, number and date punctuation,
    // the letters of booleans, nulls, hex and exponents, indicators, spaces.
    const char = fc.constantFrom(...'0123456789eExXoObBaAfF.:_-+ #/$(~<=yYnNtTrRuUlLsSzZ,[]{}!&*|>%@\'"?'.split(''));
    const text = fc.oneof(fc.string({ unit: char, maxLength: 12 }), fc.string({ maxLength: 6 }), fc.constantFrom('e5', 'E5', '1.', '1_0', '0b1', '0x1F', 'x1', 'a:b', 'a: b', 'a #b', 'a#b', 'cafe', 'y', 'Yes', '2001-12-14 1', '12:30:45', 'null', 'NULL', '~'));
    let plain = 0;
    assertWithSeed(fc.property(text, (t) => {
      if (!isPlainText(t)) return;
      plain++;
      expect(Yaml.stringify({ k: t })).toBe(`k: ${t}\n`);
      expect(Yaml.stringify([t])).toBe(`- ${t}\n`);
      expect(Yaml.stringify({ [t]: 0 })).toBe(`${t}: 0\n`);
    }), 3000);
    // The property saw plain text at all (a filter that rejects everything proves nothing).
    expect(plain).toBeGreaterThan(300);
  });

  test('lower-case hex text (checksums, hashes) is written plain without the library exactly where the library writes it plain', () => {
    const hex = '0123456789abcdef';
    const words: string[] = [];
    for (const a of hex) {
      words.push(a);
      for (const b of hex) {
        words.push(a + b);
        for (const c of hex) words.push(a + b + c);
      }
    }
    const longer = fc.string({ unit: fc.constantFrom(...hex.split('')), minLength: 4, maxLength: 64 });
    const libraryPlain = (t: string) => Yaml.stringify({ k: t }) === `k: ${t}\n` && Yaml.stringify([t]) === `- ${t}\n` && Yaml.stringify({ [t]: 0 }) === `${t}: 0\n`;
    // What any reader takes for a number is quoted on purpose (above), whatever the library does.
    const check = (t: string) => expect({ t, plain: isPlainText(t) }).toEqual({ t, plain: !readsAsNonString(t) && libraryPlain(t) });
    for (const word of words) check(word);
    assertWithSeed(fc.property(longer, (t) => check(t)), 2000);
    expect(['e5', '12e3', '0e0'].map(isPlainText)).toEqual([false, false, false]);
    expect(['deadbeef', 'a3f9c2e1b07d', '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08'].map(isPlainText)).toEqual([true, true, true]);
  });

  test('multi-line text (config files, scripts) at any depth is written exactly as the library writes it', () => {
    const nginxConf = 'worker_processes 1;\nevents {\n  worker_connections 64;\n}\n\nhttp {\n  server {\n    listen 8080;\n    location /static/ { alias /srv/static/; }\n  }\n}\n';
    const line = fc.string({ unit: fc.constantFrom('a', 'b', ' ', '\t', '#', ':', '-', '|', '>', '"', "'", '{', '}', ';', '%', '.'), maxLength: 8 });
    const multiLine = fc.oneof(
      fc.array(line, { minLength: 2, maxLength: 5 }).map((lines) => lines.join('\n')),
      fc.tuple(fc.array(line, { minLength: 1, maxLength: 4 }), fc.constantFrom('', '\n', '\n\n', ' \n', '\n ')).map(([lines, end]) => `${lines.join('\n')}\n${end}`),
      fc.constantFrom(nginxConf, 'set -e\npg_dump -Fc "$DB" > /backup/x\n', '#!/bin/sh\nexec "$@"', '---\nkind: x\n', '  indented\nfirst\n', '\nleading newline\n', 'ünïcode\nline\n', 'a\r\nb\n'),
    );
    const { tree } = fc.letrec((tie) => ({
      tree: fc.oneof({ depthSize: 'small', withCrossShrink: true }, multiLine, fc.constantFrom('plain', 'x'), tie('map'), tie('list')),
      map: fc.dictionary(fc.constantFrom('data', 'nginx.conf', 'script', 'n', 'a b'), tie('tree'), { minKeys: 1, maxKeys: 3 }),
      list: fc.array(tie('tree'), { minLength: 1, maxLength: 3 }),
    }));
    const doc = fc.dictionary(fc.constantFrom('data', 'spec', 'run.sh'), tree, { minKeys: 1, maxKeys: 3 });
    assertWithSeed(fc.property(fc.array(doc, { minLength: 1, maxLength: 2 }), (docs) => {
      expect(stringifyDocuments(docs)).toBe(Yaml.stringify(...docs));
    }), 400);
    expect(stringifyDocuments([{ data: { 'nginx.conf': nginxConf } }])).toBe(Yaml.stringify({ data: { 'nginx.conf': nginxConf } }));
  });

  test("an nginx.conf no longer sends its whole document through the library", () => {
    // GIVEN the static-files ConfigMap of an example (its nginx.conf) and a plain Deployment-like object
    const files = renderFiles(loadStackFiles([path.join(ROOT, 'examples/django-blog.yaml')]));
    const configMap = files.flatMap((f) => f.objects).find((o) => o.kind === 'ConfigMap' && Object.keys(o.data ?? {}).some((k) => k.endsWith('.conf')));
    expect(configMap).toBeDefined();
    const plain = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web-1a2b', labels: { 'app.kubernetes.io/name': 'web' } }, spec: { replicas: 3, template: { spec: { containers: [{ name: 'web', image: 'registry.example.com/web:1.2.3', args: ['--bind', '0.0.0.0:$(PORT)'] }] } } } };
    const spy = jest.spyOn(Yaml, 'stringify');
    try {
      // WHEN both are written
      const out = stringifyDocuments([configMap, plain]);
      // THEN the library wrote no whole document: at most a scalar or key in isolation, one line
      const written = spy.mock.results.map((r) => String(r.value));
      expect(written.filter((text) => text.indexOf('\n') !== text.length - 1)).toEqual([]);
      spy.mockRestore();
      expect(out).toBe(Yaml.stringify(configMap, plain));
    } finally {
      spy.mockRestore();
    }
  });
});
