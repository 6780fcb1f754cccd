import { container, only, podSpec, stack, synthStack } from './_helpers';

const django = (image = 'ghcr.io/acme/shop:1.0', extra: any = {}) =>
  synthStack(stack({ web: { image, framework: 'django', ...extra }, database: {}, secrets: { source: 'generated' } }));

describe('DatabaseMigration', () => {
  test('django migrates by default in a Job with the app image and exactly the app env', () => {
    const objects = django();
    const job = only(objects, 'Job');
    const migrate = container(podSpec(job), 'migrate');
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    expect(migrate.command).toEqual(['python', 'manage.py', 'migrate', '--noinput']);
    expect(migrate.image).toBe(app.image);
    expect(migrate.env).toEqual(app.env);
    expect(podSpec(job).restartPolicy).toBe('Never');
    expect(job.spec.ttlSecondsAfterFinished).toBeGreaterThan(0);
  });

  test('a new release is a new Job name, so an immutable pod template is never re-applied; the same release keeps its name', () => {
    const name = (image: string, env: any = {}) => only(django(image, { env }), 'Job').metadata.name;
    expect(name('a/b:1')).toMatch(/^shop-migrate-[0-9a-f]{10}$/);
    expect(name('a/b:1')).toBe(name('a/b:1'));
    expect(name('a/b:2')).not.toBe(name('a/b:1'));
    expect(name('a/b:1', { X: '1' })).not.toBe(name('a/b:1'));
  });

  test('new web pods wait for the migration in an init container before they serve', () => {
    const objects = django();
    const gate = container(podSpec(only(objects, 'Deployment')), 'wait-for-migrations');
    expect(podSpec(only(objects, 'Deployment')).initContainers[0].name).toBe('wait-for-migrations');
    expect(gate.command.slice(0, 2)).toEqual(['sh', '-c']);
    expect(gate.command.slice(-4)).toEqual(['python', 'manage.py', 'migrate', '--check']);
    expect(gate.securityContext.readOnlyRootFilesystem).toBe(true);
  });

  test('the Job is listed before the Deployment, so kubectl apply creates it first', () => {
    const kinds = django().map((o) => o.kind);
    expect(kinds.indexOf('Job')).toBeLessThan(kinds.indexOf('Deployment'));
  });

  test('other frameworks migrate only when asked, with their own command and optional gate', () => {
    expect(synthStack(stack()).filter((o) => o.kind === 'Job')).toEqual([]);
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', migrations: { command: ['flask', 'db', 'upgrade'] } } }));
    expect(container(podSpec(only(objects, 'Job')), 'migrate').command).toEqual(['flask', 'db', 'upgrade']);
    expect(podSpec(only(objects, 'Deployment')).initContainers).toBeUndefined();
  });

  test('migrations false turns them off for django', () => {
    const objects = django('a/b:1', { migrations: false });
    expect(objects.filter((o) => o.kind === 'Job')).toEqual([]);
    expect(podSpec(only(objects, 'Deployment')).initContainers).toBeUndefined();
  });

  test('fails if a non-django framework asks for migrations without a command', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', migrations: {} } }))).toThrow(/web\.migrations\.command: is required for framework flask/);
  });

  test('snapshot', () => {
    expect(only(django(), 'Job')).toMatchSnapshot();
  });
});

describe('DatabaseMigration names', () => {
  test('any change to the pod template is a new Job name (labels and resources too), never a failing re-apply', () => {
    const name = (extra: any) => only(synthStack(stack({ web: { image: 'a/b:1', framework: 'django' }, database: {}, secrets: { source: 'generated' }, ...extra })), 'Job').metadata.name;
    const base = name({});
    expect(name({ labels: { team: 'other' } })).not.toBe(base);
    expect(name({ region: 'eu-west-1' })).not.toBe(base);
    expect(name({ web: { image: 'a/b:1', framework: 'django', resources: { requests: { cpu: '300m' } } } })).not.toBe(base);
  });
});
