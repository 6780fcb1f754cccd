import { Testing } from 'cdk8s';
import { QueueAutoscaler, StackIdentity } from '../constructs';
import { only } from './_helpers';

describe('QueueAutoscaler', () => {
  test('alone in a chart: a ScaledObject on the Redis list and a TriggerAuthentication that reads the password from its Secret', () => {
    const chart = Testing.chart();
    const stack = new StackIdentity({ name: 'shop', namespace: 'shops' });
    new QueueAutoscaler(chart, 'Q', {
      stack, deploymentName: 'shop-worker-celery', metadata: stack.metadata('worker-celery', 'worker'),
      listName: 'celery', listLength: 20, minReplicas: 0, maxReplicas: 5,
      redis: { host: 'shop-redis', port: 6379 }, password: { name: 'shop-secrets', key: 'REDIS_PASSWORD' },
    });
    const objects = Testing.synth(chart);
    const auth = only(objects, 'TriggerAuthentication', 'shop-worker-celery');
    expect(auth.spec).toEqual({ secretTargetRef: [{ parameter: 'password', name: 'shop-secrets', key: 'REDIS_PASSWORD' }] });
    const so = only(objects, 'ScaledObject', 'shop-worker-celery');
    // The Service's full name: KEDA's operator resolves it from its own namespace.
    expect(so.spec.triggers).toEqual([{
      type: 'redis',
      metadata: { address: 'shop-redis.shops.svc:6379', listName: 'celery', listLength: '20', databaseIndex: '0' },
      authenticationRef: { name: auth.metadata.name },
    }]);
    expect(so.spec).toMatchObject({ scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: 'shop-worker-celery' }, minReplicaCount: 0, maxReplicaCount: 5 });
    expect(objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
  });
});
