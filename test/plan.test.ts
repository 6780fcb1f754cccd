import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { formatPlan, planChanges, readRender } from '../lib/plan';
import { UserError } from '../lib/user-error';
import { ROOT, buildCli, runCli, tempDir } from './_cli';

/** A hand-made object: enough identity and content to compare. */
function obj(kind: string, name: string, namespace?: string, spec: Record<string, unknown> = {}): any {
  const apiVersion = kind === 'StatefulSet' || kind === 'Deployment' ? 'apps/v1' : 'v1';
  return { apiVersion, kind, metadata: namespace ? { name, namespace } : { name }, ...spec };
}

const render = (entries: Record<string, any[]>) => new Map(Object.entries(entries));

const BASE = [
  obj('Namespace', 'blog'),
  obj('Deployment', 'blog-web', 'blog', { spec: { replicas: 2, image: 'blog:1' } }),
  obj('ConfigMap', 'blog-web-env', 'blog', { data: { A: '1', B: '2' } }),
  obj('PersistentVolumeClaim', 'blog-media', 'blog', { spec: { size: '1Gi' } }),
  obj('StatefulSet', 'blog-postgres', 'blog'),
];

describe('planChanges / formatPlan', () => {
  test('the same render: no changes, safe', () => {
    const result = planChanges(render({ production: BASE }), render({ production: structuredClone(BASE) }));
    expect(result).toEqual({ targets: [{ target: 'production', added: [], removed: [], changed: [] }], dataLoss: [] });
    expect(formatPlan(result)).toBe('target production: no changes\nsafe: no data-bearing object is removed');
  });

  test('lists added, changed (with a short field diff) and removed objects, sorted by kind then namespace/name', () => {
    const changed = obj('ConfigMap', 'blog-web-env', 'blog', { data: { A: '1', B: 'changed' } });
    const kept = BASE.filter((o) => o.kind !== 'Deployment').map((o) => (o.kind === 'ConfigMap' ? changed : o));
    const current = [...kept, obj('Service', 'blog-web', 'blog'), obj('ConfigMap', 'a-first', 'blog')];
    const text = formatPlan(planChanges(render({ production: current }), render({ production: BASE })));
    expect(text.split('\n')).toEqual([
      'target production: 2 added, 1 changed, 1 removed',
      '  + ConfigMap blog/a-first',
      '  + Service blog/blog-web',
      '  ~ ConfigMap blog/blog-web-env',
      '         A: \'1\'',
      '      -  B: \'2\'',
      '      +  B: changed',
      '       kind: ConfigMap',
      '  - Deployment blog/blog-web',
      'safe: no data-bearing object is removed',
    ]);
  });

  test('key order alone is not a change', () => {
    const reordered = { metadata: { namespace: 'blog', name: 'blog-web-env' }, data: { B: '2', A: '1' }, kind: 'ConfigMap', apiVersion: 'v1' };
    expect(planChanges(render({ p: [reordered] }), render({ p: [BASE[2]] })).targets[0].changed).toEqual([]);
  });

  test('a renamed PersistentVolumeClaim is removed + added, and counts as data loss', () => {
    const current = BASE.map((o) => (o.kind === 'PersistentVolumeClaim' ? { ...o, metadata: { name: 'blog-uploads', namespace: 'blog' } } : o));
    const result = planChanges(render({ production: current }), render({ production: BASE }));
    expect(result.targets[0].added).toEqual([{ target: 'production', apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'blog', name: 'blog-uploads' }]);
    expect(result.dataLoss).toEqual([{ target: 'production', apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'blog', name: 'blog-media' }]);
    const text = formatPlan(result);
    expect(text).toContain('  - PersistentVolumeClaim blog/blog-media  DATA LOSS: its volume and the data on it would be deleted (renamed to blog/blog-uploads? in GitOps a rename is a delete)');
    expect(text.split('\n').pop()).toBe('DATA LOSS: 1 data-bearing object(s) would be deleted (PersistentVolumeClaim); re-run with --allow-data-loss if that is intended');
  });

  test('a removed StatefulSet and Namespace count as data loss; a removed Deployment does not', () => {
    const loss = planChanges(render({ production: [BASE[2], BASE[3]] }), render({ production: BASE }));
    expect(loss.dataLoss.map((r) => r.kind)).toEqual(['Namespace', 'StatefulSet']);
    expect(formatPlan(loss)).toMatch(/- Namespace blog {2}DATA LOSS: deleting a Namespace/);
    expect(formatPlan(loss).split('\n').pop()).toBe('DATA LOSS: 2 data-bearing object(s) would be deleted (StatefulSet, Namespace); re-run with --allow-data-loss if that is intended');
    const fine = planChanges(render({ production: BASE.filter((o) => o.kind !== 'Deployment') }), render({ production: BASE }));
    expect(fine.dataLoss).toEqual([]);
  });

  test('a whole target folder added or removed counts, removal with its data loss', () => {
    const result = planChanges(render({ staging: BASE }), render({ production: BASE }));
    expect(result.targets.map((t) => [t.target, t.added.length, t.removed.length])).toEqual([['production', 0, 5], ['staging', 5, 0]]);
    expect(result.dataLoss.map((r) => `${r.target}/${r.kind}`)).toEqual(['production/Namespace', 'production/PersistentVolumeClaim', 'production/StatefulSet']);
    expect(formatPlan(result)).toContain('- Namespace blog  DATA LOSS: deleting a Namespace deletes every object in it, volumes included (renamed to staging: blog?');
  });

  test('with allowDataLoss the verdict still says DATA LOSS, loudly', () => {
    const text = formatPlan(planChanges(render({}), render({ production: BASE })), { allowDataLoss: true });
    expect(text.split('\n').pop()).toMatch(/^DATA LOSS ALLOWED \(--allow-data-loss\): 3 data-bearing object\(s\) would be deleted/);
  });

  test('never prints Secret values: data and stringData are redacted on both sides', () => {
    const secret = (data: Record<string, string>, stringData: Record<string, string>) => obj('Secret', 's', 'blog', { data, stringData });
    const before = secret({ PASSWORD: 'aHVudGVyMg==' }, { TOKEN: 'old-token' });
    const after = secret({ PASSWORD: 'c3dvcmRmaXNo', API_KEY: 'bmV3LWtleQ==' }, { TOKEN: 'new-token' });
    const text = formatPlan(planChanges(render({ p: [after] }), render({ p: [before] })));
    for (const value of ['aHVudGVyMg==', 'c3dvcmRmaXNo', 'bmV3LWtleQ==', 'old-token', 'new-token']) expect(text).not.toContain(value);
    expect(text).toContain('+  API_KEY: <redacted>');
    const valuesOnly = planChanges(render({ p: [secret({ PASSWORD: 'bmV3' }, {})] }), render({ p: [secret({ PASSWORD: 'b2xk' }, {})] }));
    expect(valuesOnly.targets[0].changed[0].diff).toBe('(only Secret values changed; not shown)');
    expect(formatPlan(valuesOnly)).not.toMatch(/bmV3|b2xk/);
  });

  test('a long diff is cut at 15 lines, then a count', () => {
    const wide = (v: string) => obj('ConfigMap', 'c', 'n', { data: Object.fromEntries(Array.from({ length: 30 }, (_, i) => [`K${i}`, v])) });
    const lines = formatPlan(planChanges(render({ p: [wide('new')] }), render({ p: [wide('old')] }))).split('\n');
    expect(lines.filter((l) => l.startsWith('      '))).toHaveLength(16);
    expect(lines).toContain('      ... 47 more lines');
  });

  test('the output is deterministic: input order does not matter', () => {
    const a = formatPlan(planChanges(render({ b: BASE.slice(1), a: BASE }), render({ a: BASE.slice(2) })));
    const b = formatPlan(planChanges(render({ a: [...BASE].reverse(), b: BASE.slice(1).reverse() }), render({ a: BASE.slice(2).reverse() })));
    expect(a).toBe(b);
  });
});

