import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { StackIdentity, imageVersion } from './_identity';
import { dnsEgress } from './_network';
import { ResolvedResources, toResourceRequirements } from './_resources';
import { pullPolicyFor, restrictedContainerSecurityContext, restrictedPodSecurityContext } from './_security';
import { IDatabaseConnection } from './database-connection';
import { POSTGRES_UID } from './postgres-database';

/** Where the backups volume is mounted in the backup pod (and where the README's restore reads). */
export const BACKUP_MOUNT = '/backups';

/** Requests and limits of the backup container. */
export const BACKUP_RESOURCES: ResolvedResources = { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '512Mi' } };

/** Props of `PostgresBackup`. */
export interface PostgresBackupProps {
  /** Names, namespace and labels. */
  readonly stack: StackIdentity;
  /** The database to dump. */
  readonly database: IDatabaseConnection;
  /** The image the dump runs with: the database's own, so pg_dump matches the server. */
  readonly image: string;
  /** A five-field cron expression, in UTC. */
  readonly schedule: string;
  /** How long dumps are kept: a number and d, w or m (`database.backup.retention`, resolved). */
  readonly retention: string;
  /** The backups volume (`database.backup.volume`, resolved). */
  readonly volume: { readonly size: string; readonly storageClassName?: string };
}

/**
 * Scheduled `pg_dump -Fc` of the statefulset database over the network into its own volume
 * `<name>-postgres-backups`, pruning dumps older than the retention after each successful one:
 * a CronJob (restricted, one run at a time, in UTC), the claim, and a NetworkPolicy that lets
 * the pod reach only DNS and the database. The README gives the restore command; the test suite
 * runs both against real Postgres servers.
 */
export class PostgresBackup extends Construct {
  /** The label NetworkPolicies select the backup pods by. */
  public readonly policySelector: Record<string, string>;
  public readonly claim: k8s.KubePersistentVolumeClaim;
  public readonly cronJob: k8s.KubeCronJob;
  public readonly size: string;
  /** Retention in whole days. */
  public readonly retentionDays: number;
  public readonly resources = BACKUP_RESOURCES;

