import { only, podSpec, container, stack, synthStack } from './_helpers';

const django = { image: 'a/b:1', framework: 'django' as const };

describe('AppSecrets', () => {
  test('existing: emits no Secret; pods read every key and the database password from it', () => {
    const objects = synthStack(stack({ environment: 'production', web: django, database: { backup: false }, secrets: { source: 'existing', existingSecret: 'shop-prod', keys: ['DJANGO_SECRET_KEY'] } }));
    expect(objects.filter((o) => o.kind === 'Secret' || o.kind === 'ExternalSecret')).toEqual([]);
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(app.env).toContainEqual({ name: 'DJANGO_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'shop-prod', key: 'DJANGO_SECRET_KEY' } } });
    expect(app.env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-prod', key: 'POSTGRES_PASSWORD' } } });
  });

  test('existing is the default outside development, named <name>-secrets', () => {
    const objects = synthStack(stack({ environment: 'staging', database: {} }));
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(app.env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' } } });
    expect(objects.filter((o) => o.kind === 'Secret')).toEqual([]);
  });

  test('external: an ExternalSecret whose target is the Secret the pods read, covering every key they read', () => {
    const objects = synthStack(stack({ environment: 'production', web: django, database: { backup: false }, secrets: { source: 'external', external: { storeName: 'vault', remoteKey: 'prod/shop' }, keys: ['B_KEY', 'A_KEY'] } }));
    const externals = objects.filter((o) => o.kind === 'ExternalSecret');
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    // Every secretKeyRef of every pod points at an ExternalSecret's target that yields that key.
    const refs = objects.filter((o) => o.spec?.template?.spec).flatMap((w) => [...(podSpec(w).initContainers ?? []), ...podSpec(w).containers])
      .flatMap((c: any) => c.env ?? []).filter((e: any) => e.valueFrom?.secretKeyRef).map((e: any) => e.valueFrom.secretKeyRef);
    expect(refs.length).toBeGreaterThan(0);
    for (const ref of refs) {
      const es = externals.find((e) => e.spec.target.name === ref.name);
      expect(es).toBeDefined();
      const yielded = [...(es.spec.data ?? []).map((d: any) => d.secretKey), ...(es.spec.dataFrom ? ['POSTGRES_PASSWORD'] : [])];
      expect(yielded).toContain(ref.key);
    }
    const main = only(externals.filter((e) => e.metadata.name === 'shop-secrets'), 'ExternalSecret');
    expect(main.apiVersion).toBe('external-secrets.io/v1');
    expect(main.spec).toMatchObject({ secretStoreRef: { name: 'vault', kind: 'ClusterSecretStore' }, refreshInterval: '1h', target: { name: 'shop-secrets' } });
    expect(main.spec.data).toEqual([
      { secretKey: 'A_KEY', remoteRef: { key: 'prod/shop', property: 'A_KEY' } },
      { secretKey: 'B_KEY', remoteRef: { key: 'prod/shop', property: 'B_KEY' } },
    ]);
    expect(app.env).toContainEqual({ name: 'A_KEY', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'A_KEY' } } });
  });

  test('external: the database password is generated in the cluster once and kept', () => {
    const objects = synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { storeName: 'vault', remoteKey: 'prod/shop' } } }));
    const generator = only(objects, 'Password');
    expect(generator.apiVersion).toBe('generators.external-secrets.io/v1alpha1');
    expect(generator.spec.secretKeys).toEqual(['POSTGRES_PASSWORD']);
    expect(generator.spec.symbols).toBe(0);
    const es = only(objects.filter((o) => o.metadata.name === 'shop-postgres-password'), 'ExternalSecret');
    // CreatedOnce: generated once, never rotated under a database initialized with it.
    expect(es.spec.refreshPolicy).toBe('CreatedOnce');
    expect(es.spec.target).toEqual({ name: 'shop-postgres-password', creationPolicy: 'Orphan' });
    expect(es.spec.dataFrom[0].sourceRef.generatorRef).toEqual({ apiVersion: 'generators.external-secrets.io/v1alpha1', kind: 'Password', name: generator.metadata.name });
    const pg = container(podSpec(only(objects, 'StatefulSet')), 'postgres');
    expect(pg.env).toContainEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-postgres-password', key: 'POSTGRES_PASSWORD' } } });
    // No app keys: no store ExternalSecret at all.
    expect(objects.filter((o) => o.kind === 'ExternalSecret')).toHaveLength(1);
  });

  test('external with generateDatabasePassword false reads the password from the store', () => {
    const objects = synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { storeName: 'vault', remoteKey: 'k', generateDatabasePassword: false } } }));
    expect(objects.filter((o) => o.kind === 'Password')).toEqual([]);
    expect(only(objects, 'ExternalSecret').spec.data).toEqual([{ secretKey: 'POSTGRES_PASSWORD', remoteRef: { key: 'k', property: 'POSTGRES_PASSWORD' } }]);
  });

  test('generated: a development Secret, byte-identical on every synth, distinct per stack', () => {
    const make = (name: string) => only(synthStack(stack({ name, database: {}, secrets: { source: 'generated', keys: ['SECRET_KEY'] } })), 'Secret');
    expect(make('shop')).toEqual(make('shop'));
    expect(Object.keys(make('shop').stringData)).toEqual(['POSTGRES_PASSWORD', 'SECRET_KEY']);
    expect(make('shop').stringData.SECRET_KEY).not.toBe(make('other').stringData.SECRET_KEY);
  });

  test('fails if generated secrets are used in staging or production', () => {
    for (const environment of ['staging', 'production'] as const) {
      expect(() => synthStack(stack({ environment, secrets: { source: 'generated' } }))).toThrow(new RegExp(`secrets\\.source: 'generated' puts plaintext values in git and is for development only, not ${environment}`));
    }
  });

  test('fails if source is external without its settings', () => {
    expect(() => synthStack(stack({ secrets: { source: 'external' } }))).toThrow(/secrets\.external: is required when source is external/);
  });

  test('fails if a key is listed twice or is the database password', () => {
    expect(() => synthStack(stack({ secrets: { keys: ['A', 'A'] } }))).toThrow(/secrets\.keys\[1\]: is listed twice/);
    expect(() => synthStack(stack({ secrets: { keys: ['POSTGRES_PASSWORD'] } }))).toThrow(/secrets\.keys\[0\]: is the database password/);
  });

  test('snapshot', () => {
    expect(synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { storeName: 'vault', remoteKey: 'prod/shop' }, keys: ['K'] } }))
      .filter((o) => ['ExternalSecret', 'Password'].includes(o.kind))).toMatchSnapshot();
  });
});
