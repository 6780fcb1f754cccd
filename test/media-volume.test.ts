import { container, only, podSpec, stack, synthStack } from './_helpers';

describe('MediaVolume', () => {
  test('a PersistentVolumeClaim <name>-media, mounted read-write in the app at mountPath', () => {
    const objects = synthStack(stack({ media: { size: '5Gi', storageClassName: 'nfs', mountPath: '/srv/media' } }));
    expect(only(objects, 'PersistentVolumeClaim', 'shop-media').spec).toEqual({ accessModes: ['ReadWriteMany'], storageClassName: 'nfs', resources: { requests: { storage: '5Gi' } } });
    const spec = podSpec(only(objects, 'Deployment'));
    expect(spec.volumes).toContainEqual({ name: 'media', persistentVolumeClaim: { claimName: 'shop-media' } });
    expect(container(spec, 'app').volumeMounts).toContainEqual({ name: 'media', mountPath: '/srv/media' });
  });

  test('defaults: 10Gi, ReadWriteMany, /app/media', () => {
    const objects = synthStack(stack({ media: {} }));
    expect(only(objects, 'PersistentVolumeClaim').spec).toEqual({ accessModes: ['ReadWriteMany'], resources: { requests: { storage: '10Gi' } } });
    expect(container(podSpec(only(objects, 'Deployment')), 'app').volumeMounts).toContainEqual({ name: 'media', mountPath: '/app/media' });
  });

  test('ReadWriteOnce is fine with a single pod', () => {
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', autoscaling: false, replicas: 1 }, media: { accessMode: 'ReadWriteOnce' } }));
    expect(only(objects, 'PersistentVolumeClaim').spec.accessModes).toEqual(['ReadWriteOnce']);
  });

  test('fails if ReadWriteOnce media meets more than one pod, explaining why and what to do', () => {
    expect(() => synthStack(stack({ media: { accessMode: 'ReadWriteOnce' } })))
      .toThrow(/media\.accessMode: ReadWriteOnce binds the volume to one node, but the web service may run 10 pods.*allowed: ReadWriteMany .*or web\.autoscaling: false with web\.replicas: 1/);
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', autoscaling: false, replicas: 3 }, media: { accessMode: 'ReadWriteOnce' } })))
      .toThrow(/may run 3 pods/);
  });

  test('snapshot', () => {
    expect(only(synthStack(stack({ media: {} })), 'PersistentVolumeClaim')).toMatchSnapshot();
  });
});
