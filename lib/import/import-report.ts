/** What became of one compose key. */
export type Outcome = 'translated' | 'replaced' | 'dropped' | 'flagged';

/** One line of the import report: a compose key (path), what became of it, and why. */
export interface ReportEntry {
  /** The compose key path, e.g. `services.web.environment.DEBUG` or `services.web.ports[0]`. */
  readonly key: string;
  /**
   * `translated`: carried over as it was; `replaced`: by a safer default or the stack's own
   * wiring; `dropped`: not carried over; `flagged`: carried over, but to change before production.
   */
  readonly outcome: Outcome;
  /** Where it went or why not, lowercase. */
  readonly detail: string;
}

/** A choice of the stack's own that no compose key made (the environment, the secret source). */
export interface StackChoice {
  /** The stack key, e.g. `environment`. */
  readonly key: string;
  readonly detail: string;
}

/** Collects report entries as the compose file is read. */
export class ImportReport {
  private readonly entries: ReportEntry[] = [];
  private readonly stackChoices: StackChoice[] = [];

  /** Adds an entry. */
  public add(key: string, outcome: Outcome, detail: string): void {
    this.entries.push({ key, outcome, detail });
  }

  /** Adds a choice of the stack's own. */
  public choose(key: string, detail: string): void {
    this.stackChoices.push({ key, detail });
  }

  /** The stack's own choices (a copy). */
  public choices(): StackChoice[] {
    return [...this.stackChoices];
  }

  /** Whether a key, or a key below it, has an entry. */
  public has(key: string): boolean {
    return this.entries.some((e) => e.key === key || e.key.startsWith(`${key}.`) || e.key.startsWith(`${key}[`) || e.key.startsWith(`${key} `));
  }

  /** The entries so far (a copy). */
  public list(): ReportEntry[] {
    return [...this.entries];
  }
}

/**
 * The entries in the compose file's order: top-level keys as written, each service's keys as
 * written, and the entries of one key in the order they were made.
 */
export function sortEntries(entries: readonly ReportEntry[], order: readonly string[]): ReportEntry[] {
  const rank = (key: string): number => {
    let best = -1;
    order.forEach((prefix, i) => {
      if ((key === prefix || key.startsWith(`${prefix}.`) || key.startsWith(`${prefix}[`) || key.startsWith(`${prefix} `)) && (best < 0 || prefix.length >= order[best].length)) best = i;
    });
    return best < 0 ? order.length : best;
  };
  return entries.map((e, i) => ({ e, i, r: rank(e.key) })).sort((a, b) => a.r - b.r || a.i - b.i).map((x) => x.e);
}

/** The report as text: one line per compose key, the stack's own choices, then what to check. */
export function formatReport(entries: readonly ReportEntry[], choices: readonly StackChoice[] = []): string {
  const width = Math.min(48, Math.max(...entries.map((e) => e.key.length)));
  const lines = entries.map((e) => `  ${e.key.padEnd(width)}  ${e.outcome.padEnd(10)}  ${e.detail}`);
  const flagged = entries.filter((e) => e.outcome === 'flagged').length;
  const choiceWidth = Math.max(0, ...choices.map((c) => c.key.length));
  return [
    'what became of each compose key:',
    ...lines,
    ...(choices.length ? ['the stack\'s own choices:', ...choices.map((c) => `  ${c.key.padEnd(choiceWidth)}  ${c.detail}`)] : []),
    ...(flagged ? [`${flagged} flagged: read them before the first production deploy`] : []),
  ].join('\n');
}

/**
 * The command that creates the existing Secret the stack reads, with a placeholder for every
 * value (the values of the compose file are never written anywhere).
 */
export function secretCommand(namespace: string, secretName: string, keys: readonly string[]): string {
  return [`kubectl create namespace ${namespace} --dry-run=client -o yaml | kubectl apply -f -`,
    `kubectl -n ${namespace} create secret generic ${secretName} ${keys.map((k) => `--from-literal=${k}='<${k}>'`).join(' ')}`].join('\n');
}
