import * as path from 'path';
import { ApiObject } from 'cdk8s';
import * as k8s from '../imports/k8s';
import { OutputInvalidError, checkOutput, outputProblems } from '../lib/check/output-checks';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { buildApp, renderApp } from '../lib/render/render';
import { ROOT, buildCli, runCli, tempDir } from './_cli';

/** The examples' App (the blog first, namespace blog), with a user's own construct added to the blog's first chart. */
function withUserConstruct(add: (chart: any) => void) {
  const examples = ['django-blog.yaml', 'flask-shop.yaml'].map((f) => path.join(ROOT, 'examples', f));
  const stackApp = buildApp(loadStackFiles(examples.flatMap(findStackFiles)));
  add(stackApp.charts[0].chart);
  return renderApp(stackApp);
}

describe('synth-time output checks', () => {
  test('the examples pass', () => {
    expect(outputProblems(withUserConstruct(() => undefined))).toEqual([]);
  });

  test('fails if a user construct breaks Pod Security Standards, naming object, field and rule', () => {
    const files = withUserConstruct((chart) => new k8s.KubeDeployment(chart, 'debug', {
      metadata: { name: 'debug', namespace: 'blog' },
      spec: {
        selector: { matchLabels: { app: 'debug' } },
        template: { metadata: { labels: { app: 'debug' } }, spec: { containers: [{ name: 'shell', image: 'busybox:1.36', securityContext: { privileged: true } }] } },
      },
    }));
    const problems = outputProblems(files);
    expect(problems).toContainEqual(expect.stringMatching(/pss\/privileged: Deployment blog\/debug: spec\.template\.spec\.containers\[0\]\.securityContext\.privileged/));
    expect(problems).toContainEqual(expect.stringMatching(/pss\/run-as-non-root: Deployment blog\/debug/));
    expect(() => checkOutput(files)).toThrow(OutputInvalidError);
  });

  test('fails if a user construct writes a field Kubernetes does not know', () => {
    const files = withUserConstruct((chart) => new ApiObject(chart, 'cm', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'extra', namespace: 'blog' }, dataa: { a: '1' } } as any));
    expect(outputProblems(files)).toContainEqual(expect.stringMatching(/schema: ConfigMap blog\/extra: dataa: unknown field "dataa" \(did you mean "data"\?\)/));
  });

  test('fails if a user construct refers to something the output does not have', () => {
    const files = withUserConstruct((chart) => new k8s.KubeService(chart, 'orphan', {
      metadata: { name: 'orphan', namespace: 'blog' },
      spec: { selector: { app: 'nothing-has-this' }, ports: [{ port: 80 }] },
    }));
    expect(outputProblems(files)).toContainEqual(expect.stringMatching(/xref\/service-selector: Service blog\/orphan/));
  });
});

describe('--no-validate', () => {
  beforeAll(buildCli);
  test('writes, but says loudly that nothing was checked', () => {
    const out = tempDir();
    const r = runCli(['--config', path.join(ROOT, 'examples'), '--outdir', path.join(out, 'dist'), '--no-validate']);
    expect(r.code).toBe(0);
    expect(r.stderr).toMatch(/^WARNING: --no-validate: the output was NOT checked/m);
  });
});
