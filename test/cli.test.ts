import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ROOT, buildCli, readTree, runCli, tempDir } from './_cli';

const VALID = 'name: shop\nweb:\n  image: ghcr.io/acme/shop:1.4.2\n  framework: flask\n';

describe('command line', () => {
  let work: string;
  beforeAll(buildCli);
  beforeEach(() => { work = tempDir(); });
  afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

  function write(name: string, text: string): string {
    const file = path.join(work, name);
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, text);
    return file;
  }

  test('writes <outdir>/<environment>/<name>.k8s.yaml and prints a summary with objects per kind', () => {
    const config = write('stacks/shop.yaml', VALID);
    write('stacks/api.yaml', 'name: api\nenvironment: staging\nweb: {image: a/api:2, framework: fastapi}\n');
    const out = path.join(work, 'out');
    const r = runCli(['--config', path.dirname(config), '--outdir', out]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(Object.keys(readTree(out)).sort()).toEqual(['development/README.md', 'development/kustomization.yaml', 'development/shop.k8s.yaml', 'staging/README.md', 'staging/api.k8s.yaml', 'staging/kustomization.yaml']);
    expect(r.stdout).toMatch(/^synthesized 2 file\(s\), \d+ objects into /);
    expect(r.stdout).toMatch(/Deployment 2/);
  });

  test('a staging database without a backup decision: synthesized, with a warning in the summary and the target README', () => {
    const stack = (name: string, database: string) => `name: ${name}\nenvironment: staging\nweb: {image: a/${name}:2, framework: fastapi}\ndatabase: ${database}\nsecrets: {source: existing}\n`;
    write('stacks/api.yaml', stack('api', '{}'));
    write('stacks/quiet.yaml', stack('quiet', '{backup: false}'));
    const out = path.join(work, 'out');
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', out]);
    expect(r.code).toBe(0);
    const warning = 'database.backup is not set: this staging database has no backups (set a backup mapping, or backup: false to say so)';
    expect(r.stdout.split('\n').filter((l) => l.startsWith('WARNING'))).toEqual([`WARNING: ${path.join(out, 'staging/api.k8s.yaml')}: ${warning}`]);
    const readme = fs.readFileSync(path.join(out, 'staging/README.md'), 'utf8');
    const api = readme.slice(readme.indexOf('## api'), readme.indexOf('## quiet'));
    expect(api).toContain(`> **Warning:** ${warning}`);
    expect(readme.slice(readme.indexOf('## quiet'))).not.toContain('Warning');
  });

  test('warns if cloudnative-pg backups go to a bucket by cloud identity and serviceAccount.annotations is empty', () => {
    write('stacks/cnpg.yaml', 'name: cnpg\nenvironment: production\nweb: {image: a/cnpg:2, framework: fastapi}\nsecrets: {source: existing}\n'
      + 'database: {engine: cloudnative-pg, backup: {schedule: "0 2 * * *", objectStore: {destinationPath: "s3://bkt/cnpg"}}}\n');
    const out = path.join(work, 'out');
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', out]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n').filter((l) => l.startsWith('WARNING'))).toEqual([
      expect.stringMatching(new RegExp(`^WARNING: ${path.join(out, 'production/cnpg.k8s.yaml')}: database\\.backup\\.objectStore has no credentialsSecret and serviceAccount\\.annotations is empty: .*ServiceAccount cnpg-postgres`)),
    ]);
  });

  test('fails with exit 2 if a production database says nothing about backups, naming both ways out, and writes nothing', () => {
    write('stacks/prod.yaml', 'name: prod\nenvironment: production\nweb: {image: a/prod:2, framework: fastapi}\ndatabase: {}\nsecrets: {source: existing}\n');
    const out = path.join(work, 'out');
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/prod\.yaml: database\.backup: is required in production.*allowed: a mapping with schedule \(and volume\), or backup: false to go without, said explicitly/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('the same input gives byte-identical output', () => {
    const config = write('shop.yaml', VALID);
    runCli(['--config', config, '--outdir', path.join(work, 'a')]);
    runCli(['--config', config, '--outdir', path.join(work, 'b')]);
    expect(readTree(path.join(work, 'a'))).toEqual(readTree(path.join(work, 'b')));
  });

  test('replaces the output folder as a whole: a removed stack leaves no stale file', () => {
    const out = path.join(work, 'out');
    write('old/stale.yaml', 'name: stale\nweb: {image: a/b:1, framework: flask}\n');
    runCli(['--config', path.join(work, 'old'), '--outdir', out]);
    runCli(['--config', write('shop.yaml', VALID), '--outdir', out]);
    expect(Object.keys(readTree(out)).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['development/shop.k8s.yaml']);
  });

  test('honours CDK8S_OUTDIR, as `cdk8s synth` sets it', () => {
    const out = path.join(work, 'from-env');
    expect(runCli(['--config', write('shop.yaml', VALID)], ROOT, { CDK8S_OUTDIR: out }).code).toBe(0);
    expect(Object.keys(readTree(out)).filter((f) => f.endsWith('.k8s.yaml'))).toEqual(['development/shop.k8s.yaml']);
  });

  test('fails if a stack file is invalid: exit 2, one line per problem naming file and field, no stack trace, nothing written', () => {
    const out = path.join(work, 'out');
    runCli(['--config', write('good.yaml', VALID), '--outdir', out]);
    const before = readTree(out);
    const bad = write('bad.yaml', 'name: shop\nweb:\n  image: ghcr.io/acme/shop:latest\n  framework: rails\n');
    const r = runCli(['--config', bad, '--outdir', out]);
    expect(r.code).toBe(2);
    const lines = r.stderr.trim().split('\n');
    expect(lines).toEqual([
      `${bad}: web.framework: is not one of the allowed values (got "rails"; allowed: django | flask | fastapi | generic)`,
      expect.stringMatching(new RegExp(`^${bad.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: web\\.image: has the wrong format \\(got "ghcr.io/acme/shop:latest"; allowed: `)),
    ]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(readTree(out)).toEqual(before);
  });

  test('fails if one of several files is invalid, writing none of them', () => {
    const out = path.join(work, 'out');
    write('stacks/a.yaml', VALID);
    write('stacks/b.yaml', 'name: b\nweb: {image: a/b:1, framework: flask, port: 80}\n');
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', out]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.yaml: web\.port: must be >= 1024 \(got 80; allowed: a whole number from 1024 to 65535\)/);
    expect(fs.existsSync(out)).toBe(false);
  });

  test('fails if two stack files would write the same output file', () => {
    write('stacks/a.yaml', VALID);
    write('stacks/b.yaml', VALID);
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', path.join(work, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.yaml: name: another stack file .*a\.yaml.* already writes development\/shop\.k8s\.yaml/);
  });

  test('fails if --config does not exist or a directory holds no stack file', () => {
    expect(runCli(['--config', path.join(work, 'nope.yaml')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/nope\.yaml: no such file or directory/) });
    fs.mkdirSync(path.join(work, 'empty'));
    expect(runCli(['--config', path.join(work, 'empty')])).toMatchObject({ code: 2, stderr: expect.stringMatching(/no stack files in this directory \(allowed: files named \*\.yaml or \*\.yml, any case, not starting with \.\)/) });
  });

  test('fails if a flag is unknown', () => {
    const r = runCli(['--outdirr', 'x']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/Unknown option '--outdirr'/);
    expect(r.stderr).toMatch(/usage:/);
  });

  test('fails if the output folder would be the project itself', () => {
    const r = runCli(['--config', write('shop.yaml', VALID), '--outdir', ROOT]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace the current directory/);
  });

  test('fails if the output folder holds anything but a previous render (it is replaced whole)', () => {
    const stacks = path.join(work, 'stacks');
    write('stacks/shop.yaml', VALID);
    const r = runCli(['--config', stacks, '--outdir', stacks]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/refusing to replace a folder that holds shop\.yaml/);
    expect(fs.existsSync(path.join(stacks, 'shop.yaml'))).toBe(true);
    write('notes/todo/list.txt', 'keep me');
    expect(runCli(['--config', stacks, '--outdir', path.join(work, 'notes')]).stderr).toMatch(/holds todo\/list\.txt/);
    expect(fs.readFileSync(path.join(work, 'notes/todo/list.txt'), 'utf-8')).toBe('keep me');
  });

  test('the output folder is readable by everyone, as a checkout would be', () => {
    const out = path.join(work, 'out');
    expect(runCli(['--config', write('shop.yaml', VALID), '--outdir', out]).code).toBe(0);
    expect(fs.statSync(out).mode & 0o777).toBe(0o755);
  });

  test('fails if a config folder holds a folder or a dangling link named like a stack file', () => {
    fs.mkdirSync(path.join(work, 'stacks/sub.yaml'), { recursive: true });
    fs.symlinkSync(path.join(work, 'nowhere'), path.join(work, 'stacks/gone.yaml'));
    const r = runCli(['--config', path.join(work, 'stacks'), '--outdir', path.join(work, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/gone\.yaml: not a readable file/);
    expect(r.stderr).toMatch(/sub\.yaml: not a readable file/);
    expect(r.stderr).not.toMatch(/\n\s+at /);
  });
});

describe('cdk8s synth', () => {
  test('`cdk8s synth` through cdk8s.yaml writes the same output as npm run synth', () => {
    // GIVEN a project folder whose cdk8s.yaml runs our entry point (already bundled)
    const work = tempDir();
    try {
      const yamlText = fs.readFileSync(path.join(ROOT, 'cdk8s.yaml'), 'utf-8');
      expect(yamlText).toMatch(/^app: node scripts\/build\.js && node build\/main\.js$/m);
      fs.writeFileSync(path.join(work, 'cdk8s.yaml'), `language: typescript\napp: node ${path.join(ROOT, 'build/main.js')} --config ${path.join(ROOT, 'examples')}\noutput: dist\n`);
      // WHEN the real cdk8s CLI synthesizes it
      const cdk8sEnv = { ...process.env, CDK8S_CHECK_UPGRADE: 'false' }; // offline: no registry lookup
      const r = spawnSync(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth'], { cwd: work, encoding: 'utf-8', timeout: 60_000, env: cdk8sEnv });
      // THEN the output equals npm run synth's for the same stacks
      expect(r.status).toBe(0);
      expect(runCli(['--config', path.join(ROOT, 'examples'), '--outdir', path.join(work, 'npm-run-synth')]).code).toBe(0);
      expect(readTree(path.join(work, 'dist'))).toEqual(readTree(path.join(work, 'npm-run-synth')));
      expect(r.stderr).toBe('');
      // AND bad input: our one-line message, then the cdk8s CLI's exit code 1 (as the README says)
      fs.writeFileSync(path.join(work, 'bad.yaml'), 'name: shop\n');
      fs.writeFileSync(path.join(work, 'cdk8s.yaml'), `language: typescript\napp: node ${path.join(ROOT, 'build/main.js')} --config bad.yaml\noutput: dist\n`);
      const bad = spawnSync(path.join(ROOT, 'node_modules/.bin/cdk8s'), ['synth'], { cwd: work, encoding: 'utf-8', timeout: 60_000, env: cdk8sEnv });
      expect(bad.status).toBe(1);
      expect(bad.stderr).toMatch(/^bad\.yaml: web: is required\n/);
    } finally {
      fs.rmSync(work, { recursive: true, force: true });
    }
  }, 120_000);
});

describe('stacks in one target', () => {
  beforeAll(buildCli);
  test('fails if two stacks share a namespace in one target', () => {
    const work = tempDir();
    fs.writeFileSync(path.join(work, 'a.yaml'), 'name: a\nnamespace: apps\nweb: {image: a/a:1, framework: flask}\n');
    fs.writeFileSync(path.join(work, 'b.yaml'), 'name: b\nnamespace: apps\nweb: {image: a/b:1, framework: flask}\n');
    const r = runCli(['--config', work, '--outdir', path.join(work, 'out')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/b\.yaml: namespace: .*a\.yaml already uses namespace apps in target development/);
  });
});

describe('empty arguments', () => {
  beforeAll(buildCli);
  test('fails if --outdir is empty, rather than falling back to dist', () => {
    const r = runCli(['--config', path.join(ROOT, 'examples'), '--outdir', '']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/--outdir: must not be empty/);
  });
});
