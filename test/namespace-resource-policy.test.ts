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
      database: { storage: { size: '20Gi' }, resources: { requests: { cpu: '500m', memory: '1Gi' }, limits: { cpu: '1', memory: '2Gi' } }, backup: false },
    }));
    const hard = only(objects, 'ResourceQuota').spec.hard;
    // web 5 x 1 + migration 1 + db 0.5 = 6.5 cores; x1.2 = 7.8
    expect(hard['requests.cpu']).toBe('7800m');
    // web 5 x 512Mi + 512Mi + 1Gi = 4096Mi; x1.2
    expect(hard['requests.memory']).toBe(`${Math.ceil(4096 * 1.2)}Mi`);
    expect(hard['limits.cpu']).toBe(`${Math.ceil((5 * 2 + 2 + 1) * 1.2 * 1000)}m`);
    // One claim x1.2, rounded up: room for one more claim made by hand; 20Gi x1.2 = 24Gi.
    expect(hard.persistentvolumeclaims).toBe('2');
    expect(hard['requests.storage']).toBe('24Gi');
    // The quota fits what the stack actually deploys, so its own pods are never refused.
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(app.resources.requests.cpu).toBe('1');
  });

  test('quotaFor sums containers per pod and pods per group', () => {
    const r = (cpu: string, memory: string) => ({ requests: { cpu, memory }, limits: { cpu, memory } });
    expect(quotaFor([{ count: 2, containers: [r('250m', '128Mi'), r('50m', '32Mi')] }], ['1Gi', '1Gi'])).toEqual({
      'requests.cpu': '720m', 'requests.memory': `${Math.ceil(320 * 1.2)}Mi`, 'limits.cpu': '720m', 'limits.memory': `${Math.ceil(320 * 1.2)}Mi`,
      pods: '4', persistentvolumeclaims: '3', 'requests.storage': '3Gi',
    });
  });

  test('a claim made by hand beside the stack\'s fits the quota (it was refused when claims had no headroom)', () => {
    // GIVEN a stack with a database and media: two claims of 10Gi each
    const hard = only(synthStack(stack({ environment: 'production', database: { backup: false }, media: {} })), 'ResourceQuota').spec.hard;
    // THEN a third claim (a hand-made cache volume) and its storage fit
    expect(Number(hard.persistentvolumeclaims)).toBe(3);
    expect(hard['requests.storage']).toBe('24Gi');
  });

  test('resourceQuota.headroom sets the room on top of the peak', () => {
    const hard = only(synthStack(stack({ environment: 'production', database: { backup: false }, resourceQuota: { headroom: '50%' } })), 'ResourceQuota').spec.hard;
    // web 10 x (250m app) + 3 surge ... all totals x1.5: 1 claim of 10Gi -> 2 claims, 15Gi
    expect(hard.persistentvolumeclaims).toBe('2');
    expect(hard['requests.storage']).toBe('15Gi');
    expect(quotaFor([{ count: 2, containers: [{ requests: { cpu: '1', memory: '1Gi' }, limits: { cpu: '1', memory: '1Gi' } }] }], [], '0%'))
      .toEqual({ 'requests.cpu': '2000m', 'requests.memory': '2048Mi', 'limits.cpu': '2000m', 'limits.memory': '2048Mi', pods: '3' });
  });

  test('resourceQuota: false emits no quota, even in production; the LimitRange stays', () => {
    const objects = synthStack(stack({ environment: 'production', resourceQuota: false }));
    expect(objects.filter((o) => o.kind === 'ResourceQuota')).toEqual([]);
    expect(only(objects, 'LimitRange').metadata.name).toBe('shop-limits');
  });

  test('fails if resourceQuota.headroom is not a percentage', () => {
    expect(() => synthStack(stack({ environment: 'production', resourceQuota: { headroom: '0.5' } }))).toThrow(/resourceQuota\.headroom: has the wrong format/);
  });

  test('LimitRange and quota come before the workloads they govern', () => {
    const kinds = synthStack(stack({ environment: 'production', database: { backup: false } })).map((o) => o.kind);
    expect(kinds.indexOf('ResourceQuota')).toBeLessThan(kinds.indexOf('StatefulSet'));
    expect(kinds.indexOf('LimitRange')).toBeLessThan(kinds.indexOf('Deployment'));
  });
});
