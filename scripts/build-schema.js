#!/usr/bin/env node
// Generates, from the TypeScript types in lib/load/stack-file-format.ts (so the stack file's
// TypeScript type and its JSON Schema are never two hand-kept copies):
// - schema/_target.schema.json: what synth validates against once the file is read (numbers in
//   env, labels and quantities taken as text; each target with placeholders substituted);
// - schema/stack.schema.json: the published schema for editors, which reads the file as written
//   (constructs/_editor-schema.ts: never rejects what synth accepts, and adds the rules between
//   fields that JSON Schema can say).
// `npm test` fails when a committed schema differs from what this script writes.
'use strict';
const fs = require('fs');
const path = require('path');
const { createGenerator } = require('ts-json-schema-generator');

const root = path.resolve(__dirname, '..');
const OUT = path.join(root, 'schema/stack.schema.json');
const TARGET_OUT = path.join(root, 'schema/_target.schema.json');

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
  schema.definitions.WorkerConfig.properties.env.propertyNames = { $ref: '#/definitions/EnvVarName' };
  // Worker and schedule keys are parts of object names and label values.
  for (const def of ['StackConfig', 'PythonWebStackProps']) {
    for (const key of ['workers', 'schedules']) {
      const node = schema.definitions[def]?.properties?.[key];
      if (node) node.propertyNames = { $ref: '#/definitions/DnsLabel' };
    }
  }
  // Target names are folder names and label values.
  schema.definitions.StackConfig.properties.targets.propertyNames = { $ref: '#/definitions/DnsLabel' };
  // Volume keys name objects (`<name>-<key>`); file names are ConfigMap keys.
  schema.definitions.StackConfig.properties.volumes.propertyNames = { $ref: '#/definitions/DnsLabel' };
  schema.definitions.VolumeConfig.properties.files.propertyNames = {
    type: 'string', pattern: '^[-._a-zA-Z0-9]+$', maxLength: 253,
    allowed: 'a file name such as configuration.py: letters, digits, - _ and . (a ConfigMap key)',
  };
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
  return schema;
}

/** constructs/_editor-schema.ts, bundled in memory (it reads the constructs' own constants). */
function loadEditorSchema() {
  const esbuild = require('esbuild');
  const { outputFiles } = esbuild.buildSync({
    entryPoints: [path.join(root, 'constructs/_editor-schema.ts')],
    bundle: true, write: false, platform: 'node', format: 'cjs', packages: 'external', logLevel: 'warning',
    // The constants it reads sit in modules that also load the schemas this script writes.
    external: ['../schema/*'],
  });
  const mod = { exports: {} };
  const noSchemas = (id) => (/\/schema\/[^/]+\.json$/.test(id) ? {} : require(id));
  new Function('module', 'exports', 'require', outputFiles[0].text)(mod, mod.exports, noSchemas);
  return mod.exports.editorSchema;
}

/** Both schemas, as text: { [file]: text }. */
function renderAll() {
  const target = buildSchema();
  const editor = loadEditorSchema()(target);
  const text = (s) => `${JSON.stringify(s, null, 2)}\n`;
  return {
    [TARGET_OUT]: text({
      $id: 'https://pyweb-cdk8s.dev/schema/_target.schema.json',
      $comment: 'Internal: what synth validates against once the stack file is read. Editors use stack.schema.json.',
      ...target,
    }),
    [OUT]: text({ $id: 'https://pyweb-cdk8s.dev/schema/stack.schema.json', title: 'Python web stack', ...editor }),
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

module.exports = { renderAll };

if (require.main === module) {
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  for (const [file, text] of Object.entries(renderAll())) {
    fs.writeFileSync(file, text);
    console.log(`wrote ${path.relative(root, file)}`);
  }
}
