import * as fs from 'fs';
import * as path from 'path';
import { initMain, starterStack, STARTER_FRAMEWORKS } from '../lib/commands/init-command';
import { fileProblems } from '../lib/check/output-checks';
import { loadStackFiles } from '../lib/load/stack-file';
import { renderStacks } from '../lib/render/render';
import { capture } from './_capture';
import { ROOT, tempDir } from './_cli';

describe('init', () => {
  test.each(STARTER_FRAMEWORKS)('the %s starter stack loads and renders with no output problem', (framework) => {
    // GIVEN a starter written by init
    const dir = tempDir();
    const file = path.join(dir, 'stacks', 'shop.yaml');
    const r = capture(() => initMain(['--name', 'shop', '--framework', framework, '--out', file]));
    expect(r).toEqual({ code: 0, stdout: expect.stringContaining(`wrote ${file}`), stderr: '' });
    // WHEN synth would read and render it
    const stacks = loadStackFiles([file]);
    const problems: string[] = [];
    renderStacks(stacks, (f) => problems.push(...fileProblems(f)));
    // THEN it is that framework's stack, and its output passes every check
    expect(stacks[0].config).toMatchObject({ name: 'shop', environment: 'development', web: { framework, image: 'registry.example.com/shop:0.1.0' } });
    expect(problems).toEqual([]);
  });

  test('the $schema line is the JSON Schema, relative to the stack file', () => {
    const dir = tempDir();
    const file = path.join(dir, 'deep', 'er', 'app.yaml');
    expect(capture(() => initMain(['--file', file])).code).toBe(0);
    const first = fs.readFileSync(file, 'utf-8').split('\n')[0];
    const match = /^# yaml-language-server: \$schema=(.+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(path.resolve(path.dirname(file), match![1])).toEqual(path.join(ROOT, 'schema', 'stack.schema.json'));
  });

  test('defaults: my-app, django, stacks/my-app.yaml in the current folder', () => {
    const dir = tempDir();
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      expect(capture(() => initMain([])).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    expect(loadStackFiles([path.join(dir, 'stacks/my-app.yaml')])[0].config).toMatchObject({ name: 'my-app', web: { framework: 'django' }, static: {} });
  });

  test('--file is another name of --out', () => {
    const dir = tempDir();
    const file = path.join(dir, 'app.yaml');
    expect(capture(() => initMain(['--name', 'shop', '--file', file]))).toEqual({ code: 0, stdout: expect.stringContaining(`wrote ${file}`), stderr: '' });
    expect(fs.readFileSync(file, 'utf-8')).toContain('name: shop');
  });

  test('fails if both --out and --file are given, and writes nothing', () => {
    const dir = tempDir();
    const r = capture(() => initMain(['--out', path.join(dir, 'a.yaml'), '--file', path.join(dir, 'b.yaml')]));
    expect(r).toEqual({ code: 2, stdout: '', stderr: `--out and --file: the same option given twice (got ${JSON.stringify(path.join(dir, 'a.yaml'))} and ${JSON.stringify(path.join(dir, 'b.yaml'))}; allowed: one of them)\n` });
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  test('fails if the file exists, and leaves it as it was', () => {
    const dir = tempDir();
    const file = path.join(dir, 'shop.yaml');
    fs.writeFileSync(file, 'name: mine\n');
    const r = capture(() => initMain(['--file', file]));
    expect(r.code).toBe(2);
    expect(r.stderr).toEqual(`--file ${file}: already exists (allowed: a new file; init never overwrites one)\n`);
    expect(fs.readFileSync(file, 'utf-8')).toEqual('name: mine\n');
  });

  test('fails if the name is not a DNS label, naming the flag, and writes nothing', () => {
    const dir = tempDir();
    const file = path.join(dir, 'x.yaml');
    const r = capture(() => initMain(['--name', 'My_App', '--file', file]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--name: .*got "My_App"/);
    expect(r.stderr.split('\n').every((l) => !/\bat .*\.ts:\d+/.test(l))).toBe(true);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('fails if the image has no tag', () => {
    const file = path.join(tempDir(), 'x.yaml');
    const r = capture(() => initMain(['--image', 'shop', '--file', file]));
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^--image: /);
    expect(fs.existsSync(file)).toBe(false);
  });

  test('fails if the framework is unknown', () => {
    const r = capture(() => initMain(['--framework', 'rails', '--file', path.join(tempDir(), 'x.yaml')]));
    expect(r).toEqual({ code: 2, stdout: '', stderr: '--framework: unknown framework (got "rails"; allowed: django, flask, fastapi)\n' });
  });

  test('starterStack puts the schema path on the first line', () => {
    const text = starterStack({ name: 'api', framework: 'flask', image: 'ghcr.io/acme/api:1.0.0', schemaPath: 'x/stack.schema.json' });
    expect(text.split('\n')[0]).toEqual('# yaml-language-server: $schema=x/stack.schema.json');
    expect(text).not.toMatch(/^static:/m); // only Django has a default collect command
  });
});
