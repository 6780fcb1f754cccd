import * as fs from 'fs';
import * as path from 'path';
import { manifestPath } from '../layout';
import { CONFIG_OPTION, EXIT, Invocation, runCommand } from './command';
import { formatPlan, parseRendered, planChanges, readRender } from '../plan/plan';
import { StackFile, defaultConfigs, findStackFiles, loadStackFiles } from '../load/stack-file';
import { renderStacks } from '../render/render';
import { UserError } from '../user-error';

/** Exit codes of `plan`: synth's, plus one a CI job can gate a merge on (data loss, or a change the API server refuses). */
export const PLAN_EXIT = { ...EXIT, dataLoss: 3 } as const;

const usage = ({ command, defaultConfig }: Invocation) => `usage: ${command} [--config <file-or-directory>]... [--against <dir>] [--allow-data-loss]

  --config           a stack file, or a directory of stack files (*.yaml, *.yml; repeatable; default: ${defaultConfig})
  --against          the previous render to compare with, an existing folder (default: dist)
  --allow-data-loss  exit 0 even if a PersistentVolumeClaim, StatefulSet or Namespace would be deleted
  --help             this text

With directories only, every file of the previous render is compared. If a --config names a
file, only the previous files of the stacks rendered (<target>/<name>.k8s.yaml, any target)
are: a stack renamed in that file then does not show as removed; plan its directory for that.

exit codes: 0 safe, 2 bad input, 3 a data-bearing object would be deleted (renames included),
or a change the API server refuses (a PersistentVolumeClaim's storage class, access modes or a
smaller size: --allow-data-loss does not override this, the apply would fail anyway)`;

const DATA_LOSS_WARNING = `WARNING: --allow-data-loss: applying this render DELETES the data-bearing objects marked
DATA LOSS above, and their data with them. Make sure there is a backup.`;

/** How `npm run plan` starts the plan command line here: stacks/ once it holds a stack file, else examples/. */
const repository = (): Invocation => ({ command: 'plan', defaultConfig: defaultConfigs()[0] });

/**
 * The `plan` command line: renders the stacks in memory (nothing is written), compares them
 * with a previous render and prints what would be added, changed and removed per target.
 * Returns the exit code; prints no stack trace for a user's mistake.
 */
export function planMain(argv: readonly string[], invocation: Invocation = repository()): number {
  return runCommand({
    usage: usage(invocation),
    options: {
      ...CONFIG_OPTION,
      against: { type: 'string' },
      'allow-data-loss': { type: 'boolean' },
    },
    run: (values) => {
      const configs = values.config?.length ? values.config : [invocation.defaultConfig];
      if (values.against === '') throw new UserError(['--against: must not be empty (allowed: a previous render, e.g. dist)']);
      if (values.config?.some((c: string) => c === '')) throw new UserError(['--config: must not be empty (allowed: a stack file or a directory of them)']);
      const against = values.against ?? 'dist';
      const allowDataLoss = values['allow-data-loss'] ?? false;
      // A typo must not compare with nothing: that would hide every removal.
      if (!fs.existsSync(against)) {
        throw new UserError([`--against ${against}: no such folder (allowed: a previous render, e.g. dist or a checkout of main's dist)`]);
      }
      const stacks = loadStackFiles(configs.flatMap(findStackFiles));
      // A stack file given on its own plans that stack, not the removal of every other one.
      const subset = configs.some((c) => !fs.statSync(c).isDirectory());
      const names = [...new Set(stacks.map((s) => s.config.name))].sort();
      // Read the previous render before rendering: a broken one is bad input, reported first.
      const previous = readRender(against, subset ? new Set(names) : undefined);
      const result = planChanges(renderCurrent(stacks), previous);
      const scope = subset
        ? `comparing stacks: ${names.join(', ')} (the other files of ${against} are not compared: --config names files)`
        : `comparing: all of ${against} (--config names directories only)`;
      process.stdout.write(`${[scope, ...unseenStacks(subset ? names : [], against), formatPlan(result, { allowDataLoss })].join('\n')}\n`);
      if (result.blocked.length > 0) return PLAN_EXIT.dataLoss;
      if (result.dataLoss.length === 0) return PLAN_EXIT.ok;
      if (!allowDataLoss) return PLAN_EXIT.dataLoss;
      process.stderr.write(`${DATA_LOSS_WARNING}\n`);
      return PLAN_EXIT.ok;
    },
  }, argv);
}

/**
 * A note per planned stack with no file in the previous render: new, or renamed, and the old
 * name's files are outside the comparison, so its removal would not show.
 */
function unseenStacks(names: readonly string[], against: string): string[] {
  const targets = fs.readdirSync(against, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  return names.filter((name) => !targets.some((t) => fs.existsSync(path.join(against, manifestPath(t, name)))))
    .map((name) => `note: ${name} is not in ${against}: if it is a renamed stack, the old name's removal is not compared; plan its directory to see it`);
}

/**
 * Target -> objects of the stacks as synth would write them. The objects are read back from
 * each file's YAML, as the previous render is, so both sides go through the same parser and
 * only real differences show.
 */
function renderCurrent(stacks: readonly StackFile[]): Map<string, any[]> {
  const current = new Map<string, any[]>();
  renderStacks(stacks, (file) => {
    const target = file.path.split('/')[0];
    const objects = current.get(target) ?? [];
    objects.push(...parseRendered(file.content, file.path));
    current.set(target, objects);
  });
  return current;
}
