import { Testing } from 'cdk8s';
import { CronSchedule, StackIdentity } from '../constructs';
import { resolveSchedule } from '../constructs/resolve-background';
import { container, only, stack, synthStack } from './_helpers';

const nightly = { schedule: '15 3 * * *', command: ['python', 'manage.py', 'clearsessions'] };
const withSchedules = (schedules: any, more: any = {}) => synthStack(stack({ secrets: { source: 'generated' }, database: {}, schedules, ...more }));
const jobPod = (cron: any) => cron.spec.jobTemplate.spec.template.spec;

describe('CronSchedule', () => {
  test('alone in a chart: a CronJob in UTC, never two runs at once, an hour at most, a bounded history', () => {
    const chart = Testing.chart();
    const runtime = { image: 'a/b:1', env: [], resources: { requests: { cpu: '1', memory: '1Gi' }, limits: { memory: '1Gi' } }, serviceAccountName: 'shop-web', configChecksums: {}, uid: 10001, gid: 10001, tmpSize: '256Mi', envFrom: [], sharedVolumes: [] };
    new CronSchedule(chart, 'C', { stack: new StackIdentity({ name: 'shop' }), key: 'nightly', schedule: resolveSchedule(nightly), runtime });
    const cron = only(Testing.synth(chart), 'CronJob', 'shop-cron-nightly');
    expect(cron.spec).toMatchObject({
      schedule: '15 3 * * *', timeZone: 'Etc/UTC', concurrencyPolicy: 'Forbid', startingDeadlineSeconds: 300,
      successfulJobsHistoryLimit: 3, failedJobsHistoryLimit: 3,
      jobTemplate: { spec: { activeDeadlineSeconds: 3600, backoffLimit: 2 } },
    });
    // History limits clean up the Jobs; a TTL would fight them (kube-linter job-ttl-seconds-after-finished).
    expect(cron.spec.jobTemplate.spec.ttlSecondsAfterFinished).toBeUndefined();
    expect(jobPod(cron).restartPolicy).toBe('Never');
  });

  test('runs the web image with the web\'s env, secrets and database wiring, restricted', () => {
    const objects = withSchedules({ nightly: { ...nightly, timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', activeDeadline: 600 } });
    const cron = only(objects, 'CronJob', 'shop-cron-nightly');
    expect(cron.spec).toMatchObject({ timeZone: 'Europe/Berlin', concurrencyPolicy: 'Replace', jobTemplate: { spec: { activeDeadlineSeconds: 600 } } });
    const web = container(only(objects, 'Deployment', 'shop-web').spec.template.spec, 'app');
    const job = jobPod(cron).containers[0];
    expect(job).toMatchObject({ image: web.image, command: nightly.command, env: web.env, securityContext: web.securityContext, resources: web.resources });
    expect(jobPod(cron).securityContext).toEqual(only(objects, 'Deployment', 'shop-web').spec.template.spec.securityContext);
    // Its pods may reach the database, which admits them.
    const selector = { 'app.kubernetes.io/instance': 'shop-cron-nightly' };
    expect(cron.spec.jobTemplate.spec.template.metadata.labels).toMatchObject(selector);
    expect(only(objects, 'NetworkPolicy', 'shop-postgres').spec.ingress[0].from).toContainEqual({ podSelector: { matchLabels: selector } });
    expect(only(objects, 'NetworkPolicy', 'shop-cron-nightly').spec.egress).toEqual(only(objects, 'NetworkPolicy', 'shop-web').spec.egress);
  });

  test('fails if the schedule or the time zone is not what Kubernetes accepts', () => {
    expect(() => withSchedules({ nightly: { ...nightly, schedule: '15 25 * * *' } })).toThrow(/schedules\.nightly\.schedule: is not a valid schedule: hour 25 is out of range 0-23 \(got "15 25 \* \* \*"; allowed: five fields/);
    expect(() => withSchedules({ nightly: { ...nightly, timeZone: 'Europe/Atlantis' } })).toThrow(/schedules\.nightly\.timeZone: is not a time zone of the IANA database \(got "Europe\/Atlantis"/);
  });

  test('fails if a schedule key is not a DNS label or makes the CronJob name too long', () => {
    expect(() => withSchedules({ Nightly: nightly })).toThrow(/schedules\.Nightly/);
    expect(() => synthStack(stack({ name: 'a'.repeat(40), schedules: { abcdefg: nightly } })))
      .toThrow(new RegExp(`schedules\\.abcdefg: makes the CronJob name ${'a'.repeat(40)}-cron-abcdefg \\(53 characters\\), over Kubernetes' limit of 52 \\(allowed: a key of at most 6 characters\\)`));
  });

  test('fails if a schedule\'s command holds a secret', () => {
    expect(() => withSchedules({ nightly: { ...nightly, command: ['curl', 'https://admin:S3cr3tPassw0rd@example.com/hook'] } })).toThrow(/schedules\.nightly\.command\[1\]: .*plain text into git/);
  });
});
