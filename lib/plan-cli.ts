import * as fs from 'fs';
import { EXIT, runCommand } from './command';
import { formatPlan, parseRendered, planChanges, readRender } from './plan';
import { findStackFiles, loadStackFiles } from './stack-file';
import { renderStacks } from './synth';

/** Exit codes of `plan`: synth's, plus one a CI job can gate a merge on. */
export const PLAN_EXIT = { ...EXIT, dataLoss: 3 } as const;

const USAGE = `usage: plan [--config <file-or-directory>]... [--against <dir>] [--allow-data-loss]

  --config           a stack file, or a directory of *.yaml stack files (repeatable; default: examples)
  --against          the previous render to compare with (default: dist)
  --allow-data-loss  exit 0 even if a PersistentVolumeClaim, StatefulSet or Namespace would be deleted
  --help             this text

exit codes: 0 safe, 2 bad input, 3 a data-bearing object would be deleted (renames included)`;

const DATA_LOSS_WARNING = `WARNING: --allow-data-loss: applying this render DELETES the data-bearing objects marked
DATA LOSS above, and their data with them. Make sure there is a backup.`;

/**
 * The `plan` command line: renders the stacks in memory (nothing is written), compares them
 * with a previous render and prints what would be added, changed and removed per target.
 * Returns the exit code; prints no stack trace for a user's mistake.
 */
export function planMain(argv: readonly string[]): number {
  return runCommand({
    usage: USAGE,
    options: {
      config: { type: 'string', multiple: true },
      against: { type: 'string' },
      'allow-data-loss': { type: 'boolean' },
    },
    run: (values) => {
      const configs = values.config?.length ? values.config : ['examples'];
      const against = values.against || 'dist';
      const allowDataLoss = values['allow-data-loss'] ?? false;
      // Read the previous render first: a broken one is bad input, reported before any rendering.
      const previous = readRender(against);
      if (!fs.existsSync(against)) process.stderr.write(`note: ${against} does not exist: comparing with an empty render\n`);
      const result = planChanges(renderCurrent(configs), previous);
      process.stdout.write(`${formatPlan(result, { allowDataLoss })}\n`);
      if (result.dataLoss.length === 0) return PLAN_EXIT.ok;
      if (!allowDataLoss) return PLAN_EXIT.dataLoss;
      process.stderr.write(`${DATA_LOSS_WARNING}\n`);
      return PLAN_EXIT.ok;
    },
  }, argv);
}

/**
 * Target -> objects of the stacks as synth would write them. The objects are read back from
 * each file's YAML, as the previous render is, so both sides go through the same parser and
 * only real differences show.
 */
function renderCurrent(configs: readonly string[]): Map<string, any[]> {
  const stacks = loadStackFiles(configs.flatMap(findStackFiles));
  const current = new Map<string, any[]>();
  renderStacks(stacks, (file) => {
    const target = file.path.split('/')[0];
    const objects = current.get(target) ?? [];
    objects.push(...parseRendered(file.content, file.path));
    current.set(target, objects);
  });
  return current;
}
