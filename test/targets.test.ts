import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { deepMerge } from '../lib/load/targets';
import { defaultConfigs, findStackFiles, loadStackFiles, parseStackTargets } from '../lib/load/stack-file';
import { ROOT, buildCli, readTree, runCli, tempDir } from './_cli';
import { requireProgram } from './_servers';

const BASE = `name: shop
environment: production
region: eu-west-1
web:
  image: ghcr.io/acme/shop:1.0.0
  framework: django
  env: {A: "1", B: "2"}
  command: [gunicorn, shop.wsgi]
secrets: {source: existing}
ingress: {host: "shop.\${region}.example.com"}
`;

describe('deploy targets', () => {
  test('without targets there is one target, named after the environment', () => {
    const { targets } = parseStackTargets(BASE);
    expect(targets.map((t) => t.target)).toEqual(['production']);
    expect(targets[0].config.ingress).toEqual({ host: 'shop.eu-west-1.example.com' });
  });

  test('each target is the stack deep-merged with its overrides: maps merge, lists and scalars replace', () => {
    const { targets, issues } = parseStackTargets(`${BASE}targets:
  staging: {environment: staging, region: eu-central-1, web: {env: {B: "3"}, command: [uvicorn]}}
  production-us: {region: us-east-1, ingress: false}
`);
    expect(issues).toEqual([]);
    const [staging, us] = targets;
    expect(staging.target).toBe('staging');
    expect(staging.config.environment).toBe('staging');
    expect(staging.config.web.env).toEqual({ A: '1', B: '3' });
    expect(staging.config.web.command).toEqual(['uvicorn']);
    expect(staging.config.ingress).toEqual({ host: 'shop.eu-central-1.example.com' });
    expect(us.config.ingress).toBe(false);
    expect(us.config.environment).toBe('production');
    expect((us.config as unknown as Record<string, unknown>).targets).toBeUndefined();
  });

  test('deepMerge replaces lists and lets false turn a section off', () => {
    expect(deepMerge({ a: { b: 1, c: [1, 2] }, d: { e: 1 } }, { a: { c: [3] }, d: false })).toEqual({ a: { b: 1, c: [3] }, d: false });
  });

  test('fails if a target breaks the merged stack, naming the target', () => {
    const { issues } = parseStackTargets(`${BASE}targets:
  staging: {environment: staging, web: {port: 80}}
  dev: {environment: development, secrets: {source: generated}, web: {autoscaling: {minReplicas: 5, maxReplicas: 3}}}
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'targets.staging web.port: must be >= 1024',
      'targets.dev web.autoscaling.maxReplicas: must be at least minReplicas (5)',
    ]);
  });

  test('fails if a placeholder is unknown, or not set for a target', () => {
    const { issues } = parseStackTargets(`${BASE.replace('region: eu-west-1\n', '')}targets:
  a: {}
  b: {region: us-east-1, web: {env: {X: "\${zone}"}}}
`);
    expect(issues.map((i) => `${i.path}: ${i.message}`)).toEqual([
      'targets.a ingress.host: uses ${region}, which this target does not set',
      'targets.b web.env.X: uses an unknown placeholder ${zone}',
    ]);
  });

  test('fails if a target overrides name, or has a name that is not a DNS label', () => {
    expect(parseStackTargets(`${BASE}targets:\n  a: {name: other}\n`).issues[0]).toMatchObject({ path: 'targets.a', message: 'cannot override name or targets' });
    expect(parseStackTargets(`${BASE}targets:\n  Prod_EU: {}\n`).issues[0]).toMatchObject({ path: 'targets.Prod_EU', message: 'is not a valid name' });
  });

  test('region is a label on every object of the target', () => {
    const { targets } = parseStackTargets(BASE);
    const { renderFiles } = require('../lib/render/render');
    const [file] = renderFiles([{ file: 'x', ...targets[0] }]);
    for (const o of file.objects) expect(o.metadata.labels['pyweb.dev/region']).toBe('eu-west-1');
  });
});

describe('target folders', () => {
  beforeAll(buildCli);

  test('each target folder is a kustomize base that kubectl kustomize builds, with every object of its files', () => {
    const kubectl = requireProgram('kubectl');
    // GIVEN dist/'s folders: one per deploy target of the stacks synth reads by default
    const folders = fs.readdirSync(path.join(ROOT, 'dist')).filter((d) => fs.statSync(path.join(ROOT, 'dist', d)).isDirectory());
    const targets = loadStackFiles(defaultConfigs(ROOT).flatMap(findStackFiles)).map((s) => s.target ?? s.config.environment ?? 'development');
    expect(folders.sort()).toEqual([...new Set(targets)].sort());
    for (const folder of folders) {
      const dir = path.join(ROOT, 'dist', folder);
      const r = spawnSync(kubectl, ['kustomize', dir], { encoding: 'utf-8' });
      expect({ folder, status: r.status, stderr: r.stderr }).toEqual({ folder, status: 0, stderr: '' });
      const expected = fs.readdirSync(dir).filter((f) => f.endsWith('.k8s.yaml'))
        .reduce((n, f) => n + (fs.readFileSync(path.join(dir, f), 'utf-8').match(/^kind: /gm) ?? []).length, 0);
      expect((r.stdout.match(/^kind: /gm) ?? []).length).toBe(expected);
    }
  });

  test('a stack file with targets writes one folder per target', () => {
    const work = tempDir();
    fs.writeFileSync(path.join(work, 'shop.yaml'), `${BASE}targets:\n  staging: {environment: staging}\n  production-eu: {}\n`);
    expect(runCli(['--config', path.join(work, 'shop.yaml'), '--outdir', path.join(work, 'out')]).code).toBe(0);
    expect(Object.keys(readTree(path.join(work, 'out'))).filter((f) => !f.endsWith('README.md')).sort()).toEqual([
      'production-eu/kustomization.yaml', 'production-eu/shop.k8s.yaml', 'staging/kustomization.yaml', 'staging/shop.k8s.yaml',
    ]);
  });
});

describe('placeholders', () => {
  test('$${ writes a literal ${', () => {
    const { targets, issues } = parseStackTargets(BASE.replace('command: [gunicorn, shop.wsgi]', () => 'command: [sh, -c, "echo $${HOME}"]'));
    expect(issues).toEqual([]);
    expect(targets[0].config.web.command).toEqual(['sh', '-c', 'echo ${HOME}']);
  });

  test('every target is checked even when another one fails its placeholders', () => {
    const { issues } = parseStackTargets(`${BASE.replace('region: eu-west-1\n', '')}targets:\n  a: {}\n  b: {region: us-east-1, web: {port: 80}}\n`);
    expect(issues.map((i) => i.path)).toEqual(['targets.a ingress.host', 'targets.b web.port']);
  });
});
