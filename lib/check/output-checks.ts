import { formatManifestIssue, validateManifests } from './manifest-schema';
import { RULES, checkPolicy, formatFinding } from './policy';
import { RenderedFile } from '../render/render';
import { OutputInvalidError } from './output-invalid-error';

export { OutputInvalidError };

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
