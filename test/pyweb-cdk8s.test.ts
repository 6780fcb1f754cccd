import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { cli } from '../lib/commands/pyweb-cdk8s';
import { capture } from './_capture';

describe('the pyweb-cdk8s command', () => {
  test('synth, plan and init are its subcommands, with their own --help', () => {
    expect(capture(() => cli(['synth', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: pyweb-cdk8s synth .*\n\n.*default: stacks\)/) });
    expect(capture(() => cli(['plan', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: pyweb-cdk8s plan .*\n\n.*default: stacks\)/) });
    expect(capture(() => cli(['init', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: pyweb-cdk8s init /) });
  });

  test('init, then synth and plan without flags: a repository with nothing but the stack file', () => {
    // GIVEN an empty folder, as the current directory
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'pyweb-bin-'));
    const cwd = process.cwd();
    process.chdir(dir);
    try {
      // WHEN init writes stacks/my-app.yaml and synth and plan run with their defaults
      expect(capture(() => cli(['init', '--framework', 'flask'])).code).toBe(0);
      const synth = capture(() => cli(['synth']));
      const plan = capture(() => cli(['plan']));
      // THEN synth read stacks/ and wrote dist/, which plan compares with
      expect(synth).toMatchObject({ code: 0, stdout: expect.stringContaining('dist/development/my-app.k8s.yaml (') });
      expect(fs.readdirSync('dist/development').sort()).toEqual(['README.md', 'kustomization.yaml', 'my-app.k8s.yaml']);
      expect(plan).toMatchObject({ code: 0, stdout: expect.stringContaining('target development: no changes') });
    } finally {
      process.chdir(cwd);
    }
  });

  test('--help lists every command', () => {
    const r = capture(() => cli(['--help']));
    expect(r.code).toBe(0);
    expect(r.stdout.match(/^ {2}(\w+) /gm)?.map((l) => l.trim())).toEqual(['synth', 'plan', 'init']);
  });

  test('fails if the command is unknown, with a did-you-mean', () => {
    const r = capture(() => cli(['snyth']));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toEqual('unknown command "snyth"; did you mean \'synth\'? (allowed: synth, plan, init)');
  });

  test('fails if the command is missing', () => {
    const r = capture(() => cli([]));
    expect(r.code).toBe(2);
    expect(r.stderr.split('\n')[0]).toEqual('missing command (allowed: synth, plan, init)');
  });

  test('fails if a command name is an Object.prototype key', () => {
    expect(capture(() => cli(['constructor'])).code).toBe(2);
  });
});
