import * as path from 'path';
import { container, only, podSpec, stack, synthStack } from './_helpers';
import { ROOT } from './_cli';
import { findStackFiles, loadStackFiles } from '../lib/load/stack-file';
import { renderFiles } from '../lib/render/render';

describe('PythonWebStack', () => {
  test('starts with a Namespace that enforces Pod Security Standards restricted; every other object lives in it', () => {
    const objects = synthStack(stack({ namespace: 'shop-ns', database: {}, secrets: { source: 'generated' } }));
    expect(objects[0]).toMatchObject({ kind: 'Namespace', metadata: { name: 'shop-ns' } });
    expect(objects[0].metadata.labels).toMatchObject({ 'pod-security.kubernetes.io/enforce': 'restricted' });
    expect(objects[0].metadata.namespace).toBeUndefined();
    for (const o of objects.slice(1)) expect(o.metadata.namespace).toBe('shop-ns');
  });

  test('wires the database: PG* settings in the ConfigMap, the password by secretKeyRef, DATABASE_URL by $(VAR) expansion', () => {
    const objects = synthStack(stack({ database: { name: 'shopdb', user: 'shopuser' }, secrets: { source: 'generated' } }));
    expect(only(objects, 'ConfigMap').data).toMatchObject({ PGHOST: 'shop-postgres', PGPORT: '5432', PGDATABASE: 'shopdb', PGUSER: 'shopuser' });
    const env = container(podSpec(only(objects, 'Deployment')), 'app').env;
    const names = env.map((e: any) => e.name);
    expect(env).toContainEqual({ name: 'PGPASSWORD', valueFrom: { secretKeyRef: { name: 'shop-secrets', key: 'POSTGRES_PASSWORD' } } });
    const url = env.find((e: any) => e.name === 'DATABASE_URL');
    expect(url.value).toBe('postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)');
    // The kubelet expands $(VAR) only from variables listed before it.
    for (const ref of url.value.matchAll(/\$\(([A-Z]+)\)/g)) expect(names.indexOf(ref[1])).toBeLessThan(names.indexOf('DATABASE_URL'));
    // The client Service the URL names exists and listens on the port.
    expect(only(objects, 'Service', 'shop-postgres').spec.ports[0].port).toBe(5432);
  });

  test('never writes the database password as a literal: only generated development Secrets hold values', () => {
    const objects = synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { storeName: 's', remoteKey: 'k' }, keys: ['API_TOKEN'] } }));
    const literal = JSON.stringify(objects).match(/"name":"(PGPASSWORD|POSTGRES_PASSWORD|API_TOKEN)","value"/);
    expect(literal).toBeNull();
  });

  test('staging and production output of the examples holds no Secret with values', () => {
    // GIVEN every deploy target of every example, with its environment (dist/ is this render:
    // the drift test says so)
    const targets = loadStackFiles(findStackFiles(path.join(ROOT, 'examples'))).filter((s) => s.config.environment !== 'development' && s.config.environment !== undefined);
    expect(targets.length).toBeGreaterThan(0);
    for (const file of renderFiles(targets)) {
      for (const doc of file.objects) {
        if (doc?.kind === 'Secret') expect({ file: file.path, data: doc.data ?? doc.stringData ?? {} }).toEqual({ file: file.path, data: {} });
      }
    }
  });

  test('snapshot of the seed-like stack', () => {
    expect(synthStack(stack({ web: { image: 'ghcr.io/acme/shop:1.0', framework: 'flask', port: 5000 }, database: {}, secrets: { source: 'generated', keys: ['SECRET_KEY'] } }))).toMatchSnapshot();
  });
});

