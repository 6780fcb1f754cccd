// The synth engine as a library, for a user's own entry point (and the benchmark):
// read stack files, build the App, render, check, write.
export { buildApp, renderApp, renderStacks, RenderedFile, StackApp } from './render/render';
export { findStackFiles, loadStackFiles, parseStackFile, StackFile } from './load/stack-file';
export { checkOutput, outputProblems, OutputInvalidError } from './check/output-checks';
export { writeOutput } from './write/staged-output';
export { main, synth, summary } from './commands/synth-command';
