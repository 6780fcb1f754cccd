// Entry point of `npm run synth` and `cdk8s synth`: reads stack files, builds the App,
// synthesizes. It runs the package's own synth command line (`pyweb-cdk8s`, compiled from source
// here; everything a test needs lives in lib/), loaded alone rather than through the package's
// index, which loads the constructs and cdk8s: a run whose stack files are all unchanged since
// the last one needs neither (see lib/synth.ts).
import { main } from './lib/commands/synth-command';

process.exitCode = main(process.argv.slice(2));
