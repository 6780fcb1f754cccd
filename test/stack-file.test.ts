import { schemaIssues } from '../constructs/_stack-schema';
import { parseStackFile } from '../lib/load/stack-file';
import { fileSchemaIssues } from '../lib/load/stack-schema';
import stackSchema from '../schema/_target.schema.json';

/** The issues of a stack file's text, formatted as the command line prints them. */
function problems(text: string): string[] {
  const { issues } = parseStackFile(text);
  return issues.map((i) => `${i.path}: ${i.message}${i.value !== undefined ? ` (got ${JSON.stringify(i.value)})` : ''}${i.allowed ? ` [${i.allowed}]` : ''}`);
}

const VALID = 'name: shop\nweb:\n  image: ghcr.io/acme/shop:1.4.2\n  framework: flask\n';

describe('stack file', () => {
  test('a minimal stack is valid', () => {
    expect(parseStackFile(VALID)).toEqual({ config: { name: 'shop', web: { image: 'ghcr.io/acme/shop:1.4.2', framework: 'flask' } }, issues: [] });
  });

  test('fails if a key is unknown, naming it and suggesting the near miss', () => {
    expect(problems(`${VALID}  imagePullPolicy: Always\n`)).toEqual([expect.stringMatching(/^web\.imagePullPolicy: unknown key/)]);
    expect(problems(VALID.replace('framework', 'framwork'))).toContainEqual(expect.stringMatching(/^web\.framwork: unknown key; did you mean 'framework'\?/));
    expect(problems(`${VALID}databse: {}\n`)).toContainEqual(expect.stringMatching(/^databse: unknown key; did you mean 'database'\?/));
  });

  test('fails if a required key is missing', () => {
    expect(problems('name: shop\nweb: {framework: flask}\n')).toEqual(['web.image: is required']);
    expect(problems('web: {image: a/b:1, framework: flask}\n')).toEqual(['name: is required']);
  });

  test('fails if an enum value is not allowed, listing the allowed ones', () => {
    expect(problems(VALID.replace('flask', 'rails'))).toEqual(['web.framework: is not one of the allowed values (got "rails") [django | flask | fastapi | generic]']);
  });

  test('fails if a value has the wrong type, saying the range', () => {
    expect(problems(`${VALID}  port: eighty\n`)).toEqual(['web.port: must be a whole number (got "eighty") [a whole number from 1024 to 65535]']);
  });

  test('fails if a number is quoted, showing it without quotes', () => {
    expect(problems(`${VALID}  port: "5000"\n`)).toEqual(['web.port: must be a whole number (got "5000") [5000 without quotes, a whole number from 1024 to 65535]']);
  });

  test('fails if env is a list of NAME=value, showing the mapping', () => {
    expect(problems(`${VALID}  env: [DEBUG=1, LOG_LEVEL=info]\n`))
      .toEqual(['web.env: must be a mapping (got ["DEBUG=1","LOG_LEVEL=info"]) [a mapping of NAME: value, such as {DEBUG: \'1\', LOG_LEVEL: info}]']);
    expect(problems(`${VALID}  env: DEBUG=1\n`)).toEqual(['web.env: must be a mapping (got "DEBUG=1") [a mapping of NAME: value, such as {DEBUG: \'1\'}]']);
  });

  test('fails if a command is one string, showing the list', () => {
    expect(problems(`${VALID}  command: gunicorn app:app\n`))
      .toEqual(['web.command: must be a list (got "gunicorn app:app") [a list of the program and its arguments, such as [gunicorn, app:app]]']);
    expect(problems(`${VALID}  command: "uvicorn main:app --port 8000"\n`))
      .toEqual(['web.command: must be a list (got "uvicorn main:app --port 8000") [a list of the program and its arguments, such as [uvicorn, main:app, --port, \'8000\']]']);
    // A shell line (quotes, &&, $VARS) runs through sh, as one argument
    expect(problems(`${VALID}  command: "migrate && gunicorn app:app"\n`))
      .toEqual(['web.command: must be a list (got "migrate && gunicorn app:app") [a list, such as [sh, -c, migrate && gunicorn app:app]]']);
  });

  test('fails if the name is not a DNS label or too long', () => {
    expect(problems(VALID.replace('name: shop', 'name: Shop_1'))[0]).toMatch(/^name: has the wrong format \(got "Shop_1"\) \[a DNS-1123 label of at most 40 characters: lowercase letters, digits and '-', starting with a letter/);
    expect(problems(VALID.replace('name: shop', `name: ${'a'.repeat(41)}`))[0]).toMatch(/^name: must have at most 40 characters/);
  });

  test('fails if the image is tagged latest or untagged', () => {
    expect(problems(VALID.replace('shop:1.4.2', 'shop:latest'))[0]).toMatch(/^web\.image: has the wrong format \(got "ghcr.io\/acme\/shop:latest"\)/);
    expect(problems(VALID.replace('shop:1.4.2', 'shop'))[0]).toMatch(/^web\.image: has the wrong format/);
  });

  test('fails if a port is privileged or out of range, saying the range', () => {
    expect(problems(`${VALID}  port: 80\n`)).toEqual(['web.port: must be >= 1024 (got 80) [a whole number from 1024 to 65535]']);
    expect(problems(`${VALID}  port: 70000\n`)).toEqual(['web.port: must be <= 65535 (got 70000) [a whole number from 1024 to 65535]']);
  });

  test('fails if a section is neither a mapping nor false', () => {
    expect(problems(`${VALID}static: yes please\n`)).toEqual(['static: must be a mapping, or false to turn it off (got "yes please")']);
  });

  test('fails if the YAML does not parse, with line and column', () => {
    expect(problems('name: shop\nweb: [\n')).toEqual([expect.stringMatching(/^: YAML syntax error at line 3, column 1: /)]);
  });

  test('fails if the file is empty or only comments', () => {
    expect(problems('')[0]).toMatch(/the file is empty/);
    expect(problems('# nothing\n\n')[0]).toMatch(/the file is empty/);
  });

  test('fails if the file is not a mapping', () => {
    expect(problems('- a\n- b\n')[0]).toMatch(/the file must be a mapping/);
  });

  test('reports every problem of a file at once', () => {
    expect(problems('name: Shop\nweb: {framework: rails, port: 1}\n')).toHaveLength(4);
  });

  test('semantic problems come after the structure is right', () => {
    expect(problems('name: shop\nweb: {image: a/b:1}\n')).toEqual([expect.stringMatching(/^web\.command: is required when framework is generic/)]);
  });
});

describe('stack file keys', () => {
  test('fails if a web.env name is not a valid env var name', () => {
    const found = problems(`${VALID}  env: {"MY-VAR": x, ":": y}\n`);
    expect(found.sort()).toEqual([
      'web.env.MY-VAR: is not a valid name [at most 253 letters, digits and _, not starting with a digit]',
      'web.env[":"]: is not a valid name [at most 253 letters, digits and _, not starting with a digit]',
    ]);
  });

  test('fails if a target name is not a DNS label, saying the DNS label rule', () => {
    expect(problems(`${VALID}targets: {Prod_EU: {}}\n`)).toEqual([
      "targets.Prod_EU: is not a valid name [a DNS-1123 label of at most 63 characters: lowercase letters, digits and '-', starting with a letter and ending with a letter or digit]",
    ]);
  });

  test('fails if targets is empty: at least one target, or no targets key', () => {
    expect(problems(`${VALID}targets: {}\n`)).toEqual([
      'targets: must name at least one target [at least one target, or no targets key for one target named after the environment]',
    ]);
  });

  test('fails if a key inside a target is unknown, listing only the keys a target may override', () => {
    const found = problems(`${VALID}targets:\n  prod: {webb: {}, replicas: 3}\n`);
    const overridable = 'namespace, environment, region, labels, web, static, media, volumes, database, redis, workers, schedules, secrets, ingress, networkPolicy, resourceQuota, serviceAccount, monitoring, logs';
    expect(found).toEqual([
      `targets.prod.replicas: unknown key [${overridable}]`,
      `targets.prod.webb: unknown key; did you mean 'web'? [${overridable}]`,
    ]);
  });

  test('a target may override every key of the stack file but $schema, name and targets', () => {
    const defs = (stackSchema as any).definitions;
    const stackKeys = Object.keys(defs.StackConfig.properties).filter((k) => !['$schema', 'name', 'targets'].includes(k));
    expect(Object.keys(defs.TargetOverrides.properties).sort()).toEqual(stackKeys.sort());
  });
});

/** Every node of the schema, with its JSON pointer. */
function schemaNodes(node: unknown, at = ''): Array<{ at: string; node: Record<string, any> }> {
  if (node === null || typeof node !== 'object') return [];
  const here = Array.isArray(node) ? [] : [{ at, node: node as Record<string, any> }];
  return [...here, ...Object.entries(node).flatMap(([k, v]) => schemaNodes(v, `${at}/${k}`))];
}

describe('stack file rules in words', () => {
  test('every pattern, length and count rule of the schema has an explicit allowed text', () => {
    const rules = ['pattern', 'minLength', 'maxLength', 'minItems', 'minProperties'];
    const bare = schemaNodes(stackSchema)
      .filter(({ node }) => rules.some((r) => typeof node[r] === 'string' || typeof node[r] === 'number'))
      .filter(({ node }) => typeof node.allowed !== 'string' || node.allowed.length < 10)
      .map(({ at }) => at);
    expect(bare).toEqual([]);
  });

  test('fails if a value has the wrong format, saying the rule concretely (never a cut sentence)', () => {
    expect(problems(`${VALID}media: {size: 10GB}\n`)).toEqual(['media.size: has the wrong format (got "10GB") [bytes with a suffix such as 512Mi, 1Gi or 10Gi]']);
    expect(problems(`${VALID}region: EU_west\n`)).toEqual([
      'region: has the wrong format (got "EU_west") [a region such as eu-west-1: at most 63 lowercase letters, digits and \'-\', starting and ending with a letter or digit]',
    ]);
    expect(problems(`${VALID}ingress: {host: Shop.Example.com}\n`)).toEqual(['ingress.host: has the wrong format (got "Shop.Example.com") [a host name such as shop.example.com (lowercase; at most 253 characters, at most 63 between dots)]']);
    expect(problems(`${VALID}database: {name: Shop-DB}\n`)).toEqual(['database.name: has the wrong format (got "Shop-DB") [at most 63 lowercase letters, digits and _, not starting with a digit]']);
    expect(problems(`${VALID}  entrypoint: shop\nstatic: {maxUploadSize: 10MB, urlPath: static}\n`)).toEqual([
      'static.maxUploadSize: has the wrong format (got "10MB") [a whole number of bytes with an optional k, m or g suffix (nginx units), such as 10m or 512k]',
      'static.urlPath: has the wrong format (got "static") [a URL path that starts and ends with \'/\', such as /static/ (letters, digits and . _ ~ - between the slashes)]',
      'web.entrypoint: has the wrong format (got "shop") [module:callable, such as shop.wsgi:application or main:app]',
      // The structure's problems first, then the others: all of them at once.
      'static.collect: is required for framework flask (only django has a default), unless copyFrom is given [collect: {command, outputDir} or copyFrom: /path/in/image]',
    ]);
    expect(problems(`${VALID}secrets: {source: external, external: {storeName: v, remoteKey: k, refreshInterval: 1d}}\n`)).toEqual([
      'secrets.external.refreshInterval: has the wrong format (got "1d") [a duration such as 1h, 30m or 1h30m (units h, m, s, ms, us, ns)]',
    ]);
  });

  test('fails if a number is out of range, saying the range', () => {
    expect(problems(`${VALID}  drainSeconds: 99\n`)).toEqual(['web.drainSeconds: must be <= 60 (got 99) [a whole number from 0 to 60]']);
    expect(problems(`${VALID}  replicas: 0\n`)).toEqual(['web.replicas: must be >= 1 (got 0) [a whole number from 1 to 10000]']);
  });

  test('fails if autoscaling.minReplicas is below 2', () => {
    expect(problems(`${VALID}  autoscaling: {minReplicas: 1}\n`)).toEqual(['web.autoscaling.minReplicas: must be >= 2 (got 1) [a whole number from 2 to 10000]']);
    expect(problems(`${VALID}  autoscaling: {minReplicas: 2, maxReplicas: 3}\n`)).toEqual([]);
    // An autoscaler that cannot scale is a fixed count in disguise (Polaris's hpaMaxAvailability).
    expect(problems(`${VALID}  autoscaling: {minReplicas: 2, maxReplicas: 2}\n`)).toEqual(['web.autoscaling.maxReplicas: must be more than minReplicas (2) [a larger number, or autoscaling: false with replicas: 2 for a fixed count]']);
  });

  test('fails if healthPath is not an absolute URL path', () => {
    const rule = "[an absolute URL path such as /healthz: starting with '/', without spaces, '?' or '#']";
    expect(problems(`${VALID}  healthPath: healthz\n`)).toEqual([`web.healthPath: has the wrong format (got "healthz") ${rule}`]);
    expect(problems(`${VALID}  healthPath: /health?deep=1\n`)).toEqual([`web.healthPath: has the wrong format (got "/health?deep=1") ${rule}`]);
    expect(problems(`${VALID}  healthPath: "/a b"\n`)).toHaveLength(1);
    expect(problems(`${VALID}  healthPath: "/up#x"\n`)).toHaveLength(1);
    for (const ok of ['/healthz', '/healthz/', '/-/ready', '/']) expect(problems(`${VALID}  healthPath: "${ok}"\n`)).toEqual([]);
  });

  test('fails if a command is empty or has an empty item', () => {
    expect(problems(`${VALID}  command: [gunicorn, ""]\n`)).toEqual(['web.command[1]: must not be empty (got "") [a non-empty string]']);
    expect(problems(`${VALID}  command: []\n`)).toEqual([
      'web.command: must have at least one item (got []) [a list of non-empty strings: the program, then its arguments, such as [python, manage.py, migrate]]',
    ]);
    expect(problems(`${VALID}  migrations: {command: [""], waitCommand: [""]}\n`)).toEqual([
      'web.migrations.command[0]: must not be empty (got "") [a non-empty string]',
      'web.migrations.waitCommand[0]: must not be empty (got "") [a non-empty string]',
    ]);
    expect(problems(`${VALID}static: {collect: {command: [""], outputDir: /app/static}}\n`)).toEqual(['static.collect.command[0]: must not be empty (got "") [a non-empty string]']);
  });

  test('fails if a CPU quantity has a byte suffix, or a memory or size quantity is in millis', () => {
    const cpu = '[cores such as 1, 0.5 or millicores such as 250m]';
    const bytes = '[bytes with a suffix such as 512Mi, 1Gi or 10Gi]';
    expect(problems(`${VALID}  resources: {requests: {cpu: 1Gi, memory: 512m}, limits: {cpu: 2k}}\n`)).toEqual([
      `web.resources.limits.cpu: has the wrong format (got "2k") ${cpu}`,
      `web.resources.requests.cpu: has the wrong format (got "1Gi") ${cpu}`,
      `web.resources.requests.memory: has the wrong format (got "512m") ${bytes}`,
    ]);
    expect(problems(`${VALID}database: {storage: {size: 10m}}\nmedia: {size: 1.5m}\n`)).toEqual([
      `database.storage.size: has the wrong format (got "10m") ${bytes}`,
      `media.size: has the wrong format (got "1.5m") ${bytes}`,
    ]);
    expect(problems(`${VALID}  resources: {requests: {cpu: ".5", memory: 1.5Gi}, limits: {cpu: "2", memory: 2G}}\nmedia: {size: 100Gi}\n`)).toEqual([]);
  });
});

describe('stack schema module', () => {
  test('a stack file may hold $schema and targets; the props of one stack may not', () => {
    const file = { $schema: '../schema/stack.schema.json', name: 'shop', web: { image: 'a/b:1' }, targets: { a: {} } };
    expect(fileSchemaIssues(file)).toEqual([]);
    expect(schemaIssues(file).map((i) => i.path)).toEqual(['$schema', 'targets']);
    expect(schemaIssues({ name: 'shop', web: { image: 'a/b:1', port: 80 } })).toEqual([
      { path: 'web.port', message: 'must be >= 1024', value: 80, allowed: 'a whole number from 1024 to 65535' },
    ]);
  });
});

describe('stack file reserved keys', () => {
  test.each(['constructor', '__proto__', 'toString'])('fails if a map key is %s, a name of JavaScript objects, without crashing', (key) => {
    expect(problems(`${VALID}  env: {${key}: x}\n`)).toEqual([`web.env.${key}: is a reserved name [any other name (${key} is a name of JavaScript's Object)]`]);
  });
});

describe('stack file scalars', () => {
  test('numbers and booleans in env values, label values and quantities are taken as the text they spell', () => {
    const { config, issues } = parseStackFile(`${VALID}  env: {DEBUG: true, WORKERS: 4}\n  resources: {requests: {cpu: 1}, limits: {cpu: 2, memory: 512Mi}}\nlabels: {tier: 1}\n`);
    expect(issues).toEqual([]);
    expect(config!.web.env).toEqual({ DEBUG: 'true', WORKERS: '4' });
    expect(config!.web.resources).toEqual({ requests: { cpu: '1' }, limits: { cpu: '2', memory: '512Mi' } });
    expect(config!.labels).toEqual({ tier: '1' });
  });

  test('fails if a number stands where a list or mapping belongs: only text-valued places are lenient', () => {
    expect(problems(`${VALID}  command: 5\n`)).toEqual(['web.command: must be a list (got 5)']);
  });
});

describe('stack file hard cases', () => {
  test('scalars keep the exact text written in the file', () => {
    const { config, issues } = parseStackFile(`${VALID}  env: {PY: 3.10, ZIP: 01234, HEX: 0x1F}\nlabels: {v: 1.50}\n`);
    expect(issues).toEqual([]);
    expect(config!.web.env).toEqual({ PY: '3.10', ZIP: '01234', HEX: '0x1F' });
    expect(config!.labels).toEqual({ v: '1.50' });
  });

  test('the file is read a second time, scalars as text, only when a number or boolean needs its text, and once', () => {
    const { stringifyScalars } = require('../lib/load/scalars');
    let reads = 0;
    const source = { web: { env: { PY: '3.10' } }, targets: { prod: { labels: { v: '1.50' } } } };
    const readSource = () => (reads++, source);
    const strings = { web: { env: { PY: 'x' }, resources: { limits: { cpu: '1' } } }, labels: { a: 'b' }, targets: { prod: { labels: { v: 'x' } } } };
    stringifyScalars(strings, readSource);
    expect(reads).toBe(0);
    const typed = { web: { env: { PY: 3.1 } }, targets: { prod: { labels: { v: 1.5 } } } };
    stringifyScalars(typed, readSource);
    expect(typed).toEqual({ web: { env: { PY: '3.10' } }, targets: { prod: { labels: { v: '1.50' } } } });
    expect(reads).toBe(1);
  });

  test('fails if YAML aliases expand the file beyond any stack file, without hanging', () => {
    const levels = 'abcdefgh'.split('');
    const lines = levels.map((l, i) => `${l}: &${l} [${i === 0 ? Array(9).fill('x').join(',') : Array(9).fill(`*${levels[i - 1]}`).join(',')}]`);
    expect(problems(`${lines.join('\n')}\nname: *h\n`)).toEqual([expect.stringMatching(/the file expands to more than 100000 values/)]);
  });

  test('fails if internetEgressPorts is a mapping, naming the field; bad list items are named one by one', () => {
    expect(problems(`${VALID}networkPolicy: {internetEgressPorts: {length: 1}}\n`)).toEqual(['networkPolicy.internetEgressPorts: must be a list, or false to turn it off (got {"length":1})']);
    expect(problems(`${VALID}networkPolicy: {internetEgressPorts: [0]}\n`)).toEqual(['networkPolicy.internetEgressPorts[0]: must be >= 1 (got 0) [a whole number from 1 to 65535]']);
  });
});

describe('did-you-mean hints', () => {
  test('suggests a key only when it is a near miss for its length', () => {
    const hint = (text: string) => parseStackFile(text).issues.map((i) => i.message);
    const base = 'name: shop\nweb: {image: a/b:1, framework: flask}\n';
    expect(hint(`${base}radio: {}\n`)).toEqual(['unknown key']); // not redis: two edits in five letters
    expect(hint(`${base}meida: {}\n`)).toEqual(["unknown key; did you mean 'media'?"]);
    expect(hint(`${base}nmae: x\n`).some((m) => m === "unknown key; did you mean 'name'?")).toBe(true);
    expect(hint(`${base}enviroment: production\n`)).toEqual(["unknown key; did you mean 'environment'?"]);
  });
});
