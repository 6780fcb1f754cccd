import { closest, distance } from 'fastest-levenshtein';

/** One problem with a stack file or with construct props. */
export interface ConfigIssue {
  /** The field path, e.g. `web.autoscaling.maxReplicas`. */
  readonly path: string;
  /** What is wrong, lowercase, without a trailing period. */
  readonly message: string;
  /** The offending value, when there is one. */
  readonly value?: unknown;
  /** What is allowed instead. */
  readonly allowed?: string;
}

/** Thrown by constructs for invalid props; carries every problem found, not only the first. */
export class ConfigError extends Error {
  constructor(public readonly issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

/** `<path>: <message> (got <value>; allowed: <allowed>)`. */
export function formatIssue(issue: ConfigIssue): string {
  const details: string[] = [];
  if (issue.value !== undefined) details.push(`got ${JSON.stringify(issue.value)}`);
  if (issue.allowed) details.push(`allowed: ${issue.allowed}`);
  const where = issue.path || '(top level)';
  return `${where}: ${issue.message}${details.length ? ` (${details.join('; ')})` : ''}`;
}

/** Throws a ConfigError when there is any issue. */
export function throwIfAny(issues: readonly ConfigIssue[]): void {
  if (issues.length > 0) throw new ConfigError(issues);
}

/** The known name closest to a misspelt one, when it is close enough to be what was meant. */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  if (known.length === 0) return undefined;
  const best = closest(key, [...known]);
  return distance(key.toLowerCase(), best.toLowerCase()) <= Math.max(2, Math.floor(best.length / 3)) ? best : undefined;
}
