// Entry point of `npm run plan`: compares the stacks' render with a previous one (default
// dist/) and exits 3 if a data-bearing object would be deleted. It uses the package as a user
// would (`pyweb-cdk8s`); everything lives in lib/.
import { planMain } from 'pyweb-cdk8s';

process.exitCode = planMain(process.argv.slice(2));
