// What `npm run bench` runs besides the command line, bundled by scripts/build.js into
// build/bench.js: the pieces of the floor (emit, validate) and the policy checks over one
// large output, which used to be a timed test (figures are benchmarks here, never tests).
export { stringifyDocuments } from '../lib/render/yaml-emitter';
export { validateManifests } from '../lib/check/manifest-schema';
export { checkPolicy, RULES } from '../lib/check/policy';
export { saveCodeCaches } from '../lib/check/_code-cache';
