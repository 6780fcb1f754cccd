import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { assertWithSeed } from './_fast-check';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import * as yaml from 'js-yaml';
import { readsAsNonString, stringifyDocuments } from '../lib/render/yaml-emitter';
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
});
