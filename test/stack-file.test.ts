import { parseStackFile } from '../lib/stack-file';

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

  test('fails if a value has the wrong type', () => {
    expect(problems(`${VALID}  port: eighty\n`)).toEqual(['web.port: must be a whole number (got "eighty")']);
    expect(problems(`${VALID}  command: gunicorn app:app\n`)).toEqual(['web.command: must be a list (got "gunicorn app:app")']);
  });

  test('fails if the name is not a DNS label or too long', () => {
    expect(problems(VALID.replace('name: shop', 'name: Shop_1'))[0]).toMatch(/^name: has the wrong format \(got "Shop_1"\)/);
    expect(problems(VALID.replace('name: shop', `name: ${'a'.repeat(41)}`))[0]).toMatch(/^name: must have at most 40 characters/);
  });

  test('fails if the image is tagged latest or untagged', () => {
    expect(problems(VALID.replace('shop:1.4.2', 'shop:latest'))[0]).toMatch(/^web\.image: has the wrong format \(got "ghcr.io\/acme\/shop:latest"\)/);
    expect(problems(VALID.replace('shop:1.4.2', 'shop'))[0]).toMatch(/^web\.image: has the wrong format/);
  });

  test('fails if a port is privileged or out of range', () => {
    expect(problems(`${VALID}  port: 80\n`)).toEqual(['web.port: must be >= 1024 (got 80)']);
    expect(problems(`${VALID}  port: 70000\n`)).toEqual(['web.port: must be <= 65535 (got 70000)']);
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
      'web.env.MY-VAR: is not a valid name [letters, digits and _, not starting with a digit]',
      'web.env[":"]: is not a valid name [letters, digits and _, not starting with a digit]',
    ]);
  });
});
