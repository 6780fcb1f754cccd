// The synth engine as a library, for a user's own entry point (and the benchmark). The stages,
// in pipeline order: load (read stack files) -> render -> check -> write; `synth` runs them all.
// Library code prints nothing: the commands (lib/commands/) do.
export { findStackFiles, loadStackFiles, parseStackFile, StackFile } from './load/stack-file';
export { buildApp, renderApp, renderFiles, renderStacks, RenderedFile, StackApp } from './render/render';
export { TargetFolders, TargetFile } from './render/target-folders';
export { checkOutput, outputProblems, OutputInvalidError } from './check/output-checks';
export { writeOutput } from './write/staged-output';
export { synth, SynthOptions, SynthResult } from './synth';
export { UserError } from './user-error';
export { main, summary } from './commands/synth-command';