  constructor(scope: Construct, id: string, props: PostgresBackupProps) {
    super(scope, id);
    const stack = props.stack;
    const instance = stack.objectName('postgres-backup');
    this.policySelector = stack.policySelector(instance);
    this.size = props.volume.size;
    this.retentionDays = retentionDays(props.retention);
    const version = imageVersion(props.image);

    this.claim = new k8s.KubePersistentVolumeClaim(this, 'Claim', {
      metadata: stack.metadata('postgres-backups', 'database', { instance }),
      spec: {
        accessModes: ['ReadWriteOnce'],
        ...(props.volume.storageClassName ? { storageClassName: props.volume.storageClassName } : {}),
        resources: { requests: { storage: k8s.Quantity.fromString(this.size) } },
      },
    });

    new k8s.KubeServiceAccount(this, 'ServiceAccount', { metadata: stack.metadata('postgres-backup', 'database', { instance }), automountServiceAccountToken: false });

    const env: k8s.EnvVar[] = [
      // libpq's own names, whatever names the app reads (`database.env`): pg_dump reads these.
      { name: 'PGHOST', value: props.database.host },
      { name: 'PGPORT', value: String(props.database.port) },
      { name: 'PGDATABASE', value: props.database.databaseName },
      { name: 'PGUSER', value: props.database.user },
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: { ...props.database.password } } },
    ];
    this.cronJob = new k8s.KubeCronJob(this, 'CronJob', {
      metadata: stack.metadata('postgres-backup', 'database', { instance, version }),
      spec: {
        schedule: props.schedule,
        timeZone: 'Etc/UTC',
        // Never two dumps at once; a run missed by more than an hour waits for the next.
        concurrencyPolicy: 'Forbid',
        startingDeadlineSeconds: 3600,
        successfulJobsHistoryLimit: 3,
        failedJobsHistoryLimit: 3,
        jobTemplate: {
          spec: {
            backoffLimit: 2,
            activeDeadlineSeconds: 6 * 3600,
            // No ttlSecondsAfterFinished: the history limits above keep the last runs to read.
            template: {
              metadata: { labels: stack.labels('database', instance, version) },
              spec: {
                restartPolicy: 'Never',
                serviceAccountName: instance,
                automountServiceAccountToken: false,
                enableServiceLinks: false,
                // The image's postgres user; fsGroup makes a fresh volume writable to it.
                securityContext: restrictedPodSecurityContext(POSTGRES_UID),
                containers: [{
                  name: 'backup',
                  image: props.image,
                  imagePullPolicy: pullPolicyFor(props.image),
                  command: backupCommand(this.retentionDays),
                  env,
                  resources: toResourceRequirements(BACKUP_RESOURCES),
                  securityContext: restrictedContainerSecurityContext(),
                  volumeMounts: [{ name: 'backups', mountPath: BACKUP_MOUNT }, { name: 'tmp', mountPath: '/tmp' }],
                }],
                volumes: [
                  { name: 'backups', persistentVolumeClaim: { claimName: this.claim.name } },
                  { name: 'tmp', emptyDir: { sizeLimit: k8s.Quantity.fromString('64Mi') } },
                ],
              },
            },
          },
        },
      },
    });

    new k8s.KubeNetworkPolicy(this, 'NetworkPolicy', {
      metadata: stack.metadata('postgres-backup', 'database', { instance }),
      spec: {
        podSelector: { matchLabels: this.policySelector },
        policyTypes: ['Ingress', 'Egress'],
        // The pod listens on nothing; admitting only its own kind gives the policy the ingress
        // rule checkers look for without opening anything.
        ingress: [{ from: [{ podSelector: { matchLabels: this.policySelector } }] }],
        egress: [
          dnsEgress(),
          { to: [{ podSelector: { matchLabels: props.database.policySelector } }], ports: [{ protocol: 'TCP', port: k8s.IntOrString.fromNumber(props.database.port) }] },
        ],
      },
    });
  }
}

/** Days in a retention such as `30d`, `4w` or `6m` (a month counts 31 days: never less than asked). */
export function retentionDays(retention: string): number {
  const match = /^([1-9][0-9]*)([dwm])$/.exec(retention);
  if (!match) throw new Error(`not a retention: ${retention}`);
  return Number(match[1]) * { d: 1, w: 7, m: 31 }[match[2] as 'd' | 'w' | 'm'];
}

/**
 * The backup container's command: `pg_dump -Fc` of the database that PGHOST, PGPORT, PGUSER,
 * PGDATABASE and PGPASSWORD name into `<database>-<UTC time>.dump`, written under a temporary
 * name and renamed once complete (a failed dump never looks like a backup, and is removed), then the dumps
 * older than the retention are deleted, only after a dump succeeded.
 */
export function backupCommand(days: number): string[] {
  const script = [
    'set -eu',
    `cd ${BACKUP_MOUNT}`,
    // $$ is the kubelet's escape for $: the shell sees $(date ...).
    'name="${PGDATABASE}-$$(date -u +%Y%m%dT%H%M%SZ).dump"',
    // pg_dump creates its file before it connects: a failed run must not leave it behind.
    'pg_dump --format=custom --file="${name}.partial" || { status=$?; rm -f "${name}.partial"; exit "$status"; }',
    'mv "${name}.partial" "${name}"',
    `find . -maxdepth 1 -type f -name "\${PGDATABASE}-*.dump" -mmin +${days * 24 * 60} -print -delete`,
    'find . -maxdepth 1 -type f -name "*.partial" -print -delete',
    'echo "backup written: ${name}"',
  ].join('\n');
  return ['sh', '-c', script];
}
