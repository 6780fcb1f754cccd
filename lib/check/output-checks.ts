import { formatManifestIssue, validateManifests } from './manifest-schema';
import { RULES, checkPolicy, formatFinding } from './policy';
import { RenderedFile } from '../render/render';

/**
 * The checks every synth runs on its output before anything is written: the strict Kubernetes
 * 1.28 schema (and the CRD schemas), the cross-references between objects, and the Pod Security
 * Standards restricted profile. They catch what the constructs guarantee anyway, and, above
 * all, what a user's own construct added to a stack may break.
 */
export class OutputInvalidError extends Error {
  constructor(public readonly problems: readonly string[]) {
    super(`the synthesized output is invalid:\n${problems.join('\n')}`);
    this.name = 'OutputInvalidError';
  }
}

/** The rules every synth enforces: Pod Security Standards restricted and the cross-references. */
export const SYNTH_RULES = RULES.filter((r) => r.source === 'pss' || r.source === 'xref');

/** Every problem of the output, one line each, prefixed with the file it is in. */
export function outputProblems(files: readonly RenderedFile[]): string[] {
  return files.flatMap(fileProblems);
}

/** Every problem of one output file. */
export function fileProblems(file: RenderedFile): string[] {
  const problems: string[] = [];
  for (const issue of validateManifests(file.objects)) problems.push(`${file.path}: schema: ${formatManifestIssue(issue)}`);
  for (const finding of checkPolicy(file.objects, { externalSecrets: file.externalSecrets, externalConfigMaps: file.externalConfigMaps }, { rules: SYNTH_RULES })) {
    problems.push(`${file.path}: ${formatFinding(finding)}`);
  }
  return problems;
}

/** Throws an OutputInvalidError listing every problem, when there is any. */
export function checkOutput(files: readonly RenderedFile[]): void {
  const problems = outputProblems(files);
  if (problems.length > 0) throw new OutputInvalidError(problems);
}
