import { Chart } from 'cdk8s';
import { Construct } from 'constructs';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { SYNC_WAVE, addGitOpsAnnotations } from './_gitops';
import { KEY_RULE, QUALIFIED_NAME, annotationIssues, isQualifiedKey } from './_k8s-names';
import { plainTextSecretIssues } from './_plain-text-secrets';
import { unwritableTextIssues } from './_written-text';
import { schemaIssues } from './_stack-schema';
import { StackIdentity } from './_identity';
import { AppSecrets } from './app-secrets';
import { DatabaseMigration } from './database-migration';
import { ExternalDatabase } from './external-database';
import { PostgresDatabase } from './postgres-database';
import { MediaVolume } from './media-volume';
import { NamespaceResourcePolicy, PodBudget } from './namespace-resource-policy';
import { PythonWebService, STACK_ENV } from './python-web-service';
import { StackNetworkPolicies } from './stack-network-policies';
import { DJANGO_COLLECT, StaticFilesSidecar } from './static-files-sidecar';
import { WebIngress } from './web-ingress';
import { MigrationsConfig, StackConfig } from './stack-config';

/** Props of `PythonWebStack`: exactly the stack file. */
export type PythonWebStackProps = StackConfig;

/**
 * One Python web stack, one chart, one output file: the namespace and everything the app
 * needs in it, wired together from a single stack file.
 */
export class PythonWebStack extends Chart {
  /**
   * Every problem of a stack: against the stack file's JSON Schema (types, formats, unknown
   * keys), then the checks of each part and across parts. When the structure is wrong, the
   * semantic checks still run where they can, and add what the structural ones did not cover,
   * so a user sees every problem at once.
   */
  public static validate(props: PythonWebStackProps): ConfigIssue[] {
    if (props.targets) {
      return [{ path: 'targets', message: 'are expanded by the command line; PythonWebStack takes the props of one target', allowed: 'the merged props of one target (see expandTargets)' }];
    }
    // A character no YAML reader takes back is refused first: every other message would print it.
    const unwritable = unwritableTextIssues(props);
    if (unwritable.length > 0) return unwritable;
    const structural = schemaIssues(props);
    if (structural.length === 0) return semanticIssues(props);
    let semantic: ConfigIssue[];
    try {
      semantic = semanticIssues(props);
    } catch {
      // Checks written for well-typed props may trip on wrong types: the structural issues say it all.
      semantic = [];
    }
    const overlaps = (a: string, b: string) => a === b || a.startsWith(`${b}.`) || a.startsWith(`${b}[`) || b.startsWith(`${a}.`) || b.startsWith(`${a}[`);
    return [...structural, ...semantic.filter((s) => !structural.some((t) => overlaps(s.path, t.path)))];
  }

  public readonly stack: StackIdentity;
  public readonly secrets: AppSecrets;
  public readonly database?: PostgresDatabase;
  /** The managed Postgres of `database.external`. */
  public readonly externalDatabase?: ExternalDatabase;
  public readonly web: PythonWebService;
  public readonly migration?: DatabaseMigration;
  public readonly media?: MediaVolume;
  public readonly staticFiles?: StaticFilesSidecar;
  public readonly ingress?: WebIngress;
  public readonly resourcePolicy: NamespaceResourcePolicy;
  public readonly networkPolicies: StackNetworkPolicies;

