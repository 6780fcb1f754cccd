import { createHash } from 'crypto';
import { Construct } from 'constructs';
import * as eso from '../imports/external-secrets.io';
import * as gen from '../imports/generators.external-secrets.io';
import * as k8s from '../imports/k8s';
import { ConfigIssue, throwIfAny } from './_errors';
import { StackIdentity } from './_identity';
import { ResolvedExternalSecrets, isValidated, resolveSecrets } from './resolve-stack';
import { Environment, SecretsConfig, SecretsSource } from './stack-config';

/** The key of the database password in the Secret the pods read. */
export const DATABASE_PASSWORD_KEY = 'POSTGRES_PASSWORD';

/** A key that names a database password (`DB_PASSWORD`, `POSTGRES_PASS`, `PGPASS`, `DATABASE_PWD`). */
const DATABASE_PASSWORD_LIKE = /(DB|DATABASE|POSTGRES|PG|SQL)_?(USER_?)?(PASS|PWD)/i;

/** Whether the stack makes the database password itself (so no key of the store can hold it). */
function generatesDatabasePassword(source: SecretsSource, external?: ResolvedExternalSecrets): boolean {
  return source === 'generated' || (source === 'external' && Boolean(external?.generateDatabasePassword));
}

/** The key of the in-cluster Redis's password in the Secret the pods read. */
export const REDIS_PASSWORD_KEY = 'REDIS_PASSWORD';
/** The key of the password of the Postgres exporter's `pg_monitor` role. */
export const EXPORTER_PASSWORD_KEY = 'POSTGRES_EXPORTER_PASSWORD';

/** Props of `AppSecrets`: the `secrets` section plus what the stack needs of it. */
export interface AppSecretsProps extends SecretsConfig {
  /** Names, namespace, labels and environment. */
  readonly stack: StackIdentity;
  /** Whether the stack has an in-cluster database, whose password these secrets hold. @default false */
  readonly database?: boolean;
  /** Whether the stack has an in-cluster Redis, whose password these secrets hold. @default false */
  readonly redis?: boolean;
  /** Whether the database has a metrics exporter, whose role's password these secrets hold. @default false */
  readonly exporter?: boolean;
}

/** Where a pod reads one secret value: a Secret's name and key. */
export interface SecretKeyRef {
  readonly name: string;
  readonly key: string;
}

/**
 * The app's secrets, from one of three sources, and where each pod reads each value:
 *
 * - `existing`: a Secret created outside git; nothing is emitted.
 * - `external`: an External Secrets Operator `ExternalSecret` whose target is the Secret the
 *   pods read. The database password comes from ESO's Password generator, in its own
 *   ExternalSecret with `refreshPolicy: CreatedOnce`: generated in the cluster once, stable,
 *   never in git nor in the store, and kept (`creationPolicy: Orphan`) if the ExternalSecret
 *   is ever deleted, because the database's data was initialized with it. The Redis password
 *   is generated the same way, always (nothing outside the cluster needs it).
 * - `generated`: a plain Secret with development values, identical on every synth; refused in
 *   staging and production.
 */
export class AppSecrets extends Construct {
  /** Validates the `secrets` section. */
  public static validate(props: SecretsConfig, environment: Environment, path = 'secrets', database = false): ConfigIssue[] {
    const issues: ConfigIssue[] = [];
    const { source, keys, external } = resolveSecrets(props, environment, 'app');
    if (source === 'generated' && environment !== 'development') {
      issues.push({ path: `${path}.source`, message: `'generated' puts plaintext values in git and is for development only, not ${environment}`, value: source, allowed: 'existing | external' });
    }
    if (source === 'external' && !props.external) {
      issues.push({ path: `${path}.external`, message: 'is required when source is external', allowed: 'storeName, remoteKey, storeKind, refreshInterval' });
    }
    if (source !== 'external' && props.external) {
      issues.push({ path: `${path}.external`, message: `is only used when source is external, not ${source}` });
    }
    if (source !== 'existing' && props.existingSecret) {
      issues.push({ path: `${path}.existingSecret`, message: `is only used when source is existing, not ${source}`, value: props.existingSecret });
    }
    keys.forEach((key, i) => {
      if (keys.indexOf(key) !== i) issues.push({ path: `${path}.keys[${i}]`, message: 'is listed twice', value: key });
      if (key === DATABASE_PASSWORD_KEY) issues.push({ path: `${path}.keys[${i}]`, message: 'is the database password, which the stack wires itself', value: key, allowed: 'remove it' });
      else if (database && generatesDatabasePassword(source, external) && DATABASE_PASSWORD_LIKE.test(key)) {
        issues.push({
          path: `${path}.keys[${i}]`,
          message: `looks like the database password, but the stack generates that password in the cluster: the app would read ${source === 'external' ? "the store's" : 'another'} value under ${key} while Postgres uses the generated one`,
          value: key,
          allowed: 'remove it and read PGPASSWORD (or DATABASE_URL), which the stack sets from the generated password, e.g. in settings.py DATABASES PASSWORD = os.environ["PGPASSWORD"]; or keep the password in the store with secrets.external.generateDatabasePassword: false and secrets.keys without it',
        });
      }
      if (key === EXPORTER_PASSWORD_KEY) issues.push({ path: `${path}.keys[${i}]`, message: "is the database exporter's password, which the stack wires itself", value: key, allowed: 'remove it' });
    });
    return issues;
  }

