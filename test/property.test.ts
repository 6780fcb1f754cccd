import * as fc from 'fast-check';
import { SEED, assertWithSeed } from './_fast-check';
import * as yaml from 'js-yaml';
import { ConfigError, ConfigIssue } from '../constructs';
import { outputProblems } from '../lib/check/output-checks';
import { parseStackFile } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';
import { mutate, mutation, stackArb } from './_stack-corpus';

// Property: for ANY stack file, valid or a mutation of a valid one, the tool either refuses it
// with messages that name a field (exit 2), or writes output that passes the full validation.
// Never an uncaught exception.

/** A refusal names a field, or (for the file as a whole) says what is wrong with the file. */
function refusal(issue: ConfigIssue): string {
  return issue.path ? `field ${issue.path}: ${issue.message}` : `file: ${issue.message}`;
}

/** Runs one stack file through the tool, in process; returns what the user would see. */
function outcome(text: string): { refused: string[] } | { written: string[] } {
  const { config, issues } = parseStackFile(text);
  if (issues.length > 0) return { refused: issues.map(refusal) };
  try {
    return { written: outputProblems(renderFiles([{ file: 'stack.yaml', target: 't', config: config! }])) };
  } catch (err) {
    // A construct's own check is also a refusal the command line reports with exit 2.
    if (err instanceof ConfigError) return { refused: err.issues.map(refusal) };
    throw err;
  }
}

function checkInvariant(stack: unknown): void {
  const result = outcome(yaml.dump(stack));
  if ('refused' in result) {
    expect(result.refused.length).toBeGreaterThan(0);
    // Every refusal names a field (or, for the file as a whole, says what is wrong with it).
    for (const line of result.refused) expect(line).toMatch(/^field \S|^file: (the file|YAML syntax error)/);
  } else {
    expect(result.written).toEqual([]);
  }
}

describe('any stack file', () => {
  test('generated stacks: refused with a field named, or valid output (600 runs)', () => {
    assertWithSeed(fc.property(stackArb, checkInvariant), 600);
  });

  test('mutations of generated stacks: refused with a field named, or valid output (600 runs)', () => {
    assertWithSeed(fc.property(stackArb, mutation, (stack, m) => checkInvariant(mutate(stack, m))), 600);
  });

  test('fails with the pinned seed in the message if a property fails, so the failure can be rerun', () => {
    expect(() => assertWithSeed(fc.property(fc.integer(), (n) => n !== n), 5)).toThrow(new RegExp(`^fast-check seed ${SEED} \\(rerun with FC_SEED=${SEED}\\)`));
  });

  test('some generated stacks are accepted and some refused, so both branches are exercised', () => {
    const results = fc.sample(stackArb, { numRuns: 200, seed: SEED }).map((s) => outcome(yaml.dump(s)));
    expect(results.filter((r) => 'written' in r).length).toBeGreaterThan(10);
    expect(results.filter((r) => 'refused' in r).length).toBeGreaterThan(10);
  });
});
