import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Yaml } from 'cdk8s';
import * as fc from 'fast-check';
import { assertWithSeed } from './_fast-check';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import { stringifyDocuments } from '../lib/render/yaml-emitter';
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
    const scalar = fc.oneof(tricky, fc.string(), fc.integer(), fc.double({ noNaN: true }), fc.boolean(), fc.constant(null));
    const key = fc.oneof(tricky, fc.string({ minLength: 1 }), fc.constantFrom('app.kubernetes.io/name', 'checksum/config', 'nginx.conf'));
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
});