  public readonly source: SecretsSource;
  /** The Secret the pods read the app's keys from. */
  public readonly secretName: string;
  /** The keys of `secrets.keys`. */
  public readonly keys: readonly string[];
  private readonly databasePasswordRef?: SecretKeyRef;
  private readonly redisPasswordRef?: SecretKeyRef;
  private readonly exporterPasswordRef?: SecretKeyRef;
  private readonly stack: StackIdentity;

  constructor(scope: Construct, id: string, props: AppSecretsProps) {
    super(scope, id);
    if (!isValidated(props)) throwIfAny(AppSecrets.validate(props, props.stack.environment, 'secrets', props.database));
    this.stack = props.stack;
    const secrets = resolveSecrets(props, this.stack.environment, this.stack.name);
    this.source = secrets.source;
    this.keys = secrets.keys;
    this.secretName = secrets.existingSecret ?? this.stack.objectName('secrets');

    const external = secrets.external;
    const generatePassword = this.source === 'external' && Boolean(external?.generateDatabasePassword);
    if (props.database) {
      this.databasePasswordRef = generatePassword
        ? { name: this.stack.objectName('postgres-password'), key: DATABASE_PASSWORD_KEY }
        : { name: this.secretName, key: DATABASE_PASSWORD_KEY };
      if (props.exporter) {
        this.exporterPasswordRef = generatePassword
          ? { name: this.stack.objectName('postgres-exporter-password'), key: EXPORTER_PASSWORD_KEY }
          : { name: this.secretName, key: EXPORTER_PASSWORD_KEY };
      }
    }
    if (props.redis) {
      this.redisPasswordRef = this.source === 'external'
        ? { name: this.stack.objectName('redis-password'), key: REDIS_PASSWORD_KEY }
        : { name: this.secretName, key: REDIS_PASSWORD_KEY };
    }

    if (this.source === 'generated') this.addDevelopmentSecret();
    if (this.source === 'external') {
      const fromStore = [this.databasePasswordRef, this.exporterPasswordRef].filter((r) => r?.name === this.secretName).map((r) => r!.key);
      const storeKeys = [...this.keys, ...fromStore];
      if (storeKeys.length > 0) this.addExternalSecret(external!, storeKeys);
      if (props.database && generatePassword) this.addGeneratedPassword('postgres-password', DATABASE_PASSWORD_KEY);
      if (props.redis) this.addGeneratedPassword('redis-password', REDIS_PASSWORD_KEY);
      // Its own generator and Secret: CreatedOnce never adds a key to a Secret that already exists.
      if (this.exporterPasswordRef && generatePassword) this.addGeneratedPassword('postgres-exporter-password', EXPORTER_PASSWORD_KEY);
    }
  }

  /** Where a pod reads one of `secrets.keys`. */
  public refFor(key: string): SecretKeyRef {
    if (!this.keys.includes(key)) throw new Error(`secrets.keys has no ${key}`);
    return { name: this.secretName, key };
  }

  /** Where a pod reads the database password. */
  public databasePassword(): SecretKeyRef {
    if (!this.databasePasswordRef) throw new Error('the stack has no database');
    return this.databasePasswordRef;
  }

