import { spawnSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import * as yaml from 'js-yaml';
import { ROOT, runCli } from './_cli';

// docs/ci/github-actions.yml, run as GitHub would run its plan step: with the job's shell, the
// real plan command, and `gh` (GitHub's API, which cannot run here) replaced by a recorder.
const WORKFLOW = yaml.load(fs.readFileSync(path.join(ROOT, 'docs/ci/github-actions.yml'), 'utf-8')) as any;
const STEPS: any[] = WORKFLOW.jobs.manifests.steps;
const PLAN = STEPS.find((s) => s.name === 'plan');

/** The command line GitHub runs a step's script with, for the job's shell (GitHub's docs). */
function githubShell(shell: string | undefined): string[] {
  return shell === 'bash' ? ['bash', '--noprofile', '--norc', '-eo', 'pipefail'] : ['bash', '-e'];
}

let work: string;
beforeAll(() => { work = fs.mkdtempSync(path.join(os.tmpdir(), 'ci-example-')); });
afterAll(() => fs.rmSync(work, { recursive: true, force: true }));

/** Runs the plan step against `against`; returns its exit code, output and the posted comments. */
function runPlanStep(against: string) {
  const bin = fs.mkdtempSync(path.join(work, 'bin-'));
  const comments = path.join(bin, 'comments');
  fs.writeFileSync(path.join(bin, 'gh'), `#!/bin/sh\n# gh pr comment <n> --body-file <file>\necho "$1 $2 $3" >> "${comments}"\ncat "$5" >> "${comments}"\n`, { mode: 0o755 });
  // `npm run plan` rebuilds build/ first, which other test files read meanwhile: run the bundle
  // that the global setup built instead (the step's command is checked word for word below).
  const script = (PLAN.run as string).replace('npm run --silent plan --', `node ${path.join(ROOT, 'build/plan.js')}`);
  const file = path.join(bin, 'step.sh');
  fs.writeFileSync(file, script);
  const shell = githubShell(PLAN.shell ?? WORKFLOW.defaults?.run?.shell);
  const r = spawnSync(shell[0], [...shell.slice(1), file], {
    cwd: ROOT, encoding: 'utf-8',
    env: { ...process.env, ...PLAN.env, AGAINST: against, PR: '42', RUNNER_TEMP: bin, PATH: `${bin}${path.delimiter}${process.env.PATH}` },
  });
  return { status: r.status, stdout: r.stdout, comments: fs.existsSync(comments) ? fs.readFileSync(comments, 'utf-8') : '' };
}

describe('docs/ci/github-actions.yml', () => {
  test('runs every step with bash -eo pipefail, installs what the tests need, checks drift with new files', () => {
    expect(WORKFLOW.defaults.run.shell).toBe('bash');
    expect(STEPS.filter((s) => s.shell !== undefined)).toEqual([]);
    const runs = STEPS.filter((s) => s.run).map((s) => s.run.trim());
    expect(runs.slice(0, 3)).toEqual(['npm ci && npm run synth', 'git diff --exit-code -- dist/ && test -z "$(git status --porcelain -- dist/)"', 'npm test']);
    // npm test provisions the Debian packages itself (its pretest step)
    expect(JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf-8')).scripts.pretest).toBe('node scripts/provision.js');
    expect(PLAN.run).toContain('npm run --silent plan -- --against "$AGAINST" > "$RUNNER_TEMP/plan.txt" 2>&1 || status=$?');
    expect(WORKFLOW.permissions['pull-requests']).toBe('write');
  });

  test('fails if the plan finds data loss (exit 3), after posting the plan to the pull request', () => {
    // GIVEN the base branch's render had one more stack, with a database
    const configs = fs.mkdtempSync(path.join(work, 'configs-'));
    for (const f of fs.readdirSync(path.join(ROOT, 'examples')).filter((n) => n.endsWith('.yaml'))) {
      fs.copyFileSync(path.join(ROOT, 'examples', f), path.join(configs, f));
    }
    fs.writeFileSync(path.join(configs, 'gone.yaml'), 'name: gone\nweb: {image: ghcr.io/acme/gone:1.0.0, framework: django}\ndatabase: {}\n');
    const base = path.join(work, 'base-dist');
    expect(runCli(["--config", configs, "--outdir", base]).code).toBe(0);
    // WHEN the step plans this branch against it
    const r = runPlanStep(base);
    // THEN the job fails with the plan's exit code, and the comment says why
    expect(r.status).toBe(3);
    expect(r.comments).toMatch(/^pr comment 42\n### Manifest plan \(exit 3\)\n/);
    expect(r.comments).toMatch(/PersistentVolumeClaim gone\/gone-postgres-data  DATA LOSS/);
  });

  test('passes and posts the plan when nothing is lost', () => {
    const r = runPlanStep(path.join(ROOT, 'dist'));
    expect(r.status).toBe(0);
    expect(r.comments).toMatch(/^pr comment 42\n### Manifest plan \(exit 0\)\n\n```\n[\s\S]+```\n$/);
  });
});
