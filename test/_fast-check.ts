import * as fc from 'fast-check';

/**
 * The seed of every property run: pinned, so a run is reproducible and a CI failure is the same
 * failure on a laptop; FC_SEED=<n> explores others.
 */
export const SEED = Number(process.env.FC_SEED ?? 20261201);

/** `fc.assert` with the pinned seed, printed (with how to rerun it) when the property fails. */
export function assertWithSeed<Ts extends [unknown, ...unknown[]]>(property: fc.IProperty<Ts>, numRuns: number): void {
  try {
    fc.assert(property, { numRuns, seed: SEED });
  } catch (err) {
    (err as Error).message = `fast-check seed ${SEED} (rerun with FC_SEED=${SEED})\n${(err as Error).message}`;
    throw err;
  }
}
