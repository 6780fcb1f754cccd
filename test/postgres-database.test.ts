import { Testing } from 'cdk8s';
import { PostgresDatabase, StackIdentity } from '../constructs';
import { container, only, podSpec, stack, synthStack } from './_helpers';

const withDb = (database: any = {}) => synthStack(stack({ database, secrets: { source: 'generated' } }));

describe('PostgresDatabase', () => {
  test('a one-replica StatefulSet on a standalone claim that is not part of the workload', () => {
    const objects = withDb({ storage: { size: '20Gi', storageClassName: 'fast' } });
    const sts = only(objects, 'StatefulSet', 'shop-postgres');
    expect(sts.spec.replicas).toBe(1);
    // No volumeClaimTemplates: those are immutable, so growing the size would need a re-create.
    expect(sts.spec.volumeClaimTemplates).toBeUndefined();
    const pvc = only(objects, 'PersistentVolumeClaim', 'shop-postgres-data');
    expect(pvc.spec).toEqual({ accessModes: ['ReadWriteOnce'], storageClassName: 'fast', resources: { requests: { storage: '20Gi' } } });
    expect(podSpec(sts).volumes).toContainEqual({ name: 'data', persistentVolumeClaim: { claimName: 'shop-postgres-data' } });
  });

  test('PGDATA is a subdirectory of the volume; runs as uid 999 with an fsGroup, restricted, read-only root', () => {
    const spec = podSpec(only(withDb(), 'StatefulSet'));
    const pg = container(spec, 'postgres');
    const mount = pg.volumeMounts.find((m: any) => m.name === 'data').mountPath;
    const pgdata = pg.env.find((e: any) => e.name === 'PGDATA').value;
    expect(pgdata.startsWith(`${mount}/`)).toBe(true);
    expect(spec.securityContext).toMatchObject({ runAsUser: 999, runAsGroup: 999, fsGroup: 999, runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(pg.securityContext).toMatchObject({ readOnlyRootFilesystem: true, allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } });
    const mounts = pg.volumeMounts.map((m: any) => m.mountPath);
    expect(mounts).toEqual(expect.arrayContaining(['/var/run/postgresql', '/tmp']));
  });

  test('pg_isready readiness, a different liveness, and a startup probe long enough for crash recovery', () => {
    const pg = container(podSpec(only(withDb(), 'StatefulSet')), 'postgres');
    expect(pg.readinessProbe.exec.command[0]).toBe('pg_isready');
    expect(pg.livenessProbe).not.toEqual(pg.readinessProbe);
    expect(pg.startupProbe.periodSeconds * pg.startupProbe.failureThreshold).toBeGreaterThanOrEqual(15 * 60);
    expect(pg.resources.requests).toEqual({ cpu: '250m', memory: '512Mi' });
    expect(pg.resources.limits.memory).toBe('1Gi');
  });

  test('the password only by secretKeyRef', () => {
    const pg = container(podSpec(only(withDb(), 'StatefulSet')), 'postgres');
    expect(pg.env.find((e: any) => e.name === 'POSTGRES_PASSWORD')).toEqual({ name: 'POSTGRES_PASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' } } });
  });

  test('a headless Service for the StatefulSet and a client Service <name>-postgres', () => {
    const objects = withDb();
    const sts = only(objects, 'StatefulSet');
    const headless = only(objects, 'Service', sts.spec.serviceName);
    expect(headless.spec.clusterIP).toBe('None');
    expect(headless.spec.selector).toEqual(sts.spec.selector.matchLabels);
    const client = only(objects, 'Service', 'shop-postgres');
    expect(client.spec.selector).toEqual(sts.spec.selector.matchLabels);
    expect(client.spec.ports).toEqual([{ name: 'postgres', port: 5432, targetPort: 'postgres', protocol: 'TCP' }]);
  });

  test('only the web pods and the migration pods reach port 5432', () => {
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework: 'django' }, database: {}, secrets: { source: 'generated' } }));
    const policy = only(objects, 'NetworkPolicy', 'shop-postgres');
    // One label per selector (Polaris's missingNetworkPolicy accepts exactly one), unique per workload.
    expect(policy.spec.podSelector.matchLabels).toEqual({ 'app.kubernetes.io/instance': 'shop-postgres' });
    expect(only(objects, 'StatefulSet').spec.template.metadata.labels).toMatchObject(policy.spec.podSelector.matchLabels);
    expect(policy.spec.ingress).toHaveLength(1);
    const peers = policy.spec.ingress[0].from.map((p: any) => p.podSelector.matchLabels);
    expect(peers).toEqual([{ 'app.kubernetes.io/instance': 'shop-web' }, { 'app.kubernetes.io/instance': 'shop-migrate' }]);
    expect(only(objects, 'Deployment').spec.template.metadata.labels).toMatchObject(peers[0]);
    expect(only(objects, 'Job').spec.template.metadata.labels).toMatchObject(peers[1]);
    expect(policy.spec.ingress[0].ports).toEqual([{ protocol: 'TCP', port: 5432 }]);
  });

  test('database name and user default to the stack name with - as _', () => {
    const objects = synthStack(stack({ name: 'my-shop', database: {}, secrets: { source: 'generated' } }));
    const env = container(podSpec(only(objects, 'StatefulSet')), 'postgres').env;
    expect(env).toContainEqual({ name: 'POSTGRES_DB', value: 'my_shop' });
    expect(env).toContainEqual({ name: 'POSTGRES_USER', value: 'my_shop' });
  });

  test('is usable on its own from TypeScript', () => {
    const chart = Testing.chart();
    new PostgresDatabase(chart, 'db', { stack: new StackIdentity({ name: 'x' }), password: { name: 'pw', key: 'p' } });
    expect(only(Testing.synth(chart), 'StatefulSet').metadata.name).toBe('x-postgres');
  });

  test('fails if the storage size is not a quantity', () => {
    const chart = Testing.chart();
    expect(() => new PostgresDatabase(chart, 'db', { stack: new StackIdentity({ name: 'x' }), password: { name: 'pw', key: 'p' }, storage: { size: 'lots' } }))
      .toThrow(/database\.storage\.size: is not a Kubernetes quantity \(got "lots"/);
  });

  test('snapshot', () => {
    expect(withDb().filter((o) => o.metadata.labels?.['app.kubernetes.io/component'] === 'database')).toMatchSnapshot();
  });
});