  constructor(scope: Construct, id: string, props: PythonWebStackProps) {
    super(scope, id, { disableResourceNameHashes: true });
    throwIfAny(PythonWebStack.validate(props));
    const stack = this.stack = new StackIdentity(props);

    new k8s.KubeNamespace(this, 'Namespace', {
      metadata: {
        name: stack.namespace,
        labels: {
          ...stack.labels('namespace', stack.name),
          // Make the cluster enforce what our output already satisfies.
          'pod-security.kubernetes.io/enforce': 'restricted',
          'pod-security.kubernetes.io/audit': 'restricted',
          'pod-security.kubernetes.io/warn': 'restricted',
        },
      },
    });

    const inCluster = props.database && !props.database.external;
    this.secrets = new AppSecrets(this, 'Secrets', { ...props.secrets, stack, database: Boolean(inCluster) });

    const webName = stack.objectName('web');
    const migrations = resolveMigrations(props);
    if (props.database && props.database.external) {
      this.externalDatabase = new ExternalDatabase(this, 'ExternalDatabase', {
        ...props.database.external,
        stackName: stack.name,
        password: this.secrets.refFor(props.database.external.passwordKey),
      });
    } else if (props.database) {
      this.database = new PostgresDatabase(this, 'Database', {
        ...props.database,
        stack,
        password: this.secrets.databasePassword(),
        clients: [stack.policySelector(webName), ...(migrations?.command ? [stack.policySelector(stack.objectName('migrate'))] : [])],
      });
    }

    this.web = new PythonWebService(this, 'Web', {
      ...props.web,
      stack,
      extraConfig: (this.database ?? this.externalDatabase)?.connectionSettings(),
      extraEnv: [...this.secrets.env(), ...this.databaseEnv()],
      serviceAccountAnnotations: props.serviceAccount?.annotations,
    });
    if (migrations?.waitCommand) this.web.addMigrationGate(migrations.waitCommand);
    if (migrations?.command) {
      this.migration = new DatabaseMigration(this, 'Migration', {
        stack,
        image: this.web.image,
        command: migrations.command,
        env: this.web.env,
        configChecksums: this.web.configChecksums,
        resources: this.web.resources,
        serviceAccountName: this.web.workloadName,
      });
      // Listed (and applied) before the Deployment whose pods wait for it.
      this.web.deployment.node.addDependency(this.migration);
    }
    if (props.media) this.media = new MediaVolume(this, 'Media', { ...props.media, web: this.web });
    if (props.static) {
      this.staticFiles = new StaticFilesSidecar(this, 'Static', {
        ...props.static,
        web: this.web,
        media: this.media ? { urlPath: this.media.urlPath, volumeName: this.media.volumeName, serve: this.media.serve } : undefined,
      });
    }
    if (props.ingress) this.ingress = new WebIngress(this, 'Ingress', { ...props.ingress, web: this.web, uploadLimit: this.staticFiles?.maxUploadSize });
    // The claim and the nginx ConfigMap the pods mount are listed before the Deployment.
    for (const part of [this.media, this.staticFiles]) if (part) this.web.deployment.node.addDependency(part);

    this.resourcePolicy = new NamespaceResourcePolicy(this, 'ResourcePolicy', {
      stack,
      pods: this.peakPods(),
      claims: [this.database?.storageSize, this.media?.size].filter((s): s is string => s !== undefined),
      ...(props.resourceQuota === false ? { quota: false } : { headroom: props.resourceQuota?.headroom }),
    });
    // Sized from the workloads, but listed before them: a quota must exist before the pods it counts.
    for (const workload of [this.database?.statefulSet, this.migration, this.web.deployment]) {
      workload?.node.addDependency(this.resourcePolicy);
    }

    this.networkPolicies = new StackNetworkPolicies(this, 'NetworkPolicies', {
      ...props.networkPolicy,
      stack,
      web: this.web.policySelector,
      migrations: this.migration?.policySelector,
      database: this.database ? { labels: stack.policySelector(this.database.host), port: this.database.port } : undefined,
      externalDatabase: this.externalDatabase ? { cidr: this.externalDatabase.cidr, port: this.externalDatabase.port } : undefined,
      acmeSolver: Boolean(props.ingress && props.ingress.tls?.clusterIssuer),
    });

    addGitOpsAnnotations(this);

  }

  /** The pods that can exist at once at the stack's peak: a rollout at maximum scale while a migration runs. */
  private peakPods(): PodBudget[] {
    const maxWeb = this.web.autoscaling?.maxReplicas ?? this.web.replicas ?? 1;
    const webContainers = [this.web.resources, ...(this.staticFiles ? [this.staticFiles.resources] : [])];
    return [
      { count: maxWeb + Math.ceil(maxWeb * 0.25), containers: webContainers },
      ...(this.migration ? [{ count: 1, containers: [this.web.resources] }] : []),
      ...(this.database ? [{ count: 1, containers: [this.database.resources] }] : []),
    ];
  }