describe('PythonWebStack labels', () => {
  test('fails if a label key or value would be refused by the API server', () => {
    expect(() => synthStack(stack({ labels: { 'team!': 'a' } }))).toThrow(/labels\["team!"\]: is not a valid label key/);
    expect(() => synthStack(stack({ labels: { team: 'has space' } }))).toThrow(/labels\["team"\]: is not a valid label value \(got "has space"/);
    expect(() => synthStack(stack({ labels: { team: 'x'.repeat(64) } }))).toThrow(/is not a valid label value/);
    expect(() => synthStack(stack({ labels: { 'example.com/team': 'payments', empty: '' } }))).not.toThrow();
  });

  test('the version label is a valid label value for any tag', () => {
    const objects = synthStack(stack({ web: { image: `a/b:_${'v'.repeat(100)}-`, framework: 'flask' } }));
    const version = only(objects, 'Deployment').metadata.labels['app.kubernetes.io/version'];
    expect(version.length).toBeLessThanOrEqual(63);
    expect(version).toMatch(/^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/);
  });
});

describe('PythonWebStack cross-section checks', () => {
  test('fails if the stack would own a namespace of the cluster', () => {
    for (const namespace of ['default', 'kube-system', 'ingress-nginx']) {
      expect(() => synthStack(stack({ namespace }))).toThrow(new RegExp(`namespace: makes the stack own namespace ${namespace}`));
    }
  });

  test('fails if an env var would reach the app twice', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { DATABASE_URL: 'x' } }, database: {}, secrets: { source: 'generated' } })))
      .toThrow(/web\.env\.DATABASE_URL: is set by the stack from the database section/);
    expect(() => synthStack(stack({ secrets: { source: 'generated', keys: ['PORT'] } }))).toThrow(/secrets\.keys\[0\]: is an env var the stack sets itself/);
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { A: '1' } }, secrets: { source: 'generated', keys: ['A'] } })))
      .toThrow(/secrets\.keys\[0\]: is also in web\.env/);
  });

  test('fails if two volumes would be mounted at one path, or at the root', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'django' }, static: { collect: { command: ['x'], outputDir: '/tmp' } } })))
      .toThrow(/static\.collect\.outputDir: is the same folder as the stack's \/tmp/);
    expect(() => synthStack(stack({ media: { mountPath: '/' } }))).toThrow(/media\.mountPath: cannot be the container's root/);
  });

  test('fails if a stack label uses a prefix the stack sets itself', () => {
    expect(() => synthStack(stack({ labels: { 'app.kubernetes.io/instance': 'x' } }))).toThrow(/labels\["app\.kubernetes\.io\/instance"\]: is set by the stack itself/);
  });

  test('fails if a request is above its limit once the defaults are merged in', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', resources: { limits: { cpu: '100m' } } } })))
      .toThrow(/web\.resources\.limits\.cpu: is below the cpu request \(the default request, 250m\), which Kubernetes refuses/);
    expect(() => synthStack(stack({ database: { resources: { limits: { memory: '0' } } }, secrets: { source: 'generated' } }))).toThrow(/database\.resources\.limits\.memory: must be more than zero/);
  });

  test('fails if web.env holds a password inside a URL', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { REDIS_URL: 'redis://:s3cret@r/0' } } })))
      .toThrow(/web\.env\.REDIS_URL: holds credentials inside a URL/);
  });

  test('a ReadWriteOnce media volume makes rollouts replace the pod in place (no surge pod that could never attach)', () => {
    const deployment = only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', autoscaling: false, replicas: 1 }, media: { accessMode: 'ReadWriteOnce' } })), 'Deployment');
    expect(deployment.spec.strategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxSurge: 0, maxUnavailable: 1 } });
  });

  test("with cert-manager, the default deny leaves its HTTP-01 solver pods reachable", () => {
    const deny = only(synthStack(stack({ ingress: { host: 'a.example.com', tls: { clusterIssuer: 'le' } } })), 'NetworkPolicy', 'shop-default-deny');
    expect(deny.spec.podSelector).toEqual({ matchExpressions: [{ key: 'acme.cert-manager.io/http01-solver', operator: 'DoesNotExist' }] });
    expect(only(synthStack(stack()), 'NetworkPolicy', 'shop-default-deny').spec.podSelector).toEqual({});
  });

  test('the version label is on workloads and pods only, so a release does not touch every object', () => {
    const objects = synthStack(stack({ database: {}, secrets: { source: 'generated' } }));
    const versioned = objects.filter((o) => o.metadata.labels?.['app.kubernetes.io/version']).map((o) => o.kind).sort();
    expect(versioned).toEqual(['Deployment', 'StatefulSet']);
  });
});

