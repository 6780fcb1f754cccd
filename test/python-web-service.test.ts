import { Testing } from 'cdk8s';
import { PythonWebService, StackIdentity } from '../constructs';
import { container, only, podSpec, stack, synthStack } from './_helpers';

describe('PythonWebService', () => {
  test('names every object <name>-web, with no hash suffix', () => {
    const objects = synthStack(stack());
    for (const kind of ['Deployment', 'Service', 'ServiceAccount', 'HorizontalPodAutoscaler']) {
      expect(only(objects, kind).metadata.name).toBe('shop-web');
    }
    expect(only(objects, 'ConfigMap').metadata.name).toBe('shop-web-env');
  });

  test('serviceAccount.annotations go on the app\'s ServiceAccount (cloud IAM), which the pods run as', () => {
    const objects = synthStack(stack({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop' } } }));
    const account = only(objects, 'ServiceAccount', 'shop-web');
    expect(account.metadata.annotations['eks.amazonaws.com/role-arn']).toBe('arn:aws:iam::123456789012:role/shop');
    expect(podSpec(only(objects, 'Deployment')).serviceAccountName).toBe('shop-web');
    expect(synthStack(stack()).find((o) => o.kind === 'ServiceAccount').metadata.annotations).toEqual({ 'argocd.argoproj.io/sync-wave': '-3' });
  });

  test('Azure Workload Identity: every Python pod is labeled for the webhook that injects the token; other identities need no label', () => {
    // GIVEN the client id of an Azure managed identity, and a worker and a schedule beside the web
    const objects = synthStack(stack({
      web: { image: 'a/b:1', framework: 'django' },
      serviceAccount: { annotations: { 'azure.workload.identity/client-id': '00000000-0000-0000-0000-000000000000' } },
      workers: { celery: { command: ['celery', 'worker'] } },
      schedules: { nightly: { schedule: '0 3 * * *', command: ['python', 'manage.py', 'clearsessions'] } },
    }));
    // THEN the web, migration, worker and schedule pods carry azure.workload.identity/use (the webhook mutates only those)
    const templates = [
      only(objects, 'Deployment', 'shop-web').spec.template, only(objects, 'Job').spec.template,
      only(objects, 'Deployment', 'shop-worker-celery').spec.template, only(objects, 'CronJob').spec.jobTemplate.spec.template,
    ];
    for (const t of templates) expect(t.metadata.labels['azure.workload.identity/use']).toBe('true');
    // AND the selectors do not change: the label is on the pods only
    expect(only(objects, 'Deployment', 'shop-web').spec.selector.matchLabels['azure.workload.identity/use']).toBeUndefined();
    const irsa = synthStack(stack({ serviceAccount: { annotations: { 'eks.amazonaws.com/role-arn': 'arn:aws:iam::123456789012:role/shop' } } }));
    expect(only(irsa, 'Deployment').spec.template.metadata.labels['azure.workload.identity/use']).toBeUndefined();
  });

  test('fails if a serviceAccount annotation key is invalid or the stack\'s own', () => {
    expect(() => synthStack(stack({ serviceAccount: { annotations: { 'iam/gke/x': 'y' } } }))).toThrow(/serviceAccount\.annotations\["iam\/gke\/x"\]: is not a valid annotation key/);
    expect(() => synthStack(stack({ serviceAccount: { annotations: { 'argocd.argoproj.io/sync-wave': '5' } } }))).toThrow(/serviceAccount\.annotations\["argocd\.argoproj\.io\/sync-wave"\]: is set by the stack itself/);
  });

  test('serves django and flask with gunicorn on $(PORT) with WEB_CONCURRENCY workers, logs to stdout/stderr', () => {
    for (const framework of ['django', 'flask'] as const) {
      const app = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework, entrypoint: 'x.wsgi:application' } })), 'Deployment')), 'app');
      expect(app.command[0]).toBe('gunicorn');
      expect(app.command).toEqual(expect.arrayContaining(['--bind', '0.0.0.0:$(PORT)', '--workers', '$(WEB_CONCURRENCY)', '--access-logfile', '-', '--error-logfile', '-', 'x.wsgi:application']));
      expect(app.command).not.toContain('uvicorn.workers.UvicornWorker');
    }
  });

  test('serves fastapi with gunicorn and uvicorn workers', () => {
    const app = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'fastapi' } })), 'Deployment')), 'app');
    expect(app.command.slice(0, 1)).toEqual(['gunicorn']);
    expect(app.command.join(' ')).toContain('--worker-class uvicorn.workers.UvicornWorker');
    expect(app.command[app.command.length - 1]).toBe('main:app');
  });

  test('a given command replaces the default server command entirely', () => {
    const app = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'generic', command: ['uvicorn', 'api:app'] } })), 'Deployment')), 'app');
    expect(app.command).toEqual(['uvicorn', 'api:app']);
  });

  test('$(VAR) references in the command are env vars the container declares', () => {
    const app = container(podSpec(only(synthStack(stack()), 'Deployment')), 'app');
    const declared = app.env.map((e: any) => e.name);
    for (const ref of app.command.join(' ').matchAll(/\$\(([A-Z_]+)\)/g)) expect(declared).toContain(ref[1]);
  });

  test('the ConfigMap holds web.env and the Python defaults; the app reads each key by configMapKeyRef', () => {
    const objects = synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', port: 5000, env: { FEATURE: 'on' } } }));
    const cm = only(objects, 'ConfigMap');
    expect(cm.data).toEqual({ FEATURE: 'on', PORT: '5000', WEB_CONCURRENCY: '3', PYTHONUNBUFFERED: '1', PYTHONDONTWRITEBYTECODE: '1', TZ: 'UTC' });
    const app = container(podSpec(only(objects, 'Deployment')), 'app');
    for (const key of Object.keys(cm.data)) {
      expect(app.env).toContainEqual({ name: key, valueFrom: { configMapKeyRef: { name: 'shop-web-env', key } } });
    }
  });

  test('WEB_CONCURRENCY is 2 x CPU limit + 1, from the request without a limit, at least 2', () => {
    const workers = (resources: any) => only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', resources } })), 'ConfigMap').data.WEB_CONCURRENCY;
    expect(workers({ limits: { cpu: '2' } })).toBe('5');
    expect(workers({ limits: { cpu: '1500m' } })).toBe('4');
    expect(workers({ requests: { cpu: '100m' }, limits: { cpu: '100m' } })).toBe('2');
  });

  test('readiness and startup probes hit healthPath on the named port; liveness only checks the port, with other timings', () => {
    const app = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', healthPath: '/up' } })), 'Deployment')), 'app');
    for (const probe of [app.readinessProbe, app.startupProbe]) {
      expect(probe.httpGet).toMatchObject({ path: '/up', port: 'http' });
    }
    // A failing dependency makes the pod unready, never restarts it; kube-score wants them to differ.
    expect(app.livenessProbe.tcpSocket).toEqual({ port: 'http' });
    expect(app.ports).toEqual([{ name: 'http', containerPort: 8000, protocol: 'TCP' }]);
    expect(app.livenessProbe.periodSeconds).toBeGreaterThan(app.readinessProbe.periodSeconds);
    expect(app.startupProbe.periodSeconds * app.startupProbe.failureThreshold).toBeGreaterThanOrEqual(120);
  });

  test('runs restricted: non-root, no escalation, drop ALL, RuntimeDefault seccomp, read-only root with /tmp emptyDir', () => {
    const spec = podSpec(only(synthStack(stack()), 'Deployment'));
    expect(spec.securityContext).toMatchObject({ runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } });
    expect(spec.securityContext.runAsUser).toBeGreaterThanOrEqual(10000);
    const app = container(spec, 'app');
    expect(app.securityContext).toEqual({ allowPrivilegeEscalation: false, privileged: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } });
    expect(app.volumeMounts).toContainEqual({ name: 'tmp', mountPath: '/tmp' });
    expect(spec.volumes).toContainEqual(expect.objectContaining({ name: 'tmp', emptyDir: expect.any(Object) }));
    expect(spec.automountServiceAccountToken).toBe(false);
    expect(only(synthStack(stack()), 'ServiceAccount').automountServiceAccountToken).toBe(false);
  });

  test('always requests cpu and memory and limits memory, with the contract defaults', () => {
    const app = container(podSpec(only(synthStack(stack()), 'Deployment')), 'app');
    expect(app.resources).toEqual({ requests: { cpu: '250m', memory: '256Mi' }, limits: { cpu: '1', memory: '512Mi' } });
    const custom = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', resources: { requests: { cpu: '1' } } } })), 'Deployment')), 'app');
    expect(custom.resources.requests).toEqual({ cpu: '1', memory: '256Mi' });
  });

  test('rolls with maxUnavailable 0 and drains endpoints before gunicorn stops', () => {
    const deployment = only(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', drainSeconds: 7 } })), 'Deployment');
    expect(deployment.spec.strategy).toMatchObject({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: 0 } });
    const spec = podSpec(deployment);
    const app = container(spec, 'app');
    expect(app.lifecycle.preStop.exec.command).toEqual(['sleep', '7']);
    const graceful = Number(app.command[app.command.indexOf('--graceful-timeout') + 1]);
    // The kubelet kills the pod after the grace period: preStop plus gunicorn's shutdown must fit.
    expect(spec.terminationGracePeriodSeconds).toBeGreaterThan(7 + graceful);
  });

  test('a config change changes the pod template checksum, so the pods roll', () => {
    const checksum = (env: Record<string, string>) => podSpecMeta(synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env } }))).annotations['checksum/config'];
    expect(checksum({ A: '1' })).toMatch(/^[0-9a-f]{64}$/);
    expect(checksum({ A: '1' })).toBe(checksum({ A: '1' }));
    expect(checksum({ A: '1' })).not.toBe(checksum({ A: '2' }));
  });

  test('the Service selects the pods by stable labels (no version, no construct hash) and targets the named port', () => {
    const objects = synthStack(stack());
    const service = only(objects, 'Service');
    const deployment = only(objects, 'Deployment');
    expect(service.spec.selector).toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-web' });
    expect(deployment.spec.selector.matchLabels).toEqual(service.spec.selector);
    expect(deployment.spec.template.metadata.labels).toMatchObject(service.spec.selector);
    expect(service.spec.ports).toEqual([{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }]);
    expect(JSON.stringify(objects)).not.toContain('cdk8s.io/metadata.addr');
  });

  test('carries the recommended labels, version from the image tag', () => {
    const deployment = only(synthStack(stack({ labels: { team: 'pay' } })), 'Deployment');
    expect(deployment.metadata.labels).toEqual({
      'app.kubernetes.io/name': 'shop',
      'app.kubernetes.io/instance': 'shop-web',
      'app.kubernetes.io/component': 'web',
      'app.kubernetes.io/part-of': 'shop',
      'app.kubernetes.io/version': '1.4.2',
      'app.kubernetes.io/managed-by': 'cdk8s',
      team: 'pay',
    });
  });

  test('pulls tags Always and digests IfNotPresent', () => {
    const pull = (image: string) => container(podSpec(only(synthStack(stack({ web: { image, framework: 'flask' } })), 'Deployment')), 'app').imagePullPolicy;
    expect(pull('a/b:1.0')).toBe('Always');
    expect(pull(`a/b@sha256:${'a'.repeat(64)}`)).toBe('IfNotPresent');
  });

  test('autoscales by default and then omits replicas; autoscaling false uses replicas (default 2)', () => {
    const scaled = synthStack(stack());
    expect(only(scaled, 'Deployment').spec.replicas).toBeUndefined();
    expect(only(scaled, 'HorizontalPodAutoscaler').spec).toMatchObject({ minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'shop-web' } });
    const fixed = synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', autoscaling: false } }));
    expect(fixed.filter((o) => o.kind === 'HorizontalPodAutoscaler')).toEqual([]);
    expect(only(fixed, 'Deployment').spec.replicas).toBe(2);
  });

  test('is usable on its own from TypeScript', () => {
    const chart = Testing.chart();
    new PythonWebService(chart, 'web', { stack: new StackIdentity({ name: 'api', namespace: 'apps' }), image: 'a/api:3', framework: 'fastapi', autoscaling: false, replicas: 3 });
    const deployment = only(Testing.synth(chart), 'Deployment');
    expect(deployment.metadata).toMatchObject({ name: 'api-web', namespace: 'apps' });
    expect(deployment.spec.replicas).toBe(3);
  });

  test('fails if framework is generic and there is no command', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1' } }))).toThrow(/web\.command: is required when framework is generic/);
  });

  test('fails if maxReplicas is below minReplicas', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', autoscaling: { minReplicas: 4, maxReplicas: 3 } } })))
      .toThrow(/web\.autoscaling\.maxReplicas: must be at least minReplicas \(4\) \(got 3\)/);
  });

  test('fails if web.env sets PORT', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { PORT: '1' } } }))).toThrow(/web\.env\.PORT: is set by the stack.*web\.port/);
  });

  test('fails if replicas is given while autoscaling is on', () => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', replicas: 3 } }))).toThrow(/web\.replicas: is only used when autoscaling is false/);
  });

  test('snapshot', () => {
    expect(synthStack(stack())).toMatchSnapshot();
  });
});

