// The synth engine as a library, for a user's own entry point (and the benchmark):
// read stack files, build the App, render, check, write.
export { buildApp, renderApp, renderStacks, RenderedFile, StackApp } from './synth';
export { findStackFiles, loadStackFiles, parseStackFile, StackFile } from './stack-file';
export { checkOutput, outputProblems, OutputInvalidError } from './output-checks';
export { writeOutput } from './output';
export { main, synth, summary } from './cli';
