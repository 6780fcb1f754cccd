import { DATABASE_PASSWORD_KEY } from './app-secrets';
import { RESERVED_ENV, STACK_ENV } from './python-web-service';
import { DATABASE_ENV } from './postgres-database';
import { DEFAULT_AUTOSCALING } from './resolve-stack';
import { KEY_PREFIX, QUALIFIED_NAME } from './_k8s-names';
import { RESERVED_LABEL_PREFIXES } from './python-web-stack';

/**
 * The published JSON Schema for editors (`schema/stack.schema.json`), made from the schema that
 * validates one target once the file is read (`schema/_target.schema.json`, generated from
 * stack-config.ts). An editor sees the file as written, so the published schema:
 *
 * - never rejects what synth accepts: a string may hold a placeholder (`${region}`, substituted
 *   per target), and env values, label values and quantities may be YAML numbers or booleans
 *   (`cpu: 2`, `DEBUG: true`, `PYTHON: 3.10`: synth takes the text written);
 * - rejects what else JSON Schema can say of the rules the constructs check: names (PORT and
 *   secret-looking env names, reserved label keys) everywhere, and, for a file without `targets`
 *   (whose values are final: a target may override or turn off any section), the rules between
 *   fields (`generated` secrets outside development, replicas with autoscaling, ...).
 *
 * What it cannot say (comparing two values, quantities by size) synth still refuses, with a
 * message that names the field.
 */
export function editorSchema(target: JsonSchema): JsonSchema {
  const schema = structuredClone(target) as { definitions: Record<string, JsonSchema> } & JsonSchema;
  const defs = schema.definitions;
  for (const [name, def] of Object.entries(defs)) defs[name] = withPlaceholders(def) as JsonSchema;
  for (const name of ['CpuQuantity', 'MemoryQuantity']) defs[name] = orYamlNumber(defs[name]);
  // Names: final in any file, since maps merge and a target cannot remove a key.
  const env = defs.WebConfig.properties.env;
  env.additionalProperties = { type: ['string', 'number', 'boolean'] };
  // Keys are never substituted: their rules stay as strict as the target's.
  env.propertyNames = { allOf: [strict(target, env.propertyNames), notEnvName()] };
  defs.StackConfig.properties.targets.propertyNames = strict(target, defs.StackConfig.properties.targets.propertyNames);
  for (const def of [defs.StackConfig, defs.TargetOverrides]) {
    def.properties.labels.additionalProperties = { type: ['string', 'number', 'boolean'] };
    def.properties.labels.propertyNames = labelKey();
  }
  defs.StackConfig.if = { not: { required: ['targets'] } };
  defs.StackConfig.then = { allOf: singleTargetRules() };
  return schema;
}

/** A JSON Schema node, loosely typed: this module builds and edits them. */
export type JsonSchema = Record<string, any>;

/** A string holding `${...}`: substituted per target, checked then. */
const PLACEHOLDER: JsonSchema = { type: 'string', pattern: '\\$\\{' };

/** Every string node with a rule (pattern, enum, length), however deep, also takes a placeholder. */
function withPlaceholders(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(withPlaceholders);
  if (node === null || typeof node !== 'object') return node;
  const walked: JsonSchema = Object.fromEntries(Object.entries(node).map(([k, v]) => [k, k === 'default' || k === 'propertyNames' ? v : withPlaceholders(v)]));
  const constrained = walked.type === 'string' && ['pattern', 'enum', 'const', 'minLength', 'maxLength', 'format'].some((k) => k in walked);
  if (!constrained) return walked;
  const { description, allowed, default: dflt, ...rule } = walked;
  return { ...(description ? { description } : {}), ...(allowed ? { allowed } : {}), ...(dflt !== undefined ? { default: dflt } : {}), anyOf: [rule, PLACEHOLDER] };
}

/** The target schema's definition a `$ref` names, inlined, without its texts. */
function strict(target: JsonSchema, node: JsonSchema): JsonSchema {
  if (!node.$ref) return node;
  const { description, allowed, ...rule } = target.definitions[node.$ref.replace('#/definitions/', '')];
  return rule;
}

/** A quantity may be written as a YAML number (`cpu: 2`); synth takes its text. */
function orYamlNumber(node: JsonSchema): JsonSchema {
  return { ...node, anyOf: [...node.anyOf, { type: 'number', minimum: 0 }] };
}

/**
 * An env name web.env may not use. Secrets are the secret detector's (synth's) to find: a
 * secret-looking name passes with a value that cannot be a secret, or when declared public.
 */
function notEnvName(): JsonSchema {
  return { not: { enum: RESERVED_ENV } };
}

/** A label key Kubernetes takes, outside the prefixes the stack sets itself. */
function labelKey(): JsonSchema {
  const prefix = KEY_PREFIX.source.replace(/^\^|\$$/g, '');
  const name = QUALIFIED_NAME.source.replace(/^\^|\$$/g, '');
  return {
    allOf: [
      { pattern: `^(${prefix}/)?${name}$` },
      { not: { pattern: `^(${RESERVED_LABEL_PREFIXES.map(escape).join('|')})` } },
    ],
  };
}

/** `{a: {b: schema}}` present, each level a mapping: what a rule's condition is made of. */
function has(path: string, schema: JsonSchema = {}): JsonSchema {
  return path.split('.').reduceRight((inner, key) => ({ type: 'object', required: [key], properties: { [key]: inner } }), schema);
}