function podSpecMeta(objects: any[]): any {
  return only(objects, 'Deployment').spec.template.metadata;
}

describe('PythonWebService availability', () => {
  test('a PodDisruptionBudget that never blocks every voluntary disruption and lets unhealthy pods go', () => {
    const objects = synthStack(stack());
    const pdb = only(objects, 'PodDisruptionBudget', 'shop-web');
    expect(pdb.spec).toEqual({ maxUnavailable: 1, selector: { matchLabels: only(objects, 'Deployment').spec.selector.matchLabels }, unhealthyPodEvictionPolicy: 'AlwaysAllow' });
    // Consistent with the HPA minimum: one eviction leaves at least min - 1 pods, never zero of two.
    expect(only(objects, 'HorizontalPodAutoscaler').spec.minReplicas - pdb.spec.maxUnavailable).toBeGreaterThanOrEqual(1);
  });

  test('spreads pods across zones and hosts, preferring it without blocking scheduling', () => {
    const spec = podSpec(only(synthStack(stack()), 'Deployment'));
    expect(spec.topologySpreadConstraints.map((t: any) => [t.topologyKey, t.whenUnsatisfiable])).toEqual([
      ['topology.kubernetes.io/zone', 'ScheduleAnyway'], ['kubernetes.io/hostname', 'ScheduleAnyway'],
    ]);
    expect(spec.affinity.podAntiAffinity.preferredDuringSchedulingIgnoredDuringExecution[0].podAffinityTerm.labelSelector.matchLabels)
      .toEqual({ 'app.kubernetes.io/name': 'shop', 'app.kubernetes.io/instance': 'shop-web' });
  });

  test('the single-instance database gets a budget that lets drains proceed', () => {
    const pdb = only(synthStack(stack({ database: {}, secrets: { source: 'generated' } })), 'PodDisruptionBudget', 'shop-postgres');
    expect(pdb.spec.maxUnavailable).toBe(1);
  });
});