  /** Where a pod reads the in-cluster Redis's password. */
  public redisPassword(): SecretKeyRef {
    if (!this.redisPasswordRef) throw new Error('the stack has no in-cluster redis');
    return this.redisPasswordRef;
  }

  /** Where the Postgres exporter's role reads its password. */
  public exporterPassword(): SecretKeyRef {
    if (!this.exporterPasswordRef) throw new Error('the stack has no database exporter');
    return this.exporterPasswordRef;
  }

  /** Every Secret key the pods read, by Secret name: what an `existing` Secret must hold. */
  public requiredKeys(): Record<string, string[]> {
    const out: Record<string, string[]> = {};
    const refs = [...this.keys.map((k) => this.refFor(k)), ...[this.databasePasswordRef, this.redisPasswordRef, this.exporterPasswordRef].filter((r): r is SecretKeyRef => r !== undefined)];
    for (const ref of refs) (out[ref.name] ??= []).push(ref.key);
    return out;
  }

  /** An env var per `secrets.keys` entry, by `secretKeyRef`. */
  public env(): k8s.EnvVar[] {
    return this.keys.map((key) => ({ name: key, valueFrom: { secretKeyRef: this.refFor(key) } }));
  }

  private metadata(suffix: string) {
    return this.stack.metadata(suffix, 'secrets');
  }

  private addDevelopmentSecret(): void {
    const keys = [...this.keys, ...[this.databasePasswordRef, this.redisPasswordRef, this.exporterPasswordRef].filter((r): r is SecretKeyRef => r !== undefined && r.name === this.secretName).map((r) => r.key)];
    if (keys.length === 0) return;
    // Derived from the stack name and key, so every synth writes the same bytes (no churn in
    // git) while two stacks never share a value. Development only: validation refuses it elsewhere.
    const value = (key: string) => createHash('sha256').update(`${this.stack.name}/${key}/development`).digest('hex').slice(0, 32);
    new k8s.KubeSecret(this, 'Secret', {
      metadata: this.metadata('secrets'),
      type: 'Opaque',
      stringData: Object.fromEntries(keys.sort().map((k) => [k, value(k)])),
    });
  }

  private addExternalSecret(config: ResolvedExternalSecrets, keys: string[]): void {
    new eso.ExternalSecret(this, 'ExternalSecret', {
      metadata: this.metadata('secrets'),
      spec: {
        refreshInterval: config.refreshInterval,
        secretStoreRef: { name: config.storeName, kind: config.storeKind as eso.ExternalSecretSpecSecretStoreRefKind },
        target: { name: this.secretName, creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.OWNER },
        data: [...keys].sort().map((key) => ({ secretKey: key, remoteRef: { key: config.remoteKey, property: key } })),
      },
    });
  }

  /**
   * A password generated in the cluster once, into the Secret `<name>-<suffix>` under `key`.
   * Construct ids keep the database's first ids (`PasswordGenerator`, `PasswordSecret`).
   */
  private addGeneratedPassword(suffix: string, key: string): void {
    const name = this.stack.objectName(suffix);
    const idPrefix = suffix === 'postgres-password' ? '' : suffix === 'redis-password' ? 'Redis' : 'Exporter';
    new gen.Password(this, `${idPrefix}PasswordGenerator`, {
      metadata: this.metadata(suffix),
      // Letters and digits only: the password goes into DATABASE_URL / REDIS_URL unescaped.
      spec: { length: 32, digits: 8, symbols: 0, noUpper: false, allowRepeat: true, secretKeys: [key] },
    });
    new eso.ExternalSecret(this, `${idPrefix}PasswordSecret`, {
      metadata: this.metadata(suffix),
      spec: {
        refreshPolicy: eso.ExternalSecretSpecRefreshPolicy.CREATED_ONCE,
        target: { name, creationPolicy: eso.ExternalSecretSpecTargetCreationPolicy.ORPHAN },
        dataFrom: [{ sourceRef: { generatorRef: { apiVersion: 'generators.external-secrets.io/v1alpha1', kind: eso.ExternalSecretSpecDataFromSourceRefGeneratorRefKind.PASSWORD, name } } }],
      },
    });
  }
}
