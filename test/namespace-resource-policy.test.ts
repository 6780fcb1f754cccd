import { quotaFor } from '../constructs';
import { container, only, podSpec, stack, synthStack } from './_helpers';

describe('NamespaceResourcePolicy', () => {
  test('a LimitRange gives stray containers requests and limits', () => {
    const lr = only(synthStack(stack()), 'LimitRange');
    expect(lr.spec.limits).toEqual([{ type: 'Container', defaultRequest: { cpu: '100m', memory: '128Mi' }, default: { cpu: '500m', memory: '256Mi' } }]);
  });

  test('a ResourceQuota only in staging and production', () => {
    expect(synthStack(stack()).filter((o) => o.kind === 'ResourceQuota')).toEqual([]);
    expect(only(synthStack(stack({ environment: 'staging' })), 'ResourceQuota').metadata.name).toBe('shop-quota');
  });

  test('the quota holds the peak: max replicas plus surge, a migration pod, the database, plus 20%', () => {
    // GIVEN 4 web pods at most (+1 surge) of app 1 cpu/512Mi requests, a migration pod, a database 500m/1Gi
    const objects = synthStack(stack({
      environment: 'production',
      web: { image: 'a/b:1', framework: 'django', autoscaling: { minReplicas: 2, maxReplicas: 4 }, resources: { requests: { cpu: '1', memory: '512Mi' }, limits: { cpu: '2', memory: '1Gi' } } },
      database: { storage: { size: '20Gi' }, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } } },
    }));
    const hard = only(objects, 'ResourceQuota').spec.hard;
    // web 5 x 1 + migration 1 + db 0.5 = 6.5 cores; x1.2 = 7.8
    expect(hard['requests.cpu']).toBe('7800m');
    // web 5 x 512Mi + 512Mi + 1Gi = 4096Mi; x1.2
    expect(hard['requests.memory']).toBe(`${Math.ceil(4096 * 1.2)}Mi`);
    expect(hard['limits.cpu']).toBe(`${Math.ceil((5 * 2 + 2 + 1) * 1.2 * 1000)}m`);
    expect(hard.persistentvolumeclaims).toBe('1');
    expect(hard['requests.storage']).toBe('20Gi');
    // The quota fits what the stack actually deploys, so its own pods are never refused.
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(app.resources.requests.cpu).toBe('1');
  });

  test('quotaFor sums containers per pod and pods per group', () => {
    const r = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
    expect(quotaFor([{ count: 2, containers: [r('250m', '128Mi'), r('50m', '32Mi')] }], ['1Gi', '1Gi'])).toEqual({
      'requests.cpu': '720m', 'requests.memory': `${Math.ceil(320 * 1.2)}Mi`, 'limits.cpu': '720m', 'limits.memory': `${Math.ceil(320 * 1.2)}Mi`,
      pods: '4', persistentvolumeclaims: '2', 'requests.storage': '2Gi',
    });
  });

  test('LimitRange and quota come before the workloads they govern', () => {
    const kinds = synthStack(stack({ environment: 'production', database: {} })).map((o) => o.kind);
    expect(kinds.indexOf('ResourceQuota')).toBeLessThan(kinds.indexOf('StatefulSet'));
    expect(kinds.indexOf('LimitRange')).toBeLessThan(kinds.indexOf('Deployment'));
  });
});