describe('PythonWebService env checks', () => {
  test.each(['SECRET_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'AWS_SECRET_ACCESS_KEY', 'passwd'])('fails if web.env sets %s, which looks secret', (name) => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { [name]: 'x' } } })))
      .toThrow(new RegExp(`web\\.env\\.${name}: has a name that looks like a secret.*allowed: move it into secrets: list ${name} in secrets\\.keys`));
  });

  test.each(['LOG_LEVEL', 'DJANGO_SETTINGS_MODULE', 'KEYCLOAK_URL', 'MONKEY_MODE'])('accepts %s in web.env', (name) => {
    expect(() => synthStack(stack({ web: { image: 'a/b:1', framework: 'flask', env: { [name]: 'x' } } }))).not.toThrow();
  });
});

describe('PythonWebService probes for Django', () => {
  test("django's probes send Host: localhost, as the pod IP is not in ALLOWED_HOSTS", () => {
    const app = container(podSpec(only(synthStack(stack({ web: { image: 'a/b:1', framework: 'django', migrations: false } })), 'Deployment')), 'app');
    expect(app.readinessProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    expect(app.startupProbe.httpGet.httpHeaders).toEqual([{ name: 'Host', value: 'localhost' }]);
    const flask = container(podSpec(only(synthStack(stack()), 'Deployment')), 'app');
    expect(flask.readinessProbe.httpGet.httpHeaders).toBeUndefined();
  });
});
