// Entry point of `npm run init`: writes a starter stack file, or translates a compose file
// (`npm run init -- --from docker-compose.yml --image ...`) into stacks/. It uses the package as a
// user would (`pyweb-cdk8s`); everything lives in lib/.
import { initMain } from 'pyweb-cdk8s';

process.exitCode = initMain(process.argv.slice(2));
