import { createHash } from 'crypto';
import type { ValidateFunction } from 'ajv';
import { compileStackValidators, schemaIssues, useStackValidators } from '../../constructs/_stack-schema';
import { ConfigIssue } from '../../constructs';
import { CodeCache, validatorSourceHash } from '../check/_code-cache';

/** Every structural problem of a whole stack file (targets and `$schema` included) against the published schema. */
export function fileSchemaIssues(data: unknown): ConfigIssue[] {
  return schemaIssues(data, 'StackConfig');
}

/**
 * The stack-file validators, compiled once and cached on disk like the Kubernetes ones (see
 * `CodeCache`): compiling the schema cost more than the rest of a small run. Keyed on the
 * schema and the code that compiles them (`validatorSourceHash`), and the ajv version.
 */
export function cachedStackValidators(dir?: string): Readonly<Record<string, ValidateFunction>> {
  const key = createHash('sha256')
    .update(`${validatorSourceHash()}\0${require('ajv/package.json').version}`)
    .digest('hex').slice(0, 16);
  const cache = new CodeCache('stack-validators', key, dir);
  const loaded = cache.load();
  if (loaded) return loaded;
  const { ajv, refs } = compileStackValidators({ code: { source: true } });
  const standaloneCode = (require('ajv/dist/standalone') as typeof import('ajv/dist/standalone')).default;
  cache.save(standaloneCode(ajv, refs));
  return Object.fromEntries(Object.entries(refs).map(([definition, ref]) => [definition, ajv.getSchema(ref)!]));
}

// The command line (everything that loads stack files) validates with the cached validators.
useStackValidators(() => cachedStackValidators());
