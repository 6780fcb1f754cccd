/** One rule violation, in the words of the checker whose rule it is. */
export interface Finding {
  /** `<source>/<check id>`, e.g. `pss/capabilities-drop-all` or `xref/service-selector`. */
  readonly rule: string;
  /** The offending object as `Kind namespace/name` (`Kind name` when cluster-scoped). */
  readonly object: string;
  /** Where in the object, as a dotted path with `[index]` for list items. */
  readonly path?: string;
  readonly message: string;
}

/** Which checker a rule reproduces; `xref` are the cross-references no checker validates. */
export type RuleSource = 'pss' | 'kube-score' | 'kube-linter' | 'polaris' | 'xref';

/** One check of one checker, run over a whole rendered output at once. */
export interface Rule {
  readonly id: string;
  readonly source: RuleSource;
  readonly description: string;
  check(objects: readonly any[], ctx: PolicyContext): Finding[];
}

/** What a rule needs to know that the objects themselves do not say. */
export interface PolicyContext {
  /** Secrets that exist outside the output (existing secrets), name -> keys they are declared to hold */
  readonly externalSecrets?: Record<string, string[]>;
  /** ConfigMaps that exist outside the output (`web.envFrom`), name -> keys they are declared to hold */
  readonly externalConfigMaps?: Record<string, string[]>;
}
