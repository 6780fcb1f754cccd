import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { StackIdentity, imageVersion } from './_identity';
import type { WorkloadVolume } from './background-worker';
import { PythonPod, PythonRuntime } from './python-pod';
import { ResolvedSchedule } from './resolve-background';

/** Props of `CronSchedule`. */
export interface CronScheduleProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The key under `schedules`: the CronJob is `<name>-cron-<key>`. */
  readonly key: string;
  /** The schedule, resolved. */
  readonly schedule: ResolvedSchedule;
  /** What every Python container of the stack gets (`PythonWebService.runtime`). */
  readonly runtime: PythonRuntime;
  /**
   * Claims and scratch space mounted into the job container: the stack's `volumes` whose
   * `mountIn` names this schedule (its settings files come with `runtime`).
   * @default - none
   */
  readonly volumes?: readonly WorkloadVolume[];
}

/**
 * A command on a schedule: a CronJob `<name>-cron-<key>` whose pod is a `PythonPod` (the web
 * image, env, secrets and database wiring, restricted), in its own time zone. It keeps the last
 * three successful and failed Jobs (history limits clean up; a Job TTL would fight them, as
 * kube-linter says), never starts a run more than five minutes late, and stops a run after
 * `activeDeadline` seconds.
 */
export class CronSchedule extends Construct {
  public readonly cronJobName: string;
  /** The label NetworkPolicies select the schedule's pods by. */
  public readonly policySelector: Record<string, string>;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly concurrencyPolicy: string;

  constructor(scope: Construct, id: string, props: CronScheduleProps) {
    super(scope, id);
    const { stack, schedule } = props;
    this.cronJobName = stack.objectName(`cron-${props.key}`);
    this.concurrencyPolicy = schedule.concurrencyPolicy;
    this.policySelector = stack.policySelector(this.cronJobName);
    const version = imageVersion(props.runtime.image);
    const pod = new PythonPod(props.runtime, { restartPolicy: 'Never' });
    pod.addContainer({ name: 'job', command: schedule.command, volumeMounts: (props.volumes ?? []).map((v) => v.mount) });
    for (const v of props.volumes ?? []) pod.addVolume(v.volume);
    const labels = stack.labels('schedule', this.cronJobName, version);
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: stack.metadata(`cron-${props.key}`, 'schedule', { version }),
      spec: {
        schedule: schedule.schedule,
        timeZone: schedule.timeZone,
        concurrencyPolicy: schedule.concurrencyPolicy,
        // A run missed by more than this (the controller was down) is skipped, not started late.
        startingDeadlineSeconds: 300,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          metadata: { labels },
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: schedule.activeDeadline,
            template: { metadata: { labels: { ...labels, ...props.runtime.podLabels }, annotations: { ...props.runtime.configChecksums } }, spec: pod.spec() },
          },
        },
      },
    });
  }
}
