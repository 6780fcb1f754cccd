import { schemaIssues } from '../../constructs/_stack-schema';
import { ConfigIssue } from '../../constructs';

/** Every structural problem of a whole stack file (targets and `$schema` included) against the published schema. */
export function fileSchemaIssues(data: unknown): ConfigIssue[] {
  return schemaIssues(data, 'StackConfig');
}
