import * as yaml from 'js-yaml';
import { ComposeImport } from './compose-import';

/**
 * Strings as the stack file must spell them: a stack file substitutes `${region}`-style
 * placeholders in every string, so a literal `${` from the compose file is written `$${`.
 */
function escapePlaceholders(value: unknown): unknown {
  if (typeof value === 'string') return value.replace(/\$\{/g, '$${');
  if (Array.isArray(value)) return value.map(escapePlaceholders);
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, escapePlaceholders(v)]));
  return value;
}

/**
 * The stack file an import writes: the `$schema` line for editors, where it came from, then the
 * stack (strings any YAML reader could retype are quoted by the dumper).
 */
export function importedStackText(result: ComposeImport, composeFile: string, schemaPath: string): string {
  return [
    `# yaml-language-server: $schema=${schemaPath}`,
    `# Translated from ${composeFile} by \`pyweb-cdk8s init --from\`; its report said what became of each`,
    '# compose key. Render it with `npx pyweb-cdk8s synth --config <this file or its folder>`.',
    yaml.dump(escapePlaceholders(result.stack), { lineWidth: -1, noRefs: true }).trimEnd(),
    '',
  ].join('\n');
}