  /**
   * The password by `secretKeyRef` only, and DATABASE_URL built by the kubelet's `$(VAR)`
   * expansion from the variables before it, so the password is never a literal anywhere.
   */
  private databaseEnv(): k8s.EnvVar[] {
    const password = this.database ? this.secrets.databasePassword() : this.externalDatabase?.password;
    if (!password) return [];
    // A managed server is reached over a network the stack does not control: the URL says the
    // TLS mode too, for drivers that read DATABASE_URL and ignore PGSSLMODE.
    const query = this.externalDatabase ? '?sslmode=$(PGSSLMODE)' : '';
    return [
      { name: 'PGPASSWORD', valueFrom: { secretKeyRef: password } },
      { name: 'DATABASE_URL', value: `postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)${query}` },
    ];
  }
}

/** Kubernetes' rules for label keys and values, which the API server enforces at apply time. */
function labelIssues(labels: Record<string, string>): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  for (const [key, value] of Object.entries(labels)) {
    if (!isQualifiedKey(key)) issues.push({ path: `labels["${key}"]`, message: 'is not a valid label key', allowed: KEY_RULE });
    if (value.length > 63 || (value !== '' && !QUALIFIED_NAME.test(value))) {
      issues.push({ path: `labels["${key}"]`, message: 'is not a valid label value', value, allowed: 'at most 63 letters, digits, - _ . beginning and ending alphanumeric, or empty' });
    }
  }
  return issues;
}

/** Label prefixes the stack sets itself; a stack's own labels may not use them. */
const RESERVED_LABEL_PREFIXES = ['app.kubernetes.io/', 'pod-security.kubernetes.io/', 'pyweb.dev/', 'kubernetes.io/', 'k8s.io/'];

/** Namespaces the cluster itself (or its ingress controller) owns: a stack must never own them. */
function namespaceIssues(props: PythonWebStackProps): ConfigIssue[] {
  const namespace = props.namespace ?? props.name;
  const controller = props.networkPolicy?.ingressControllerNamespace ?? 'ingress-nginx';
  if (namespace === 'default' || namespace.startsWith('kube-') || namespace === controller) {
    return [{ path: props.namespace ? 'namespace' : 'name', message: `makes the stack own namespace ${namespace} (its default-deny policy, quota and Pod Security labels), which belongs to the cluster`, value: namespace, allowed: 'a namespace of its own, e.g. the stack name' }];
  }
  return [];
}

/** Env names the stack sets from the database section, which neither web.env nor secrets may set. */
const DATABASE_ENV = ['PGHOST', 'PGPORT', 'PGDATABASE', 'PGUSER', 'PGPASSWORD', 'DATABASE_URL'];
/** The one more a managed database sets. */
const EXTERNAL_DATABASE_ENV = [...DATABASE_ENV, 'PGSSLMODE'];

/** An env var the app would get twice (kube-score and kube-linter flag it; the last one wins silently). */
function envCollisions(props: PythonWebStackProps): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const env = Object.keys(props.web.env ?? {});
  const fromDatabase = !props.database ? [] : props.database.external ? EXTERNAL_DATABASE_ENV : DATABASE_ENV;
  for (const name of env.filter((n) => fromDatabase.includes(n))) {
    issues.push({ path: `web.env.${name}`, message: 'is set by the stack from the database section', allowed: 'remove it, or set database: false and bring your own' });
  }
  (props.secrets?.keys ?? []).forEach((key, i) => {
    if (env.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: 'is also in web.env: the app would get it twice', value: key, allowed: 'one of the two' });
    if (STACK_ENV.includes(key) || fromDatabase.includes(key)) issues.push({ path: `secrets.keys[${i}]`, message: 'is an env var the stack sets itself', value: key, allowed: `any name but ${[...STACK_ENV, ...fromDatabase].join(', ')}` });
  });
  return issues;
}

