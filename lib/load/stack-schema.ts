export { schemaIssues } from '../../constructs/_stack-schema';
