// Entry point of `npm run synth` and `cdk8s synth`: reads stack files, builds the App,
// synthesizes. It uses the package as any cdk8s app that installs it would (`pyweb-cdk8s`,
// compiled from source here); everything a test needs lives in lib/.
import { main } from 'pyweb-cdk8s';

process.exitCode = main(process.argv.slice(2));
