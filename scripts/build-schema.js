#!/usr/bin/env node
// Generates schema/stack.schema.json from the TypeScript types in lib/load/stack-file-format.ts,
// so the stack file's TypeScript type and its JSON Schema are never two hand-kept copies.
// `npm test` fails when the committed schema differs from what this script writes.
'use strict';
const fs = require('fs');
const path = require('path');
const { createGenerator } = require('ts-json-schema-generator');

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'schema/stack.schema.json');

/** The schema as generated, with prose defaults ("@default - ...") moved into descriptions. */
function buildSchema() {
  const schema = createGenerator({
    path: path.join(root, 'lib/load/stack-file-format.ts'),
    tsconfig: path.join(root, 'tsconfig.json'),
    type: 'StackConfig',
    skipTypeCheck: true,
    additionalProperties: false,
    sortProps: true,
    // Our own tags: `@allowed` is the rule of a pattern or limit in words, as messages print it
    // after "allowed:"; `@keyNoun` names what each key of a mapping is ("target").
    extraTags: ['allowed', 'keyNoun'],
  }).createSchema('StackConfig');
  visit(schema);
  // TypeScript index signatures cannot carry a key pattern; env var names must be identifiers.
  schema.definitions.WebConfig.properties.env.propertyNames = { $ref: '#/definitions/EnvVarName' };
  // Target names are folder names and label values.
  schema.definitions.StackConfig.properties.targets.propertyNames = { $ref: '#/definitions/DnsLabel' };
  // A target that sets name or targets passes the schema so that the command line can say why it
  // cannot (lib/load/targets.ts); every other key not in TargetOverrides is an unknown key.
  schema.definitions.TargetOverrides.patternProperties = {
    '^(name|targets)$': { description: 'Not overridable: every target keeps the stack name, and targets do not nest.' },
  };
  // The file format's own keys first, as in the file (`$schema` is its first line).
  const file = schema.definitions.StackConfig;
  const { $schema, ...stackProperties } = file.properties;
  schema.definitions.StackConfig = {
    type: file.type,
    properties: { $schema, ...stackProperties },
    required: file.required,
    additionalProperties: file.additionalProperties,
    description: file.description,
  };
  // What PythonWebStack validates its props against: one target's stack, without the keys of
  // the file format.
  const { targets, ...props } = stackProperties;
  schema.definitions.PythonWebStackProps = {
    ...schema.definitions.StackConfig,
    properties: props,
    description: 'One stack for one deploy target: the props of PythonWebStack (a stack file without $schema and targets).',
  };
  return {
    $id: 'https://pyweb-cdk8s.dev/schema/stack.schema.json',
    title: 'Python web stack',
    ...schema,
  };
}

function visit(node) {
  if (Array.isArray(node)) return node.forEach(visit);
  if (!node || typeof node !== 'object') return;
  if (typeof node.default === 'string' && node.default.startsWith('- ')) {
    const prose = node.default.slice(2).replace(/\s+/g, ' ');
    node.description = `${node.description ?? ''}\n\nDefault: ${prose}`.trim();
    delete node.default;
  }
  Object.values(node).forEach(visit);
}

function render() {
  return `${JSON.stringify(buildSchema(), null, 2)}\n`;
}

module.exports = { render, OUT };

if (require.main === module) {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, render());
  console.log(`wrote ${path.relative(root, OUT)}`);
}
