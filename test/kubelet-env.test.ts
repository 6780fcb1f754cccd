import { envPairs, envSourcesFrom, expand, resolveContainer } from '../e2e/kubelet-env';

// The resolver the end-to-end test (e2e/) uses to start the synthesized containers as local
// processes: it must give exactly what the kubelet gives, or the e2e would prove nothing.

const lookupIn = (vars: Record<string, string>) => (name: string) => vars[name];

describe('expand: $(VAR) references with the kubelet rules', () => {
  test.each([
    ['no reference', 'plain text', 'plain text'],
    ['one reference', 'port $(PORT)', 'port 5000'],
    ['adjacent references', '$(A)$(B)', 'ab'],
    ['a reference to an empty value', 'x$(EMPTY)y', 'xy'],
    ['an unknown reference, kept as written', '$(NOPE)/x', '$(NOPE)/x'],
    ['$$ as an escaped $', '$$(PORT)', '$(PORT)'],
    ['$$$ then a reference', '$$$(PORT)', '$5000'],
    ['a lone $ before text', 'cost: $5', 'cost: $5'],
    ['a trailing $', 'total$', 'total$'],
    ['an unclosed reference', 'x$(PORT', 'x$(PORT'],
    ['an empty reference', '$()', '$()'],
    ['a shell-style reference, left alone', '${PORT} $PORT', '${PORT} $PORT'],
    ['a value that itself looks like a reference, not expanded again', '$(LOOP)', '$(PORT)'],
  ])('%s', (_, input, expected) => {
    expect(expand(input, lookupIn({ PORT: '5000', A: 'a', B: 'b', EMPTY: '', LOOP: '$(PORT)' }))).toBe(expected);
  });
});

describe('envSourcesFrom', () => {
  test('reads ConfigMaps and Secrets; base64 data decoded, stringData merged over it', () => {
    const sources = envSourcesFrom([
      { kind: 'Namespace', metadata: { name: 'ns' } },
      { kind: 'ConfigMap', metadata: { name: 'cm' }, data: { A: '1' } },
      { kind: 'Secret', metadata: { name: 's' }, data: { X: Buffer.from('from-data').toString('base64'), Y: Buffer.from('old').toString('base64') }, stringData: { Y: 'new' } },
      null,
    ]);
    expect(sources.configMaps.get('cm')).toEqual({ A: '1' });
    expect(sources.secrets.get('s')).toEqual({ X: 'from-data', Y: 'new' });
  });
});

