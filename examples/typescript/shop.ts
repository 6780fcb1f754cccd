// The README's "Using the constructs from TypeScript" example, as a program: in an app that
// installs the package, `npx ts-node --transpile-only shop.ts <outdir>` writes <outdir>/<target>/...
// exactly as `npm run synth` would: manifests, kustomization.yaml and README.md per target folder.
// Here, `npm test` type-checks it and test/typescript-example.test.ts runs it into a temp folder.
import { App, Chart } from 'cdk8s';
import { PythonWebService, PythonWebStack, StackIdentity, checkOutput, renderApp, writeOutput } from 'pyweb-cdk8s';

/** Builds the example's App, renders and checks it, and writes it into `outdir`. */
export function synthShop(outdir: string): void {
  const app = new App();
  const stack = new PythonWebStack(app, 'shop', { // validates its props like a stack file
    name: 'shop',
    environment: 'production',
    web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'django' },
    database: { backup: { schedule: '0 2 * * *' } }, // production needs a backup decision
  });
  stack.web.addPodAnnotation('example.com/team', 'payments');

  // or one part on its own, in a chart of your own:
  const apps = new Chart(app, 'apps', { namespace: 'apps' });
  new PythonWebService(apps, 'api', {
    stack: new StackIdentity({ name: 'api', namespace: 'apps' }),
    image: 'ghcr.io/acme/api:3.0.0',
    framework: 'fastapi',
  });

  // Render as cdk8s would, check every object (schema, references, Pod Security), write atomically:
  const files = renderApp({ app, charts: [
    // production reads an existing Secret: name the keys it must hold, for the reference checks
    { chart: stack, path: 'production/shop.k8s.yaml', externalSecrets: stack.secrets.requiredKeys() },
    { chart: apps, path: 'apps/api.k8s.yaml' },
  ] });
  checkOutput(files); // throws OutputInvalidError naming object, field and rule
  writeOutput(outdir, files);
}

if (require.main === module) {
  const outdir = process.argv[2];
  if (!outdir) {
    process.stderr.write('usage: npx ts-node --transpile-only shop.ts <outdir>\n');
    process.exit(2);
  }
  synthShop(outdir);
}
