import { container, only, podSpec, stack, synthStack } from './_helpers';

const NETBOX = { host: 'DB_HOST', port: 'DB_PORT', name: 'DB_NAME', user: 'DB_USER', password: 'DB_PASSWORD' };
const appEnv = (objects: any[]) => container(podSpec(only(objects, 'Deployment')), 'app').env;
const named = (objects: any[], name: string) => appEnv(objects).find((e: any) => e.name === name);

describe('database.env: the names the app reads', () => {
  test('NetBox\'s names: settings in the ConfigMap under them, the generated password by secretKeyRef, nothing under PG*', () => {
    const objects = synthStack(stack({ database: { env: NETBOX } }));
    const data = only(objects, 'ConfigMap', 'shop-web-env').data;
    expect(data).toMatchObject({ DB_HOST: 'shop-postgres', DB_PORT: '5432', DB_NAME: 'shop', DB_USER: 'shop' });
    expect(Object.keys(data).filter((k) => k.startsWith('PG'))).toEqual([]);
    expect(named(objects, 'DB_PASSWORD')).toEqual({ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' } } });
    // The password sits in the Secret once, as the database's own; no url was asked for.
    expect(named(objects, 'PGPASSWORD')).toBeUndefined();
    expect(named(objects, 'DATABASE_URL')).toBeUndefined();
    expect(Object.keys(only(objects, 'Secret', 'shop-secrets').stringData)).toEqual(['POSTGRES_PASSWORD']);
  });

  test('url is built by the kubelet from the app\'s own names', () => {
    const objects = synthStack(stack({ database: { env: { ...NETBOX, url: 'DB_URL' } } }));
    expect(named(objects, 'DB_URL').value).toBe('postgresql://$(DB_USER):$(DB_PASSWORD)@$(DB_HOST):$(DB_PORT)/$(DB_NAME)');
    const names = appEnv(objects).map((e: any) => e.name);
    // $(VAR) sees only the variables before it.
    for (const ref of ['DB_USER', 'DB_PASSWORD', 'DB_HOST', 'DB_PORT', 'DB_NAME']) expect(names.indexOf(ref)).toBeLessThan(names.indexOf('DB_URL'));
  });

  test('the migration Job reads the same names', () => {
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework: 'django' }, database: { env: NETBOX } }));
    expect(only(objects, 'Job').spec.template.spec.containers[0].env.map((e: any) => e.name)).toContain('DB_PASSWORD');
  });

  test('a managed database: sslMode under its name; a password named like its secret key is set once', () => {
    const objects = synthStack(stack({
      secrets: { keys: ['DB_PASSWORD'] },
      database: { env: { ...NETBOX, sslMode: 'DB_SSLMODE' }, external: { host: 'db.internal', passwordKey: 'DB_PASSWORD', cidr: '10.0.0.0/8' } },
    }));
    expect(only(objects, 'ConfigMap', 'shop-web-env').data).toMatchObject({ DB_HOST: 'db.internal', DB_SSLMODE: 'require' });
    expect(appEnv(objects).filter((e: any) => e.name === 'DB_PASSWORD')).toEqual([{ name: 'DB_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'DB_PASSWORD' } } }]);
  });

  test('fails if url lacks the names it is built from', () => {
    expect(() => synthStack(stack({ database: { env: { password: 'P', url: 'U', host: 'H' } } }))).toThrow(/database\.env\.url: is built from the other names, and port, name, user are not named/);
  });

  test('fails if a name is used twice, is one the stack sets, or collides with web.env or secrets', () => {
    expect(() => synthStack(stack({ database: { env: { ...NETBOX, user: 'DB_HOST' } } }))).toThrow(/database\.env\.user: is the name of host too/);
    expect(() => synthStack(stack({ database: { env: { ...NETBOX, port: 'PORT' } } }))).toThrow(/database\.env\.port: is an env var the stack sets itself/);
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { DB_HOST: 'x' } }, database: { env: NETBOX } }))).toThrow(/web\.env\.DB_HOST: is set by the stack from the database section/);
    expect(() => synthStack(stack({ secrets: { keys: ['DB_PASSWORD'] }, database: { env: NETBOX } }))).toThrow(/secrets\.keys\[0\]: is an env var the stack sets itself/);
  });

  test('fails if sslMode is named for the in-cluster database, or password is missing', () => {
    expect(() => synthStack(stack({ database: { env: { ...NETBOX, sslMode: 'DB_SSLMODE' } } }))).toThrow(/database\.env\.sslMode: is only set with database\.external/);
    expect(() => synthStack(stack({ database: { env: { host: 'DB_HOST' } as any } }))).toThrow(/database\.env\.password: is required/);
  });
});
