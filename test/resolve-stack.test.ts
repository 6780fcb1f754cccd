import { execFileSync } from 'child_process';
import { DEFAULT_WEB_RESOURCES, PythonWebStack, isValidated, resolveStack } from '../constructs';
import { ROOT } from './_cli';

const minimal = { name: 'shop-app', web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'django' as const } };

describe('resolveStack', () => {
  test('fills every default of a minimal stack', () => {
    const m = resolveStack({ ...minimal, static: {}, media: {}, database: {}, ingress: { host: 'shop.example.com', tls: { clusterIssuer: 'le' } } });
    expect(m).toMatchObject({
      name: 'shop-app',
      namespace: 'shop-app',
      environment: 'development',
      labels: {},
      web: {
        framework: 'django',
        server: 'gunicorn',
        entrypoint: 'shop_app.wsgi:application',
        port: 8000,
        healthPath: '/healthz',
        env: {},
        resources: DEFAULT_WEB_RESOURCES,
        autoscaling: { minReplicas: 2, maxReplicas: 10, targetCPUUtilization: 70 },
        migrations: { command: ['python', 'manage.py', 'migrate', '--noinput'], waitCommand: ['python', 'manage.py', 'migrate', '--check'] },
        drainSeconds: 5,
      },
      static: { urlPath: '/static/', collect: { outputDir: '/app/staticfiles' }, port: 8080, maxUploadSize: '10m' },
      media: { size: '10Gi', accessMode: 'ReadWriteMany', mountPath: '/app/media', urlPath: '/media/', serve: 'app' },
      database: { image: 'postgres:16.4', name: 'shop_app', user: 'shop_app', storage: { size: '10Gi' } },
      secrets: { source: 'generated', keys: [] },
      ingress: { host: 'shop.example.com', tls: { secretName: 'shop-app-tls', clusterIssuer: 'le' }, extraHosts: [], annotations: {} },
      networkPolicy: { ingressControllerNamespace: 'ingress-nginx', internetEgressPorts: [443], egress: [], prometheusNamespace: 'monitoring' },
      resourceQuota: false,
      serviceAccount: { annotations: {} },
    });
    expect(m.web.command![0]).toBe('gunicorn');
    expect(m.web.replicas).toBeUndefined();
  });

  test('the environment decides the secrets source and the quota', () => {
    const m = resolveStack({ ...minimal, environment: 'production' });
    expect([m.secrets.source, m.secrets.existingSecret, m.resourceQuota]).toEqual(['existing', 'shop-app-secrets', { headroom: '20%' }]);
  });

  test("Prometheus' namespace reaches the network policies whether monitoring is on or off", () => {
    // The CloudNativePG metrics ports let Prometheus in even without `monitoring` (its own PodMonitor).
    const ns = (monitoring: object | false | undefined) => resolveStack({ ...minimal, monitoring } as any).networkPolicy.prometheusNamespace;
    expect([ns(undefined), ns(false), ns({}), ns({ prometheusNamespace: 'observability' })]).toEqual(['monitoring', 'monitoring', 'monitoring', 'observability']);
  });

  test('is idempotent: a resolved section resolves to itself', () => {
    const once = resolveStack({ ...minimal, web: { ...minimal.web, autoscaling: false, migrations: false }, static: {}, media: {}, database: {} });
    const twice = resolveStack(once as any);
    expect(JSON.parse(JSON.stringify(twice))).toEqual(JSON.parse(JSON.stringify(once)));
  });

  test('returns a frozen model and never freezes or changes the props it was given', () => {
    const props = { ...minimal, web: { ...minimal.web, command: ['gunicorn', 'x'] }, labels: { team: 'a' } };
    const m = resolveStack(props);
    expect(Object.isFrozen(m) && Object.isFrozen(m.web) && Object.isFrozen(m.web.command) && Object.isFrozen(m.labels)).toBe(true);
    expect(Object.isFrozen(props.web.command) || Object.isFrozen(props.labels)).toBe(false);
    expect(() => (m.web.command as string[]).push('y')).toThrow(TypeError);
  });

  test('only PythonWebStack.resolve marks a model as validated, after validating it', () => {
    expect(isValidated(resolveStack(minimal))).toBe(false);
    const { stack } = PythonWebStack.resolve(minimal);
    expect(isValidated(stack!) && isValidated({ ...stack!.web })).toBe(true);
    const { stack: none, issues } = PythonWebStack.resolve({ ...minimal, web: { ...minimal.web, port: 80 } });
    expect(none).toBeUndefined();
    expect(issues.map((i) => i.path)).toEqual(['web.port']);
  });

  test('no stack default is written outside the resolver (git grep)', () => {
    // Left out: Kubernetes' own defaults when reading arbitrary objects (the checkers, the README,
    // plan), compose's when reading a compose file (the importer), and the commands' own flags
    // (`values.<flag> ?? ...`), which are not stack-file keys.
    const hits = (pattern: string) => execFileSync('git', ['grep', '-n', pattern, '--', 'constructs', 'lib'], { cwd: ROOT, encoding: 'utf-8' })
      // The resolver is resolve-stack.ts and its background-work part, resolve-background.ts.
      .split('\n').filter((l) => l && !/^constructs\/resolve-(stack|background)\.ts:/.test(l) && !/^lib\/(check|render|plan|import)\//.test(l))
      .filter((l) => !/^lib\/commands\/.*\bvalues\.[\w-]+ \?\? /.test(l));
    expect(hits("?? '")).toEqual([
      expect.stringMatching(/^constructs\/_identity\.ts:.*image\.split/),
      expect.stringMatching(/^constructs\/_server-command\.ts:.*entrypoint \?\? ''/),
      ...Array(4).fill(expect.stringMatching(/^constructs\/_stack-schema\.ts:/)),
      expect.stringMatching(/^constructs\/namespace-resource-policy\.ts:.*pick\(c\) \?\? '0'/),
    ]);
    expect(hits('?? [0-9]')).toEqual([
      expect.stringMatching(/^constructs\/secret-detector\.ts:.*counts\.get/),
      expect.stringMatching(/^lib\/commands\/synth-command\.ts:.*kinds\.get/),
    ]);
    // A named default (`?? DEFAULT_X`) is a default too. Left: a construct's own `@default` for an
    // optional prop, filled in its constructor from the resolver's constant, for a TypeScript user
    // of the construct alone (PythonWebStack passes the resolved value wherever it is used).
    expect(hits('?? [A-Z][A-Z0-9_]*\\b')).toEqual([
      expect.stringMatching(/^constructs\/background-worker\.ts:.*props\.brokerUrlEnv \?\? DEFAULT_REDIS_URL_ENV/),
      expect.stringMatching(/^constructs\/namespace-resource-policy\.ts:.*props\.headroom \?\? DEFAULT_QUOTA_HEADROOM/),
    ]);
  });
});
