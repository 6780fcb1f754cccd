import { cronIssues, timeZoneIssues } from './_cron';
import { ConfigIssue } from './_errors';
import { redisEnvNames } from './_redis-checks';
import { maxWorkerPods } from './resolve-background';
import { ResolvedStack } from './resolve-stack';
import { PythonWebStackProps } from './stack-config';

/** The longest name of an object whose name is also a label value (the instance label). */
const LABEL_MAX = 63;
/** The longest CronJob name: the controller appends 11 characters to name each Job. */
const CRONJOB_MAX = 52;

/** The `workers` and `schedules` sections, against themselves and the rest of the stack. */
export function backgroundIssues(props: PythonWebStackProps, m: ResolvedStack): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const key of Object.keys(props.workers ?? {})) issues.push(...workerIssues(props, m, key));
  for (const [key, s] of Object.entries(props.schedules ?? {})) {
    const path = `schedules.${key}`;
    const name = `${m.name}-cron-${key}`;
    if (name.length > CRONJOB_MAX) {
      issues.push({ path, message: `makes the CronJob name ${name} (${name.length} characters), over Kubernetes' limit of ${CRONJOB_MAX}`, allowed: `a key of at most ${CRONJOB_MAX - m.name.length - 6} characters` });
    }
    issues.push(...cronIssues(s.schedule, `${path}.schedule`));
    if (s.timeZone !== undefined) issues.push(...timeZoneIssues(s.timeZone, `${path}.timeZone`));
  }
  return issues;
}

function workerIssues(props: PythonWebStackProps, m: ResolvedStack, key: string): ConfigIssue[] {
  const given = props.workers![key];
  const w = m.workers[key];
  const path = `workers.${key}`;
  const issues: ConfigIssue[] = [];
  const name = `${m.name}-worker-${key}`;
  if (name.length > LABEL_MAX) {
    issues.push({ path, message: `makes the name ${name} (${name.length} characters), over the ${LABEL_MAX} a label value may have`, allowed: `a key of at most ${LABEL_MAX - m.name.length - 8} characters` });
  }
  if (given.singleton && given.replicas !== undefined) issues.push({ path: `${path}.replicas`, message: 'is always 1 for a singleton', value: given.replicas, allowed: 'remove it, or singleton: false' });
  if (given.singleton && given.autoscaling) issues.push({ path: `${path}.autoscaling`, message: 'cannot scale a singleton, which runs exactly one pod', allowed: 'remove it, or singleton: false' });
  if (given.autoscaling && !given.singleton && given.replicas !== undefined) issues.push({ path: `${path}.replicas`, message: 'is only used without autoscaling', value: given.replicas, allowed: 'one of replicas and autoscaling' });
  const a = w.autoscaling;
  if (a) {
    if (a.queue) {
      if (!props.redis) {
        issues.push({ path: `${path}.autoscaling.queue`, message: 'reads the queue length from Redis, and the stack has none', allowed: 'add redis: {} (or remove queue to scale by CPU)' });
      } else if (props.redis.external) {
        issues.push({ path: `${path}.autoscaling.queue`, message: 'needs the in-cluster Redis: KEDA reads the queue at a host and port, which redis.external hides in a URL', allowed: 'an in-cluster redis, or remove queue to scale by CPU' });
      }
      if (given.autoscaling?.targetCPUUtilization !== undefined) issues.push({ path: `${path}.autoscaling.targetCPUUtilization`, message: 'is for scaling by CPU, and queue scales by the queue length', allowed: 'one of queue and targetCPUUtilization' });
    } else if (a.minReplicas < 2) {
      issues.push({ path: `${path}.autoscaling.minReplicas`, message: 'must be at least 2 when scaling by CPU (0 only with queue)', value: a.minReplicas, allowed: 'at least 2, or a queue' });
    }
    if (a.maxReplicas <= a.minReplicas) issues.push({ path: `${path}.autoscaling.maxReplicas`, message: `must be more than minReplicas (${a.minReplicas})`, value: a.maxReplicas, allowed: `more than ${a.minReplicas}, or a fixed replicas count without autoscaling` });
  }
  if (w.mountMedia) {
    if (!m.media) {
      issues.push({ path: `${path}.mountMedia`, message: 'mounts the media volume, and the stack has none', allowed: 'add media, or remove mountMedia' });
    } else if (m.media.accessMode === 'ReadWriteOnce' && maxWorkerPods(w) > 1) {
      issues.push({ path: `${path}.mountMedia`, message: `mounts the ReadWriteOnce media volume in up to ${maxWorkerPods(w)} pods, which pods on different nodes cannot share`, allowed: 'media.accessMode ReadWriteMany, or singleton: true, or replicas: 1' });
    }
  }
  for (const env of Object.keys(w.env)) {
    if (redisEnvNames(m).includes(env)) issues.push({ path: `${path}.env.${env}`, message: 'is set by the stack from the redis section', allowed: 'remove it; for a managed Redis use redis.external.urlKey' });
  }
  return issues;
}