describe('PythonWebStack runtime traps', () => {
  test('fails if the database user starts with pg_, which initdb refuses', () => {
    expect(() => synthStack(stack({ database: { user: 'pg_admin' }, secrets: { source: 'generated' } }))).toThrow(/database\.user: starts with pg_/);
  });

  test("fails if copyFrom points at the copy step's own mounts", () => {
    for (const copyFrom of ['/static-out', '/tmp/static']) {
      expect(() => synthStack(stack({ static: { copyFrom } }))).toThrow(/static\.copyFrom: is where the copy step mounts its own volumes/);
    }
  });

  test('fails if WEB_CONCURRENCY is not a whole number (the server would not start)', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { WEB_CONCURRENCY: 'abc' } } }))).toThrow(/web\.env\.WEB_CONCURRENCY: is the number of server workers/);
    expect(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { WEB_CONCURRENCY: '6' } } })), 'ConfigMap').data.WEB_CONCURRENCY).toBe('6');
  });

  test('secret-looking names: SENTRY_DSN and MYSQL_PWD are refused, TOKENIZER is not', () => {
    for (const name of ['SENTRY_DSN', 'MYSQL_PWD', 'GPG_PASSPHRASE']) {
      expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { [name]: 'x' } } }))).toThrow(/looks like a secret/);
    }
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { TOKENIZER: 'bert' } } }))).not.toThrow();
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { ERRORS_URL: 'https://abc123@o1.ingest.sentry.io/1' } } }))).toThrow(/holds credentials inside a URL/);
  });
});

describe('PythonWebStack database identity and password', () => {
  test('fails if the user derived from the stack name starts with pg_, and says which to set', () => {
    expect(() => synthStack(stack({ name: 'pg-shop', database: {}, secrets: { source: 'generated' } })))
      .toThrow(/database\.user: defaults to pg_shop \(the stack name with '-' as '_'\), which starts with pg_.*allowed: set database\.user to a name not starting with pg_, e\.g\. shop/);
    const objects = synthStack(stack({ name: 'pg-shop', database: { user: 'shop' }, secrets: { source: 'generated' } }));
    expect(objects.find((o) => o.kind === 'StatefulSet').spec.template.spec.containers[0].env).toContainEqual({ name: 'POSTGRES_USER', value: 'shop' });
  });

  test.each(['DB_PASSWORD', 'PAPERLESS_DBPASS', 'POSTGRES_PASS', 'DATABASE_PWD'])('fails if secrets.keys holds %s beside a generated database password', (key) => {
    const external = { storeName: 'vault', remoteKey: 'shop' };
    expect(() => synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external, keys: [key] } })))
      .toThrow(new RegExp(`secrets\\.keys\\[0\\]: looks like the database password, but the stack generates that password in the cluster: the app would read the store's value under ${key}.*allowed: remove it and read PGPASSWORD`));
    // A password kept in the store is one value for both: nothing to disagree.
    expect(() => synthStack(stack({ environment: 'production', database: { backup: false }, secrets: { source: 'external', external: { ...external, generateDatabasePassword: false }, keys: [key] } }))).not.toThrow();
  });
});