/** Constraints on a value when present: `{properties: {a: {properties: {b: schema}}}}`. */
function at(path: string, schema: JsonSchema): JsonSchema {
  return path.split('.').reduceRight((inner, key) => ({ properties: { [key]: inner } }), schema);
}

function never(description: string, ...conditions: JsonSchema[]): JsonSchema {
  return { description, not: { allOf: conditions } };
}

function oneOfOr(...values: unknown[]): JsonSchema {
  return { anyOf: [{ enum: values }, PLACEHOLDER] };
}

/** Rules between fields, for a file whose values are final (no `targets`). */
function singleTargetRules(): JsonSchema[] {
  const development = { anyOf: [{ not: has('environment') }, has('environment', { const: 'development' })] };
  const notFramework = (...frameworks: string[]) => ({ not: has('web.framework', oneOfOr(...frameworks)) });
  const reservedNamespace = { anyOf: [{ const: 'default' }, { pattern: '^kube-' }] };
  return [
    never("secrets.source 'generated' is for development only", has('environment', { enum: ['staging', 'production'] }), has('secrets.source', { const: 'generated' })),
    never('secrets.external is required when source is external', has('secrets.source', { const: 'external' }), { not: has('secrets.external') }),
    never('secrets.external is only used when source is external', has('secrets.external'), { not: has('secrets.source', oneOfOr('external')) }),
    never('secrets.existingSecret is only used when source is existing', has('secrets.existingSecret'), {
      anyOf: [has('secrets.source', { not: oneOfOr('existing') }), { allOf: [{ not: has('secrets.source') }, development] }],
    }),
    at('secrets.keys', { uniqueItems: true, items: { not: { enum: [DATABASE_PASSWORD_KEY, ...STACK_ENV] } } }),
    never('secrets.keys and web.env may not name what the database section sets', has('database', { type: 'object' }), {
      anyOf: [
        has('web.env', { anyOf: DATABASE_ENV.map((n) => ({ required: [n] })) }),
        has('secrets.keys', { contains: { enum: DATABASE_ENV } }),
      ],
    }),
    at('web.env', {
      properties: { WEB_CONCURRENCY: { anyOf: [{ type: 'string', pattern: '^[1-9][0-9]*$' }, { type: 'integer', minimum: 1 }, PLACEHOLDER] } },
    }),
    never('web.command is required when framework is generic and there is no entrypoint',
      notFramework('django', 'flask', 'fastapi'), { not: has('web.command') }, { not: has('web.entrypoint') }),
    never('uwsgi serves WSGI apps, and fastapi is ASGI', has('web.server', { const: 'uwsgi' }), has('web.framework', { const: 'fastapi' })),
    never('uvicorn serves ASGI apps: flask and generic apps need another server or their own command',
      has('web.server', { const: 'uvicorn' }), notFramework('django', 'fastapi'), { not: has('web.command') }),
    never('web.replicas is only used when autoscaling is false', has('web.replicas'), { not: has('web.autoscaling', { const: false }) }),
    never(`web.autoscaling.maxReplicas must be more than minReplicas (${DEFAULT_AUTOSCALING.minReplicas} by default)`,
      has('web.autoscaling.maxReplicas', { maximum: DEFAULT_AUTOSCALING.minReplicas }), { not: has('web.autoscaling.minReplicas') }),
    never(`web.autoscaling.minReplicas must be less than maxReplicas (${DEFAULT_AUTOSCALING.maxReplicas} by default)`,
      has('web.autoscaling.minReplicas', { minimum: DEFAULT_AUTOSCALING.maxReplicas }), { not: has('web.autoscaling.maxReplicas') }),
    never('web.migrations.command is required unless framework is django', has('web.migrations', { not: { required: ['command'] } }), notFramework('django')),
    never('static takes either collect or copyFrom', has('static.collect'), has('static.copyFrom')),
    never('static.collect is required unless framework is django or copyFrom is given',
      has('static', { not: { anyOf: [{ required: ['collect'] }, { required: ['copyFrom'] }] } }), notFramework('django')),
    never('static.urlPath cannot be /', has('static.urlPath', { const: '/' })),
    never("static.copyFrom cannot be the image's root", has('static.copyFrom', { pattern: '^/+$' })),
    never("media.mountPath cannot be the container's root", has('media.mountPath', { pattern: '^/+$' })),
    never('media.accessMode ReadWriteOnce needs web.autoscaling: false and web.replicas: 1 (one pod)',
      has('media.accessMode', { const: 'ReadWriteOnce' }), { not: { allOf: [has('web.autoscaling', { const: false }), has('web.replicas', { const: 1 })] } }),
    never('ingress.tls needs secretName or clusterIssuer', has('ingress.tls', { not: { anyOf: [{ required: ['secretName'] }, { required: ['clusterIssuer'] }] } })),
    never('database.user may not start with pg_', has('database.user', { type: 'string', pattern: '^pg_' })),
    never('the stack may not own a namespace of the cluster', { anyOf: [has('namespace', reservedNamespace), { allOf: [{ not: has('namespace') }, has('name', reservedNamespace)] }] }),
    at('labels', { additionalProperties: { anyOf: [{ type: 'string', maxLength: 63, pattern: `^(${QUALIFIED_NAME.source.replace(/^\^|\$$/g, '')})?$` }, { type: ['number', 'boolean'] }, PLACEHOLDER] } }),
  ];
}

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
