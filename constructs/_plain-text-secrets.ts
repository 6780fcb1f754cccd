import { ConfigIssue } from './_errors';
import { SecretDetector, findSecrets } from './secret-detector';
import { ResolvedSecrets } from './resolve-stack';
import { PythonWebStackProps } from './stack-config';

/** Mappings of a stack file written key by key, whose keys are names the secret check reads. */
const NAMED_MAPS = ['env', 'labels', 'annotations'];

/**
 * Every string of a stack that would be written into git in plain text and looks like a
 * secret, each with how to move it into `secrets`. The whole stack is inspected, so a section
 * added later is covered without a change here.
 */
export function plainTextSecretIssues(props: PythonWebStackProps, resolved: ResolvedSecrets): ConfigIssue[] {
  const { publicKeys } = resolved;
  const issues: ConfigIssue[] = [];
  const { secrets, ...written } = props;
  // database.env maps connection parts to env var NAMES (`password: DB_PASSWORD`): no values.
  if (written.database && written.database.env) written.database = { ...written.database, env: undefined };
  for (const { path, name, finding } of findSecrets(written, '', { publicNames: publicKeys, namedMaps: NAMED_MAPS })) {
    const acknowledge = finding.acknowledgeable && name ? `; or, if the value is public, list ${name} in secrets.publicKeys` : '';
    const inEnv = name !== undefined && /(^|\.)env$/.test(path.slice(0, path.length - name.length - 1));
    const allowed = name && inEnv
      ? `move it into secrets: list ${name} in secrets.keys and put the value in the secret source${acknowledge}`
      : name
        ? `remove it: a secret belongs in secrets (list a name in secrets.keys, put the value in the secret source)${acknowledge}`
        : 'move the value into secrets: list a name such as APP_PASSWORD in secrets.keys, put the value in the secret source, and write $(APP_PASSWORD) here (the kubelet expands it)';
    issues.push({ path, message: `${finding.reason}, and it would be written in plain text into git`, allowed });
  }
  // The secrets section itself holds names and store paths, never values: only its strings.
  for (const { path, finding } of findSecrets({ external: secrets?.external, existingSecret: secrets?.existingSecret }, 'secrets')) {
    issues.push({ path, message: `${finding.reason}, and it would be written in plain text into git`, allowed: 'a name or path in the secret store, never the secret itself' });
  }
  issues.push(...publicKeyIssues(props, resolved));
  return issues;
}

/** `secrets.publicKeys` must name what it acknowledges, and nothing the stack reads as a secret. */
function publicKeyIssues(props: PythonWebStackProps, { keys, publicKeys }: ResolvedSecrets): ConfigIssue[] {
  const named = new Set<string>();
  const collect = (value: unknown, key?: string): void => {
    if (Array.isArray(value)) value.forEach((v) => collect(v));
    else if (value !== null && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (key !== undefined && NAMED_MAPS.includes(key)) named.add(k);
        collect(v, k);
      }
    }
  };
  collect(props);
  const issues: ConfigIssue[] = [];
  publicKeys.forEach((key, i) => {
    if (SecretDetector.isNeverPublic(key)) issues.push({ path: `secrets.publicKeys[${i}]`, message: 'names a password, secret, private key or credential, which is never public', value: key, allowed: `list ${key} in secrets.keys and put the value in the secret source` });
    else if (keys.includes(key)) issues.push({ path: `secrets.publicKeys[${i}]`, message: 'is also in secrets.keys: a value cannot be both secret and public', value: key, allowed: 'one of the two' });
    else if (!named.has(key)) issues.push({ path: `secrets.publicKeys[${i}]`, message: 'names no env var or label of the stack', value: key, allowed: 'a name of web.env (or labels) whose value is public' });
  });
  return issues;
}
