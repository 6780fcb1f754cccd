import fc from 'fast-check';
import { compareKinds, summary } from '../lib/commands/synth-command';
import { SEED } from './_fast-check';

describe('the summary of a synth run', () => {
  test('orders kinds as localeCompare does, for every name of letters and digits', () => {
    const kind = fc.stringMatching(/^[A-Za-z0-9]{0,6}$/);
    fc.assert(fc.property(kind, kind, (a, b) => {
      expect(Math.sign(compareKinds(a, b))).toBe(Math.sign(a.localeCompare(b)));
    }), { seed: SEED, numRuns: 5000 });
    // Where ICU and code units disagree: case is weighed after the letters, lowercase first.
    for (const [a, b] of [['Zebra', 'apple'], ['ab', 'aB'], ['aB', 'Ab'], ['Pod2', 'PodA'], ['Job', 'JobSet']]) {
      expect(Math.sign(compareKinds(a, b))).toBe(Math.sign(a.localeCompare(b)));
    }
  });

  test('counts the objects per kind, in that order', () => {
    const text = summary({ outdir: 'dist', files: [{ path: 'a/x.k8s.yaml', kinds: ['Service', 'configMap', 'ConfigMap', 'Service'] }] });
    expect(text.split('\n')).toEqual([
      'synthesized 1 file(s), 4 objects into dist/',
      '  dist/a/x.k8s.yaml (4 objects)',
      '  configMap 1, ConfigMap 1, Service 2',
    ]);
  });
});
