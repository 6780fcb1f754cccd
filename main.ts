// Entry point of `npm run synth` and `cdk8s synth`: reads stack files, builds the App,
// synthesizes. Everything a test needs lives in lib/.
import { main } from './lib/commands/synth-command';

process.exitCode = main(process.argv.slice(2));
