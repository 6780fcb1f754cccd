
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

/**
 * The known name closest to a misspelt one, when it is close enough to be what was meant: at
 * most one edit (a transposition counts as one) per three characters, so `nmae` finds `name`
 * while `redis` does not find `media`. No suggestion is better than a wrong one.
 */
export function didYouMean(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of known) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      best = candidate;
      bestDistance = d;
    }
  }
  if (best === undefined) return undefined;
  const bound = Math.max(1, Math.floor(Math.max(key.length, best.length) / 3));
  return bestDistance <= bound ? best : undefined;
}

/** Optimal string alignment distance: insertions, deletions, substitutions and adjacent transpositions. */
function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array<number>(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0][j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
    }
  }
  return d[a.length][b.length];
}
