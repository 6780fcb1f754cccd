import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { compareQuantities, exactQuantity as parseQuantity } from '../constructs/_quantity';
import { formatPlan, planChanges, readRender } from '../lib/plan/plan';
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
    expect(result).toEqual({ targets: [{ target: 'production', added: [], removed: [], changed: [] }], dataLoss: [], blocked: [] });
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
    // The same names in another target are another deployment, not a rename: no guess.
    expect(formatPlan(result)).toContain('  - Namespace blog  DATA LOSS: deleting a Namespace deletes every object in it, volumes included\n');
    expect(formatPlan(result)).not.toContain('renamed');
  });

  test('a rename is guessed only when unambiguous: one removed and one added of the kind, same target and namespace', () => {
    const pvc = (name: string, namespace = 'blog') => obj('PersistentVolumeClaim', name, namespace);
    const hint = (current: any[], previous: any[], removed: string) => formatPlan(planChanges(render({ p: current }), render({ p: previous })))
      .split('\n').find((l) => l.startsWith(`  - ${removed} `));
    // Another namespace: the old stack's data claim is not the new stack's media claim.
    expect(hint([pvc('store-media', 'store')], [pvc('blog-data')], 'PersistentVolumeClaim blog/blog-data')).not.toContain('renamed');
    // Two candidates, or two removed: no guess.
    expect(hint([pvc('a'), pvc('b')], [pvc('blog-data')], 'PersistentVolumeClaim blog/blog-data')).not.toContain('renamed');
    expect(hint([pvc('a')], [pvc('blog-data'), pvc('blog-media')], 'PersistentVolumeClaim blog/blog-data')).not.toContain('renamed');
    expect(hint([pvc('blog-uploads'), obj('ConfigMap', 'c', 'blog')], [pvc('blog-media')], 'PersistentVolumeClaim blog/blog-media'))
      .toContain('(renamed to blog/blog-uploads? in GitOps a rename is a delete)');
    // A Namespace: exactly one Namespace added in that target.
    expect(hint([obj('Namespace', 'store')], [obj('Namespace', 'blog')], 'Namespace blog')).toContain('(renamed to store? in GitOps a rename is a delete)');
    expect(hint([obj('Namespace', 'store'), obj('Namespace', 'shop')], [obj('Namespace', 'blog')], 'Namespace blog')).not.toContain('renamed');
    const otherTarget = formatPlan(planChanges(render({ development: [obj('Namespace', 'store')] }), render({ p: [obj('Namespace', 'blog')] })));
    expect(otherTarget).not.toContain('renamed');
  });

  test('a removed StatefulSet is worded for a standalone claim: the database stops; template claims only per policy', () => {
    const text = formatPlan(planChanges(render({ p: [] }), render({ p: [obj('StatefulSet', 'blog-postgres', 'blog')] })));
    expect(text).toContain('  - StatefulSet blog/blog-postgres  DATA LOSS: deleting it stops its pods (the database or Redis, in our stacks); '
      + 'claims from volumeClaimTemplates, if any, go too when its persistentVolumeClaimRetentionPolicy says Delete');
    expect(text).not.toContain('PVC retention policy');
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

  test('never prints Secret values held in annotations (last-applied-configuration) or other fields', () => {
    const lastApplied = (password: string) => JSON.stringify({ apiVersion: 'v1', kind: 'Secret', data: { PASSWORD: password } });
    const secret = (password: string, note: string) => ({ ...obj('Secret', 's', 'blog', { data: { PASSWORD: password } }), metadata: {
      name: 's', namespace: 'blog', labels: { team: 'a' }, annotations: { 'kubectl.kubernetes.io/last-applied-configuration': lastApplied(password), note },
    }, immutable: false });
    const text = formatPlan(planChanges(render({ p: [secret('bmV3LXB3', 'new-note-value')] }), render({ p: [secret('b2xkLXB3', 'old-note-value')] })));
    for (const value of ['bmV3LXB3', 'b2xkLXB3', 'new-note-value', 'old-note-value']) expect(text).not.toContain(value);
    expect(text).toContain('changed');
  });

  describe('PersistentVolumeClaim updates the API server refuses', () => {
    const claim = (spec: Record<string, unknown>) => obj('PersistentVolumeClaim', 'blog-media', 'blog', {
      spec: { accessModes: ['ReadWriteMany'], resources: { requests: { storage: '1Gi' } }, ...spec },
    });
    const plan = (after: Record<string, unknown>, before: Record<string, unknown> = {}) => planChanges(render({ p: [claim(after)] }), render({ p: [claim(before)] }));
    const refLine = (text: string) => text.split('\n').find((l) => l.startsWith('  ~ PersistentVolumeClaim blog/blog-media'));

    test('fails if the storage class changes: REFUSED on the line, in blocked, in the verdict', () => {
      const result = plan({ storageClassName: 'fast' }, { storageClassName: 'standard' });
      expect(result.blocked).toEqual([{
        ref: { target: 'p', apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace: 'blog', name: 'blog-media' },
        reason: 'spec.storageClassName changed (standard -> fast): the claim\'s class is fixed once created',
      }]);
      expect(result.dataLoss).toEqual([]);
      const text = formatPlan(result);
      expect(refLine(text)).toBe('  ~ PersistentVolumeClaim blog/blog-media  REFUSED: spec.storageClassName changed (standard -> fast): the claim\'s class is fixed once created');
      expect(text.split('\n').pop()).toBe('REFUSED: 1 change(s) the API server would reject (PersistentVolumeClaim); the apply would fail, '
        + 'so --allow-data-loss does not override this: revert them');
    });

    test('fails if a storage class is set where the cluster default was used, unless it is that default', () => {
      expect(plan({ storageClassName: 'fast' }).blocked.map((b) => b.reason)).toEqual([
        'spec.storageClassName changed ((unset) -> fast): the claim\'s class is fixed once created (unless fast is the default class the cluster gave it)',
      ]);
      expect(plan({}, { storageClassName: 'fast' }).blocked.map((b) => b.reason)).toEqual([
        'spec.storageClassName changed (fast -> (unset)): the claim\'s class is fixed once created',
      ]);
    });

    test('fails if the access modes change', () => {
      expect(plan({ accessModes: ['ReadWriteOnce'] }).blocked.map((b) => b.reason)).toEqual([
        'spec.accessModes changed ([ReadWriteMany] -> [ReadWriteOnce]): the claim\'s access modes are fixed once created',
      ]);
    });

    test('fails if the claim shrinks, in any unit; each refusal is listed, and data loss is named too', () => {
      const shrink = plan({ storageClassName: 'b', resources: { requests: { storage: '1000Mi' } } }, { storageClassName: 'a' });
      expect(shrink.blocked.map((b) => b.reason)).toEqual([
        'spec.storageClassName changed (a -> b): the claim\'s class is fixed once created',
        'spec.resources.requests.storage shrinks (1Gi -> 1000Mi): a claim can grow, never shrink',
      ]);
      expect(refLine(formatPlan(shrink))).toBe('  ~ PersistentVolumeClaim blog/blog-media  REFUSED: spec.storageClassName changed (a -> b): '
        + 'the claim\'s class is fixed once created  REFUSED: spec.resources.requests.storage shrinks (1Gi -> 1000Mi): a claim can grow, never shrink');
      expect(plan({ resources: { requests: { storage: '1G' } } }).blocked).toHaveLength(1); // 1G < 1Gi
      const withLoss = planChanges(render({ p: [claim({ resources: { requests: { storage: '512Mi' } } })] }),
        render({ p: [claim({}), obj('Namespace', 'old')] }));
      expect(formatPlan(withLoss, { allowDataLoss: true }).split('\n').pop()).toBe('REFUSED: 1 change(s) the API server would reject (PersistentVolumeClaim); '
        + 'the apply would fail, so --allow-data-loss does not override this: revert them. '
        + 'DATA LOSS ALLOWED (--allow-data-loss): 1 data-bearing object(s) would be deleted (Namespace); their data will be gone once this is applied');
    });

    test('fails if the new size is not a quantity', () => {
      expect(plan({ resources: { requests: { storage: '2GB' } } }).blocked.map((b) => b.reason)).toEqual(['spec.resources.requests.storage 2GB is not a quantity']);
    });

    test('a larger claim is no refusal, only a note; the same size spelled otherwise is neither', () => {
      const grow = plan({ resources: { requests: { storage: '2Gi' } } });
      expect(grow.blocked).toEqual([]);
      expect(grow.targets[0].changed[0].notes).toEqual(['(expansion: needs a storage class with allowVolumeExpansion)']);
      expect(refLine(formatPlan(grow))).toBe('  ~ PersistentVolumeClaim blog/blog-media  (expansion: needs a storage class with allowVolumeExpansion)');
      expect(formatPlan(grow).split('\n').pop()).toBe('safe: no data-bearing object is removed');
      const same = plan({ resources: { requests: { storage: '1073741824' } } });
      expect([same.blocked, same.targets[0].changed[0].notes]).toEqual([[], []]);
      // Other kinds are not checked.
      const cm = (storageClassName: string) => obj('ConfigMap', 'c', 'blog', { spec: { storageClassName } });
      expect(planChanges(render({ p: [cm('b')] }), render({ p: [cm('a')] })).blocked).toEqual([]);
    });
  });

  test('parseQuantity: binary and decimal suffixes, plain and decimal numbers, exponents, exactly', () => {
    const eq = (a: string, b: string) => compareQuantities(parseQuantity(a)!, parseQuantity(b)!);
    expect(eq('1Gi', '1073741824')).toBe(0);
    expect(eq('1Ki', '1024')).toBe(0);
    expect(eq('1.5Gi', '1536Mi')).toBe(0);
    expect(eq('1Ei', '1024Pi')).toBe(0);
    expect(eq('1Pi', '1024Ti')).toBe(0);
    expect(eq('1k', '1000')).toBe(0);
    expect(eq('1E', '1000P')).toBe(0);
    expect(eq('1e3', '1k')).toBe(0);
    expect(eq('1E3', '1k')).toBe(0);
    expect(eq('0.1G', '100M')).toBe(0);
    expect(eq('1T', '1000G')).toBe(0);
    expect(eq('.5Mi', '512Ki')).toBe(0);
    expect(eq('1G', '1Gi')).toBe(-1);
    expect(eq('1Mi', '1M')).toBe(1);
    expect(eq('500m', '1')).toBe(-1);
    for (const bad of ['', 'Gi', '1GB', '1gi', '1 Gi', '.', '1e', 'ten', '1.2.3']) expect(parseQuantity(bad)).toBeUndefined();
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

  test('an empty folder is an empty render', () => {
    expect(readRender(dir).size).toBe(0);
  });

  test('fails if the folder does not exist: comparing with nothing would hide every removal', () => {
    expect(() => readRender(path.join(dir, 'nope'))).toThrow(/nope: no such folder/);
  });

  test('with stack names, reads only <target>/<name>.k8s.yaml of those stacks, in every target', () => {
    const ns = (name: string) => `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`;
    for (const [file, name] of [['production/blog.k8s.yaml', 'blog'], ['staging/blog.k8s.yaml', 'blog'], ['production/shop.k8s.yaml', 'shop'], ['dev/shop.k8s.yaml', 'shop']]) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), ns(name));
    }
    const names = (r: Map<string, any[]>) => [...r].map(([t, objects]) => `${t}:${objects.map((o) => o.metadata.name).join(',')}`);
    expect(names(readRender(dir, new Set(['blog'])))).toEqual(['production:blog', 'staging:blog']);
    expect(names(readRender(dir))).toEqual(['dev:shop', 'production:blog,shop', 'staging:blog']);
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

  const SCOPE = 'comparing stacks: shop (the other files of OUT are not compared: --config names files)';
  const scope = () => SCOPE.replace('OUT', out);

  test('nothing changed since the render: exit 0, no changes', () => {
    const r = plan();
    expect(r).toEqual({ code: 0, stdout: `${scope()}\ntarget development: no changes\nsafe: no data-bearing object is removed\n`, stderr: '' });
  });

  /** A previous render's file of another stack, which the current render does not produce. */
  const otherStack = (target: string) => {
    fs.mkdirSync(path.join(out, target), { recursive: true });
    fs.writeFileSync(path.join(out, target, 'blog.k8s.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: blog\n---\n'
      + 'apiVersion: v1\nkind: PersistentVolumeClaim\nmetadata:\n  name: blog-media\n  namespace: blog\nspec:\n  accessModes: [ReadWriteOnce]\n');
  };

  test('a stack file plans that stack only: the other stacks\' files are not removals; the output says so', () => {
    otherStack('development');
    otherStack('production');
    const r = plan();
    expect(r).toEqual({ code: 0, stdout: `${scope()}\ntarget development: no changes\nsafe: no data-bearing object is removed\n`, stderr: '' });
  });

  test('fails if a target of the planned stack is gone, even with --config naming a file: any target of its name counts', () => {
    fs.mkdirSync(path.join(out, 'staging'));
    fs.copyFileSync(path.join(out, 'development/shop.k8s.yaml'), path.join(out, 'staging/shop.k8s.yaml'));
    otherStack('staging');
    const r = plan();
    expect(r.code).toBe(3);
    expect(r.stdout).toMatch(/^target staging: 0 added, 0 changed, \d+ removed$/m);
    expect(r.stdout).toContain('  - PersistentVolumeClaim shop/shop-media  DATA LOSS:');
    expect(r.stdout).not.toContain('blog');
  });

  test('a stack file whose stack is not in the previous render: a note that a rename would not be seen', () => {
    fs.writeFileSync(stack, STACK.replace('name: shop', 'name: store'));
    const r = plan();
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').slice(0, 2)).toEqual([
      `comparing stacks: store (the other files of ${out} are not compared: --config names files)`,
      `note: store is not in ${out}: if it is a renamed stack, the old name's removal is not compared; plan its directory to see it`,
    ]);
  });

  test('fails if --config names directories only and the render holds another stack: everything is compared', () => {
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.renameSync(stack, path.join(stacks, 'shop.yaml'));
    otherStack('development');
    const r = runPlan(['--config', stacks, '--against', out]);
    expect(r.code).toBe(3);
    expect(r.stdout.split('\n')[0]).toBe(`comparing: all of ${out} (--config names directories only)`);
    expect(r.stdout).toContain('  - PersistentVolumeClaim blog/blog-media  DATA LOSS:');
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
    const stacks = path.join(work, 'stacks');
    fs.mkdirSync(stacks);
    fs.writeFileSync(path.join(stacks, 'shop.yaml'), STACK.replace('name: shop', 'name: store'));
    const plan = (...extra: string[]) => runPlan(['--config', stacks, '--against', out, ...extra]);
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

  test('with an empty previous render everything is added: exit 0', () => {
    const empty = path.join(work, 'empty');
    fs.mkdirSync(empty);
    const r = runPlan(['--config', stack, '--against', empty]);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^target development: \d+ added, 0 changed, 0 removed$/m);
  });

  test('fails if --against does not exist: exit 2, a typo must not disable the data-loss guard', () => {
    const none = path.join(work, 'none');
    expect(runPlan(['--config', stack, '--against', none])).toEqual({
      code: 2,
      stdout: '',
      stderr: `--against ${none}: no such folder (allowed: a previous render, e.g. dist or a checkout of main's dist)\n`,
    });
  });

  test('fails if the media claim shrinks or changes class: exit 3 with REFUSED, even with --allow-data-loss', () => {
    fs.writeFileSync(stack, STACK.replace('size: 1Gi', 'size: 512Mi'));
    const r = plan('--allow-data-loss');
    expect(r.code).toBe(3);
    expect(r.stdout).toContain('  ~ PersistentVolumeClaim shop/shop-media  REFUSED: spec.resources.requests.storage shrinks (1Gi -> 512Mi): a claim can grow, never shrink\n');
    expect(r.stdout.trim().split('\n').pop()).toMatch(/^REFUSED: 1 change\(s\) the API server would reject \(PersistentVolumeClaim\); the apply would fail, so --allow-data-loss does not override this/);
    fs.writeFileSync(stack, `${STACK}  storageClassName: fast\n`);
    expect(plan()).toMatchObject({ code: 3, stdout: expect.stringContaining('REFUSED: spec.storageClassName changed ((unset) -> fast)') });
  });

  test('a larger media claim applies: exit 0, an expansion note', () => {
    fs.writeFileSync(stack, STACK.replace('size: 1Gi', 'size: 2Gi'));
    const r = plan();
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('  ~ PersistentVolumeClaim shop/shop-media  (expansion: needs a storage class with allowVolumeExpansion)\n');
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

describe('database engine switch to CloudNativePG', () => {
  const objectsOf = (database: any) => {
    const { PythonWebStack } = require('../constructs');
    const { Testing } = require('cdk8s');
    const chart = new PythonWebStack(Testing.app(), 'shop', { name: 'shop', environment: 'production', web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'django' }, database, secrets: { source: 'existing' } });
    return Testing.synth(chart);
  };
  const statefulset = () => objectsOf({ image: 'postgres:15.8', backup: false });
  const cnpg = (extra: any = {}) => objectsOf({ image: 'postgres:15.8', engine: 'cloudnative-pg', backup: false, ...extra });

  test('fails (exit 3) if the switch drops the old data: the StatefulSet is said to be replaced by an empty Cluster', () => {
    const result = planChanges(render({ production: cnpg() }), render({ production: statefulset() }));
    expect(result.dataLoss.map((r) => `${r.kind} ${r.name}`).sort()).toEqual(['PersistentVolumeClaim shop-postgres-data', 'StatefulSet shop-postgres']);
    expect(formatPlan(result)).toMatch(/- StatefulSet shop\/shop-postgres {2}DATA LOSS: .*\(database engine switch to CloudNativePG Cluster shop-postgres without database.importFrom: the new database starts empty\)/);
  });

  test('with importFrom: statefulset, nothing is removed and the added Cluster says where its data comes from', () => {
    const result = planChanges(render({ production: cnpg({ importFrom: 'statefulset' }) }), render({ production: statefulset() }));
    expect(result.dataLoss).toEqual([]);
    const text = formatPlan(result);
    expect(text).toContain('+ Cluster shop/shop-postgres  (database engine switch: CloudNativePG imports the data of shop-postgres (database.importFrom))');
    expect(text.split('\n').pop()).toBe('safe: no data-bearing object is removed');
  });

  test('a removed Cluster is data loss; so is a removed backups claim', () => {
    const backups = objectsOf({ backup: { schedule: '0 2 * * *' } });
    expect(planChanges(render({ p: statefulset() }), render({ p: backups })).dataLoss.map((r) => r.name)).toEqual(['shop-postgres-backups']);
    expect(planChanges(render({ p: [] }), render({ p: cnpg() })).dataLoss.map((r) => `${r.kind} ${r.name}`)).toContain('Cluster shop-postgres');
  });
});