describe('PythonWebStack refuses text no YAML reader takes back', () => {
  test.each(['a\u007fb', 'a\ufffeb', 'a\ud800b', 'a\u0000b', 'a\u0085b'])('fails if a value holds %j', (value) => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { NOTE: value } } })))
      .toThrow(/web\.env\.NOTE: holds the control character or non-character U\+[0-9A-F]{4}, which YAML readers refuse/);
    expect(() => synthStack(stack({ labels: { team: 'a', [`k${value}`]: 'x' } }))).toThrow(/labels: has a key holding U\+/);
  });

  test('accepts tabs, line breaks and characters outside the BMP', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { NOTE: 'a\tb\nc \u{1F600}' } } }))).not.toThrow();
  });
});

describe('PythonWebStack limits, paths and hints', () => {
  test.each([
    [{ web: { image: 'a/b:1', framework: 'flask', autoscaling: { maxReplicas: 1000000000000 } } }, /web\.autoscaling\.maxReplicas: must be <= 10000/],
    [{ web: { image: 'a/b:1', framework: 'flask', autoscaling: false, replicas: 3000000000 } }, /web\.replicas: must be <= 10000/],
    [{ web: { image: 'a/b:1', framework: 'flask', resources: { requests: { cpu: '100m' }, limits: { cpu: '100000000000000000000000' } } } }, /web\.resources\.limits\.cpu: is more than any node has \(1024 cores\)/],
    [{ web: { image: 'a/b:1', framework: 'flask', resources: { limits: { cpu: '9'.repeat(400) } } } }, /web\.resources\.limits\.cpu: is more than any node has/],
    [{ web: { image: 'a/b:1', framework: 'flask', resources: { limits: { memory: '99999Pi' } } } }, /web\.resources\.limits\.memory: is more than any node has \(64Ti\)/],
    [{ media: { size: '2048Pi' } }, /media\.size: is more than any storage class provides \(1Pi\)/],
  ])('fails if a number is past what Kubernetes takes (%#)', (overrides, message) => {
    expect(() => synthStack(stack(overrides as any))).toThrow(message);
  });

  test('fails if web.env would make a ConfigMap over 1 MiB, or a name is over 253 characters', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { A: 'x'.repeat(600_000), B: 'y'.repeat(600_000) } } }))).toThrow(/web\.env: holds 1200002 bytes, more than a ConfigMap may hold/);
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { [`A${'B'.repeat(253)}`]: 'x' } } }))).toThrow(/is not a valid name \(allowed: at most 253 letters, digits and _/);
  });

  test('fails if an ingress host is over 253 characters or has a label over 63', () => {
    expect(() => synthStack(stack({ ingress: { host: `${'a'.repeat(64)}.example.com` } }))).toThrow(/ingress\.host: has the wrong format/);
    expect(() => synthStack(stack({ ingress: { host: `${Array.from({ length: 50 }, () => 'abcde').join('.')}.com` } }))).toThrow(/ingress\.host: must have at most 253 characters/);
  });

  test.each(['/app//media', '/app/media/', '/app/x/../media', '/app/./media'])('fails if media.mountPath %s is the same folder as another mount once normalized', (mountPath) => {
    expect(() => synthStack(stack({ media: { mountPath }, static: { collect: { command: ['x'], outputDir: '/app/media' } } })))
      .toThrow(/static\.collect\.outputDir: is the same folder as media\.mountPath/);
  });

  test.each(['/tmp/.', '/tmp//', '/app/../tmp'])('fails if media.mountPath %s is the stack\'s /tmp once normalized', (mountPath) => {
    expect(() => synthStack(stack({ media: { mountPath } }))).toThrow(/media\.mountPath: is the same folder as the stack's \/tmp/);
  });

  test("the static port hint avoids every port the app uses", () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'generic', port: 8080, command: ['gunicorn', '--bind', '0.0.0.0:8080', '--bind', '127.0.0.1:8081', 'app:app'] }, static: { copyFrom: '/a' } })))
      .toThrow(/static\.port: collides with web\.port \(8080\).*allowed: another port, e\.g\. 8082\)/);
  });
});