/** Two volumes mounted at one path in the app (or at the root), which the API server refuses. */
function mountIssues(props: PythonWebStackProps): ConfigIssue[] {
  const issues: ConfigIssue[] = [];
  const mounts: Array<[string, string]> = [['/tmp', 'the stack\'s /tmp']];
  if (props.media) mounts.push([props.media.mountPath ?? '/app/media', 'media.mountPath']);
  const collect = props.static ? props.static.collect ?? (props.static.copyFrom || props.web.framework !== 'django' ? undefined : DJANGO_COLLECT) : undefined;
  if (collect) mounts.push([collect.outputDir, 'static.collect.outputDir']);
  const seen = new Map<string, string>();
  for (const [mountPath, where] of mounts) {
    const clean = mountPath.replace(/\/+$/, '') || '/';
    if (clean === '/') issues.push({ path: where, message: "cannot be the container's root", value: mountPath, allowed: 'a folder such as /app/staticfiles' });
    const other = seen.get(clean);
    if (other) issues.push({ path: where, message: `is the same folder as ${other}: two volumes cannot be mounted at one path`, value: mountPath, allowed: 'a folder of its own' });
    seen.set(clean, where);
  }
  if (props.static && props.static.copyFrom?.replace(/\/+$/, '') === '') {
    issues.push({ path: 'static.copyFrom', message: "cannot be the image's root", value: props.static.copyFrom, allowed: 'the folder of static files, e.g. /app/static' });
  }
  return issues;
}

/** The checks of each part and across parts, for structurally valid props. */
function semanticIssues(props: PythonWebStackProps): ConfigIssue[] {
  const environment = props.environment ?? 'development';
  return [
    ...PythonWebService.validate(props.web, 'web'),
    ...AppSecrets.validate(props.secrets ?? {}, environment, 'secrets', Boolean(props.database && !props.database.external)),
    ...(props.database && !props.database.external ? PostgresDatabase.validate(props.database, 'database', props.name) : []),
    ...(props.database ? ExternalDatabase.validate(props.database, props.secrets?.keys ?? [], 'database') : []),
    ...(props.static ? StaticFilesSidecar.validate(props.static, props.web.framework ?? 'generic', props.web.port ?? 8000, 'static') : []),
    ...(props.media ? MediaVolume.validate(props.media, props.web, 'media') : []),
    ...(props.ingress ? WebIngress.validate(props.ingress, 'ingress') : []),
    ...StackNetworkPolicies.validate(props.networkPolicy ?? {}, 'networkPolicy'),
    ...annotationIssues(props.serviceAccount?.annotations ?? {}, 'serviceAccount.annotations', { [SYNC_WAVE]: 'remove it: the stack orders its objects itself' }),
    ...crossSectionIssues(props),
    ...plainTextSecretIssues(props),
  ];
}

/** Problems that span sections. */
function crossSectionIssues(props: PythonWebStackProps): ConfigIssue[] {
  const issues: ConfigIssue[] = [...labelIssues(props.labels ?? {}), ...namespaceIssues(props), ...envCollisions(props), ...mountIssues(props)];
  for (const key of Object.keys(props.labels ?? {}).filter((k) => RESERVED_LABEL_PREFIXES.some((p) => k.startsWith(p)))) {
    issues.push({ path: `labels["${key}"]`, message: 'is set by the stack itself', allowed: `a key outside ${RESERVED_LABEL_PREFIXES.join(', ')}` });
  }
  if (props.media && !props.static && props.media.serve !== undefined && props.media.serve !== 'app') {
    issues.push({ path: 'media.serve', message: `${props.media.serve} needs the nginx sidecar, which serves the files: without static, the app serves every path`, value: props.media.serve, allowed: 'static: {...} with it, or serve: app' });
  }
  if (props.static && props.media) {
    const staticPath = props.static.urlPath ?? '/static/';
    const mediaPath = props.media.urlPath ?? '/media/';
    if (mediaPath.startsWith(staticPath) || staticPath.startsWith(mediaPath)) {
      issues.push({ path: 'media.urlPath', message: `overlaps static.urlPath (${staticPath}): nginx could not tell the two apart`, value: mediaPath, allowed: 'two separate prefixes, e.g. /static/ and /media/' });
    }
  }
  return issues;
}

/** `web.migrations` with the django defaults filled in; undefined when there are none. */
function resolveMigrations(props: PythonWebStackProps): MigrationsConfig | undefined {
  const given = props.web.migrations;
  const django = (props.web.framework ?? 'generic') === 'django';
  if (given === false || (given === undefined && !django)) return undefined;
  return {
    command: given?.command ?? (django ? ['python', 'manage.py', 'migrate', '--noinput'] : undefined),
    waitCommand: given?.waitCommand ?? (django ? ['python', 'manage.py', 'migrate', '--check'] : undefined),
  };
}
