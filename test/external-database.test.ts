import { container, only, podSpec, stack, synthStack } from './_helpers';

// GIVEN a production django stack on a managed Postgres whose password is a key of the app's secrets
const managed = (external: object = {}, extra: object = {}) => synthStack(stack({
  environment: 'production',
  web: { image: 'a/b:1', framework: 'django' },
  secrets: { keys: ['DB_PASSWORD'] },
  database: { external: { host: 'shop.abc.eu-west-1.rds.amazonaws.com', passwordKey: 'DB_PASSWORD', cidr: '10.20.0.0/16', ...external } },
  ...extra,
}));

describe('ExternalDatabase (database.external)', () => {
  test('creates no Postgres: no StatefulSet, claim, password generator or database policy', () => {
    const kinds = managed().map((o) => o.kind);
    for (const kind of ['StatefulSet', 'PersistentVolumeClaim', 'Password', 'ExternalSecret']) expect(kinds).not.toContain(kind);
    expect(managed().filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name)).toEqual(['shop-default-deny', 'shop-web', 'shop-migrate']);
  });

  test('the app and the migration get libpq settings with sslmode, the password only by secretKeyRef', () => {
    const objects = managed({ port: 6432, name: 'shop_prod', user: 'app', sslMode: 'verify-full' });
    expect(only(objects, 'ConfigMap', 'shop-web-env').data).toMatchObject({
      PGHOST: 'shop.abc.eu-west-1.rds.amazonaws.com', PGPORT: '6432', PGDATABASE: 'shop_prod', PGUSER: 'app', PGSSLMODE: 'verify-full',
    });
    for (const pod of [podSpec(only(objects, 'Deployment')), podSpec(only(objects, 'Job'))]) {
      const env = container(pod, pod.containers[0].name).env;
      expect(env.find((e: any) => e.name === 'PGPASSWORD')).toEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'DB_PASSWORD' } } });
      expect(env.find((e: any) => e.name === 'DATABASE_URL').value).toBe('postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)?sslmode=$(PGSSLMODE)');
    }
  });

  test('defaults: port 5432, database and user from the stack name, sslmode require', () => {
    expect(only(managed(), 'ConfigMap', 'shop-web-env').data).toMatchObject({ PGPORT: '5432', PGDATABASE: 'shop', PGUSER: 'shop', PGSSLMODE: 'require' });
  });

  test('web and migration pods reach the database network on its port only, not the internet on 5432', () => {
    const objects = managed({ port: 6432 });
    for (const name of ['shop-web', 'shop-migrate']) {
      const egress = only(objects, 'NetworkPolicy', name).spec.egress;
      expect(egress).toContainEqual({ to: [{ ipBlock: { cidr: '10.20.0.0/16' } }], ports: [{ protocol: 'TCP', port: 6432 }] });
      const internet = egress.find((r: any) => r.to.some((t: any) => t.ipBlock?.cidr === '0.0.0.0/0'));
      expect(internet.ports).toEqual([{ protocol: 'TCP', port: 443 }]);
    }
  });

  test('the quota counts no database pod and no claim', () => {
    const inCluster = only(synthStack(stack({ environment: 'production', web: { image: 'a/b:1', framework: 'django' }, database: { backup: false } })), 'ResourceQuota').spec.hard;
    const hard = only(managed(), 'ResourceQuota').spec.hard;
    expect(hard.persistentvolumeclaims).toBeUndefined();
    expect(parseInt(hard['requests.cpu'], 10)).toBeLessThan(parseInt(inCluster['requests.cpu'], 10));
  });

  test('fails if passwordKey is not a key of secrets.keys', () => {
    expect(() => managed({ passwordKey: 'PG_PASS' })).toThrow(/database\.external\.passwordKey: is not a key of secrets\.keys \(got "PG_PASS"; allowed: one of DB_PASSWORD, or add it to secrets\.keys\)/);
  });

  test('fails if the section also configures the in-cluster Postgres', () => {
    expect(() => synthStack(stack({ secrets: { keys: ['P'] }, database: { image: 'postgres:16.4', user: 'x', external: { host: 'db.internal', passwordKey: 'P', cidr: '10.0.0.0/8' } } })))
      .toThrow(/database\.image: configures the in-cluster Postgres, and database\.external replaces it[^]*database\.user: configures the in-cluster Postgres, and database\.external replaces it \(allowed: database\.external\.user\)/);
  });

  test('fails if the cidr is not a network or PGSSLMODE is set in web.env', () => {
    expect(() => managed({ cidr: '10.20.3.4/16' })).toThrow(/database\.external\.cidr: has bits set after the prefix length: the network is 10\.20\.0\.0\/16/);
    expect(() => managed({}, { web: { image: 'a/b:1', framework: 'django', env: { PGSSLMODE: 'disable' } } })).toThrow(/web\.env\.PGSSLMODE: is set by the stack from the database section/);
    expect(() => managed({ sslMode: 'on' })).toThrow(/database\.external\.sslMode: is not one of the allowed values \(got "on"; allowed: disable \| allow \| prefer \| require \| verify-ca \| verify-full\)/);
  });
});
