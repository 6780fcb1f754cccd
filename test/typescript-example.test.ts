import * as fs from 'fs';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { synthShop } from '../examples/typescript/shop';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import { synth } from '../lib/synth';
import { writeOutput } from '../lib/write/staged-output';
import { ROOT, readTree, tempDir } from './_cli';

// The README's TypeScript section is examples/typescript/shop.ts: `npm test` type-checks it (tsc)
// and runs it here, into a temporary folder.
const EXAMPLE = path.join(ROOT, 'examples/typescript/shop.ts');

let work: string;
beforeAll(() => { work = tempDir('ts-example-'); });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

describe('examples/typescript/shop.ts', () => {
  test('is the code the README shows, word for word', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf-8');
    const section = readme.slice(readme.indexOf('## Using the constructs from TypeScript'));
    const shown = /```ts\n([\s\S]*?)```/.exec(section)![1];
    const source = fs.readFileSync(EXAMPLE, 'utf-8');
    const body = source.slice(source.indexOf('import '), source.indexOf('if (require.main === module)')).trimEnd();
    expect(shown.trimEnd()).toBe(body);
  });

  test('writes each target folder as npm run synth does: manifests, kustomization.yaml, README.md', () => {
    const out = path.join(work, 'out');
    synthShop(out);
    expect(Object.keys(readTree(out)).sort()).toEqual([
      'apps/README.md', 'apps/api.k8s.yaml', 'apps/kustomization.yaml',
      'production/README.md', 'production/kustomization.yaml', 'production/shop.k8s.yaml',
    ]);
    const shop = yaml.loadAll(fs.readFileSync(path.join(out, 'production/shop.k8s.yaml'), 'utf-8')) as any[];
    const web = shop.find((o) => o.kind === 'Deployment');
    expect(web.spec.template.metadata.annotations['example.com/team']).toBe('payments');
    expect(yaml.load(fs.readFileSync(path.join(out, 'apps/kustomization.yaml'), 'utf-8'))).toMatchObject({ resources: ['api.k8s.yaml'] });
  });
});

describe('writeOutput', () => {
  test('writes exactly what the synth command writes for the same stacks', () => {
    const examples = path.join(ROOT, 'examples');
    writeOutput(path.join(work, 'library'), renderFiles(loadStackFiles(findStackFiles(examples))));
    synth({ configs: [examples], outdir: path.join(work, 'command') });
    expect(readTree(path.join(work, 'library'))).toEqual(readTree(path.join(work, 'command')));
  });
});
