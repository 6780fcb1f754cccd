// Entry point of `npm run plan`: compares the stacks' render with a previous one (default
// dist/) and exits 3 if a data-bearing object would be deleted. Everything lives in lib/.
import { planMain } from './lib/commands/plan-command';

process.exitCode = planMain(process.argv.slice(2));
