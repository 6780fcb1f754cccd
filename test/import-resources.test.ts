import { importResources, memoryQuantity } from '../lib/import/import-resources';
import { ImportReport } from '../lib/import/import-report';

// compose's deploy.resources as web.resources.

describe('memoryQuantity', () => {
  test.each([
    ['512M', '512Mi'], ['512m', '512Mi'], ['512mb', '512Mi'], ['2g', '2Gi'], ['1.5G', '1536Mi'], ['64k', '64Ki'], ['2048', '2048'], ['100b', '100'],
  ])('%s -> %s', (text, quantity) => {
    expect(memoryQuantity(text)).toBe(quantity);
  });

  test.each(['lots', '1T', '-5m', ''])('%j is no compose size', (text) => {
    expect(memoryQuantity(text)).toBeUndefined();
  });
});

describe('importResources', () => {
  const run = (deploy: unknown) => {
    const report = new ImportReport();
    return { resources: importResources(deploy, 'services.web.deploy', report), report: report.list() };
  };

  test('limits alone: the stack keeps its default requests where they fit under the limits', () => {
    expect(run({ resources: { limits: { cpus: '2', memory: '1g' } } }).resources).toEqual({ limits: { cpu: '2', memory: '1Gi' } });
  });

  test('what the stack refuses is dropped with its reason, the defaults kept', () => {
    const { resources, report } = run({ resources: { limits: { memory: '100M' }, reservations: { memory: '200M' } } });
    expect(resources).toBeUndefined();
    expect(report).toEqual([{ key: 'services.web.deploy.resources', outcome: 'dropped', detail: expect.stringMatching(/^the stack's default resources instead: web\.resources\.limits\.memory is below the memory request/) }]);
  });

  test('values that are no amounts are dropped one by one', () => {
    const { resources, report } = run({ resources: { limits: { cpus: '0', memory: 'lots' } } });
    expect(resources).toBeUndefined();
    expect(report.map((e) => `${e.key} ${e.outcome}`)).toEqual(['services.web.deploy.resources.limits.cpus dropped', 'services.web.deploy.resources.limits.memory dropped']);
  });

  test('no deploy.resources: nothing', () => {
    expect(run({ replicas: '2' }).resources).toBeUndefined();
    expect(run(undefined).resources).toBeUndefined();
  });
});
