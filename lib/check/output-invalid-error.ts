// A module of its own, so that a run with nothing to render (every stack file reused from the
// render cache) can catch the error without loading the checks (output-checks).

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
