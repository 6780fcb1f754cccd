import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { checksum } from './_checksum';
import { StackIdentity, imageVersion } from './_identity';
import { PythonPod, PythonRuntime } from './python-pod';

/** Props of `DatabaseMigration`. */
export interface DatabaseMigrationProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** What the migration container gets: the app's image, env, resources and ServiceAccount (`PythonWebService.runtime`). */
  readonly runtime: PythonRuntime;
  /** The migration command. */
  readonly command: readonly string[];
}

/**
 * Runs the migration command once per release, as a Job whose name ends in a hash of its pod
 * template: a new release is a new Job, so a changed pod template never meets the Job's
 * immutable one (`kubectl apply`, Argo CD and Flux alike), and
 * re-applying the same release changes nothing. The web pods wait for the migration in an
 * init container (see `PythonWebService`'s `migrationGate`).
 */
export class DatabaseMigration extends Construct {
  /** The Job's name, `<name>-migrate-<hash>`. */
  public readonly jobName: string;
  /** What every release's Job name starts with (`<name>-migrate-`), for alerts on any of them. */
  public readonly jobNamePrefix: string;
  /** The label NetworkPolicies select the migration pods by (the same for every release). */
  public readonly policySelector: Record<string, string>;

  constructor(scope: Construct, id: string, props: DatabaseMigrationProps) {
    super(scope, id);
    const stack = props.stack;
    const instance = stack.objectName('migrate');
    this.policySelector = stack.policySelector(instance);
    const version = imageVersion(props.runtime.image);
    const pod = new PythonPod(props.runtime, { restartPolicy: 'Never' });
    pod.addContainer({ name: 'migrate', command: props.command });
    const template: k8s.PodTemplateSpec = {
      metadata: { labels: { ...stack.labels('migrations', instance, version), ...props.runtime.podLabels }, annotations: { ...props.runtime.configChecksums } },
      spec: pod.spec(),
    };
    // The name hashes the whole pod template, which a Job can never change: any change to it
    // (image, command, env, config, labels, resources) is a new Job, never a failing re-apply.
    const release = checksum(template).slice(0, 10);
    this.jobName = stack.objectName(`migrate-${release}`);
    this.jobNamePrefix = `${instance}-`;

    new k8s.KubeJob(this, 'Job', {
      // The Job's own instance label is its name (as Polaris checks); its pods share one
      // instance across releases, so one NetworkPolicy and the database's rule fit them all.
      metadata: stack.metadata(`migrate-${release}`, 'migrations', { version }),
      spec: {
        // Retries back off exponentially (10 s, 20 s, ... ~10 min in all): enough for a fresh database to start.
        backoffLimit: 6,
        activeDeadlineSeconds: 1800,
        // A finished Job is cleaned up after a day. A GitOps tool may re-create it from git
        // later; the migration is then a no-op that exits at once.
        ttlSecondsAfterFinished: 86400,
        template,
      },
    });
  }

}