describe('readRender', () => {
  let dir: string;
  beforeEach(() => { dir = tempDir('pyweb-plan-'); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('reads every *.k8s.yaml of each target folder and ignores other files', () => {
    fs.mkdirSync(path.join(dir, 'production'));
    fs.writeFileSync(path.join(dir, 'production/blog.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: blog\n---\n');
    fs.writeFileSync(path.join(dir, 'production/kustomization.yaml'), 'resources: [blog.k8s.yaml]\n');
    fs.writeFileSync(path.join(dir, 'README.md'), '# rendered\n');
    expect(readRender(dir)).toEqual(new Map([['production', [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'blog' } }]]]));
  });

  test('a missing folder is an empty render', () => {
    expect(readRender(path.join(dir, 'nope')).size).toBe(0);
  });

  test('fails if a rendered file is not YAML of Kubernetes objects', () => {
    fs.mkdirSync(path.join(dir, 'p'));
    fs.writeFileSync(path.join(dir, 'p/x.k8s.yaml'), 'kind: [unclosed\n');
    expect(() => readRender(dir)).toThrow(UserError);
    fs.writeFileSync(path.join(dir, 'p/x.k8s.yaml'), 'just: a mapping\n');
    expect(() => readRender(dir)).toThrow(/not a Kubernetes object/);
  });
});

/** Runs the real `plan` command line, as a user would. */
function runPlan(args: string[]) {
  const r = spawnSync(process.execPath, [path.join(ROOT, 'build/plan.js'), ...args], { cwd: ROOT, encoding: 'utf-8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const STACK = 'name: shop\nweb:\n  image: ghcr.io/acme/shop:1.4.2\n  framework: flask\nmedia:\n  size: 1Gi\n  mountPath: /app/media\n';

describe('plan command line', () => {
  let work: string;
  let stack: string;
  let out: string;
  beforeAll(buildCli);
  beforeEach(() => {
    work = tempDir('pyweb-plan-');
    stack = path.join(work, 'shop.yaml');
    out = path.join(work, 'out');
    fs.writeFileSync(stack, STACK);
    expect(runCli(['--config', stack, '--outdir', out]).code).toBe(0);
  });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  const plan = (...extra: string[]) => runPlan(['--config', stack, '--against', out, ...extra]);

  test('nothing changed since the render: exit 0, no changes', () => {
    const r = plan();
    expect(r).toEqual({ code: 0, stdout: 'target development: no changes\nsafe: no data-bearing object is removed\n', stderr: '' });
  });

  test('a new image tag: exit 0, the Deployment changed with the image line in its diff', () => {
    fs.writeFileSync(stack, STACK.replace('1.4.2', 'changed'));
    const r = plan();
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^target development: 0 added, \d+ changed, 0 removed$/m);
    expect(r.stdout).toContain('  ~ Deployment shop/shop-web\n');
    expect(r.stdout).toMatch(/^ {6}- +image: ghcr\.io\/acme\/shop:1\.4\.2\n {6}\+ +image: ghcr\.io\/acme\/shop:changed$/m);
    expect(r.stdout.trim().split('\n').pop()).toBe('safe: no data-bearing object is removed');
  });

  test('fails if media is removed: exit 3, naming the PersistentVolumeClaim', () => {
    fs.writeFileSync(stack, STACK.replace(/media:[\s\S]*/, ''));
    const r = plan();
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('  - PersistentVolumeClaim shop/shop-media  DATA LOSS: its volume and the data on it would be deleted\n');
    expect(r.stdout).toMatch(/DATA LOSS: 1 data-bearing object\(s\) would be deleted \(PersistentVolumeClaim\); re-run with --allow-data-loss if that is intended\n$/);
  });

  test('fails if the stack is renamed: exit 3 (a rename is a delete); --allow-data-loss gives exit 0, still loud', () => {
    fs.writeFileSync(stack, STACK.replace('name: shop', 'name: store'));
    const r = plan();
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('  - Namespace shop  DATA LOSS:');
    expect(r.stdout).toContain('  - PersistentVolumeClaim shop/shop-media  DATA LOSS:');
    expect(r.stdout).toContain('  + PersistentVolumeClaim store/store-media\n');
    const allowed = plan('--allow-data-loss');
    expect(allowed.code).toBe(0);
    expect(allowed.stdout).toMatch(/DATA LOSS ALLOWED \(--allow-data-loss\): 2 data-bearing object\(s\) would be deleted/);
    expect(allowed.stderr).toMatch(/^WARNING: --allow-data-loss/);
  });

  test('with no previous render everything is added: exit 0, a note on stderr', () => {
    const r = runPlan(['--config', stack, '--against', path.join(work, 'none')]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^target development: \d+ added, 0 changed, 0 removed$/m);
    expect(r.stderr).toMatch(/does not exist: comparing with an empty render/);
  });

  test('fails if a stack file is invalid: exit 2, its problems on stderr, no stack trace', () => {
    fs.writeFileSync(stack, STACK.replace('flask', 'rails'));
    const r = plan();
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/shop\.yaml: web\.framework/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });

  test('fails if --against is not a render, or an option is unknown: exit 2', () => {
    expect(runPlan(['--config', stack, '--against', stack])).toMatchObject({ code: 2, stderr: expect.stringMatching(/not a directory/) });
    fs.writeFileSync(path.join(out, 'development/shop.k8s.yaml'), 'kind: [broken\n');
    expect(plan()).toMatchObject({ code: 2, stderr: expect.stringMatching(/shop\.k8s\.yaml: not valid YAML/) });
    expect(runPlan(['--bogus'])).toMatchObject({ code: 2, stderr: expect.stringMatching(/Unknown option '--bogus'/) });
  });

  test('--help prints the usage and exits 0', () => {
    expect(runPlan(['--help'])).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: plan /) });
  });
});