describe('resolveContainer', () => {
  const sources = envSourcesFrom([
    { kind: 'ConfigMap', metadata: { name: 'web-env' }, data: { PGHOST: 'db', PGPORT: '5432', PGUSER: 'shop', PGDATABASE: 'shop', PORT: '5000', WORKERS: '3' } },
    { kind: 'Secret', metadata: { name: 'secrets' }, stringData: { POSTGRES_PASSWORD: 's3cret', SECRET_KEY: 'k' } },
  ]);
  const cm = (key: string, optional?: boolean) => ({ valueFrom: { configMapKeyRef: { name: 'web-env', key, optional } } });
  const secret = (key: string, name = 'secrets', optional?: boolean) => ({ valueFrom: { secretKeyRef: { name, key, optional } } });

  test('configMapKeyRef and secretKeyRef values, then $(VAR) expansion of DATABASE_URL', () => {
    const r = resolveContainer({
      name: 'app',
      env: [
        { name: 'PGHOST', ...cm('PGHOST') }, { name: 'PGPORT', ...cm('PGPORT') }, { name: 'PGUSER', ...cm('PGUSER') },
        { name: 'PGDATABASE', ...cm('PGDATABASE') }, { name: 'PGPASSWORD', ...secret('POSTGRES_PASSWORD') },
        { name: 'DATABASE_URL', value: 'postgresql://$(PGUSER):$(PGPASSWORD)@$(PGHOST):$(PGPORT)/$(PGDATABASE)' },
      ],
    }, sources);
    expect(r.env.get('PGPASSWORD')).toBe('s3cret');
    expect(r.env.get('DATABASE_URL')).toBe('postgresql://shop:s3cret@db:5432/shop');
    expect([...r.env.keys()]).toEqual(['PGHOST', 'PGPORT', 'PGUSER', 'PGDATABASE', 'PGPASSWORD', 'DATABASE_URL']);
  });

  test('a value sees only the variables defined before it', () => {
    const r = resolveContainer({
      name: 'app',
      env: [
        { name: 'URL', value: 'http://$(HOST):$(PORT)' },
        { name: 'HOST', value: 'localhost' },
        { name: 'PORT', ...cm('PORT') },
        { name: 'URL2', value: 'http://$(HOST):$(PORT)' },
      ],
    }, sources);
    expect(r.env.get('URL')).toBe('http://$(HOST):$(PORT)');
    expect(r.env.get('URL2')).toBe('http://localhost:5000');
  });

  test('valueFrom values are never expanded', () => {
    const s = envSourcesFrom([{ kind: 'ConfigMap', metadata: { name: 'c' }, data: { RAW: '$(HOST)' } }]);
    const r = resolveContainer({ name: 'x', env: [{ name: 'HOST', value: 'h' }, { name: 'RAW', valueFrom: { configMapKeyRef: { name: 'c', key: 'RAW' } } }] }, s);
    expect(r.env.get('RAW')).toBe('$(HOST)');
  });

  test('a later definition replaces an earlier one, and later values see the new one', () => {
    const r = resolveContainer({ name: 'x', env: [{ name: 'A', value: '1' }, { name: 'A', value: '2' }, { name: 'B', value: '$(A)' }] }, sources);
    expect(r.env.get('A')).toBe('2');
    expect(r.env.get('B')).toBe('2');
  });

  test('envFrom comes first (with its prefix), env after it and over it', () => {
    const r = resolveContainer({
      name: 'x',
      envFrom: [{ configMapRef: { name: 'web-env' } }, { prefix: 'S_', secretRef: { name: 'secrets' } }],
      env: [{ name: 'PORT', value: '8080' }, { name: 'URL', value: '$(PGHOST):$(PORT)' }],
    }, sources);
    expect(r.env.get('S_SECRET_KEY')).toBe('k');
    expect(r.env.get('PORT')).toBe('8080');
    expect(r.env.get('URL')).toBe('db:8080');
  });

  test('command and args are expanded with the final environment; unknown references kept', () => {
    const r = resolveContainer({
      name: 'app',
      command: ['gunicorn', '--bind', '0.0.0.0:$(PORT)', '--workers', '$(WORKERS)', '$(UNDEFINED)'],
      args: ['$$(PORT)', '$(LATE)'],
      env: [{ name: 'PORT', ...cm('PORT') }, { name: 'WORKERS', ...cm('WORKERS') }, { name: 'LATE', value: 'late' }],
    }, sources);
    expect(r.command).toEqual(['gunicorn', '--bind', '0.0.0.0:5000', '--workers', '3', '$(UNDEFINED)']);
    expect(r.args).toEqual(['$(PORT)', 'late']);
  });

  test('a missing ConfigMap, Secret or key fails, as the kubelet refuses to start the container', () => {
    expect(() => resolveContainer({ name: 'app', env: [{ name: 'A', ...cm('NOPE') }] }, sources)).toThrow(/container 'app': env A: key 'NOPE' not in ConfigMap 'web-env'/);
    expect(() => resolveContainer({ name: 'app', env: [{ name: 'A', ...secret('K', 'missing') }] }, sources)).toThrow(/no Secret 'missing'/);
    expect(() => resolveContainer({ name: 'app', envFrom: [{ secretRef: { name: 'missing' } }] }, sources)).toThrow(/Secret 'missing' not found/);
  });

  test('a missing optional reference leaves the variable out', () => {
    const r = resolveContainer({
      name: 'app',
      envFrom: [{ configMapRef: { name: 'missing', optional: true } }],
      env: [{ name: 'A', ...cm('NOPE', true) }, { name: 'B', ...secret('K', 'missing', true) }, { name: 'C', value: '$(A)' }],
    }, sources);
    expect([...r.env]).toEqual([['C', '$(A)']]);
  });

  test('fieldRef and resourceFieldRef are refused, not silently dropped', () => {
    expect(() => resolveContainer({ name: 'app', env: [{ name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } }] }, sources))
      .toThrow(/only configMapKeyRef and secretKeyRef/);
  });

  test('envPairs', () => {
    expect(envPairs(new Map([['A', '1'], ['B', 'x=y']]))).toEqual(['A=1', 'B=x=y']);
  });
});
