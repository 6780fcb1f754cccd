// The package's entry point (`pyweb-cdk8s`): the constructs, and the synth engine as a library
// for a user's own entry point (and the benchmark). The stages, in pipeline order: load (read
// stack files) -> render -> check -> write; `synth` runs them all; `plan` compares a render with
// a previous one. Library code prints nothing: the commands (lib/commands/) do, and `cli` is
// the `pyweb-cdk8s` command line. `pyweb-cdk8s/constructs` is the constructs alone.
export * from '../constructs';
export { findStackFiles, loadStackFiles, parseStackFile, StackFile } from './load/stack-file';
export { buildApp, renderApp, renderFiles, renderStacks, RenderedFile, StackApp } from './render/render';
export { TargetFolders, TargetFile } from './render/target-folders';
export { checkOutput, outputProblems, OutputInvalidError } from './check/output-checks';
export { writeOutput } from './write/staged-output';
export { synth, SynthOptions, SynthResult } from './synth';
export { formatPlan, FormatOptions, ObjectRef, parseRendered, planChanges, PlanResult, readRender } from './plan/plan';
export { UserError } from './user-error';
export { main, summary } from './commands/synth-command';
export { planMain } from './commands/plan-command';
export { initMain, starterStack, StarterOptions } from './commands/init-command';
export { cli } from './commands/pyweb-cdk8s';
