/**
 * A module loaded on the first call, not with the code that names it: `require` inside `load`
 * (esbuild then initializes that module, and what it imports, only when it runs), the exports
 * kept for later calls. Used where a run that renders nothing must not pay for what rendering
 * needs (cdk8s and the rest: see lib/synth.ts).
 */
export function loadOnce<T>(load: () => T): () => T {
  let loaded: { readonly value: T } | undefined;
  return () => (loaded ??= { value: load() }).value;
}
