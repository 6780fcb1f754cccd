import { cli } from '../lib/commands/pyweb-cdk8s';
import { capture } from './_capture';

describe('the pyweb-cdk8s command', () => {
  test('synth, plan and init are its subcommands, with their own --help', () => {
    expect(capture(() => cli(['synth', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: main /) });
    expect(capture(() => cli(['plan', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: plan /) });
    expect(capture(() => cli(['init', '--help']))).toMatchObject({ code: 0, stdout: expect.stringMatching(/^usage: pyweb-cdk8s init /) });
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
