import { InterpolationError, interpolate } from '../lib/import/interpolate';
import { shellWords } from '../lib/import/shell-words';

// The Compose specification's interpolation, case by case, with FOO set, EMPTY set to "" and
// UNSET not set.
const VARS: Record<string, string> = { FOO: 'foo', EMPTY: '', NESTED: 'FOO' };
const lookup = (name: string) => VARS[name];

describe('interpolate', () => {
  test.each([
    ['plain text', 'plain text'],
    ['$FOO', 'foo'],
    ['${FOO}', 'foo'],
    ['a${FOO}b$FOO.c', 'afoobfoo.c'],
    ['${UNSET:-default}', 'default'],
    ['${EMPTY:-default}', 'default'],
    ['${EMPTY-default}', ''],
    ['${UNSET-default}', 'default'],
    ['${FOO:-default}', 'foo'],
    ['${FOO:+other}', 'other'],
    ['${EMPTY:+other}', ''],
    ['${EMPTY+other}', 'other'],
    ['${UNSET+other}', ''],
    ['${UNSET:-${FOO}}', 'foo'],
    ['${UNSET:-${ALSO_UNSET:-deep}}', 'deep'],
    ['${UNSET:-a:b}c', 'a:bc'],
    ['$$FOO', '$FOO'],
    ['$${FOO}', '${FOO}'],
    ['echo $$(date) $$1', 'echo $(date) $1'],
    ['${FOO?not used}', 'foo'],
    ['${EMPTY?set but empty is fine}', ''],
    ['http://${FOO}:${UNSET:-8000}/', 'http://foo:8000/'],
  ])('%s -> %s', (text, expected) => {
    expect(interpolate(text, lookup).value).toBe(expected);
  });

  test('an unset variable without a default is empty, and reported', () => {
    expect(interpolate('a${UNSET}b$UNSET', lookup)).toEqual({ value: 'ab', unset: ['UNSET'] });
    expect(interpolate('${UNSET:-x}', lookup).unset).toEqual([]);
  });

  test('an error message is interpolated too, and only when it is used', () => {
    expect(() => interpolate('${UNSET:?set ${FOO} first}', lookup)).toThrow(new InterpolationError('requires UNSET, which is not set: set foo first', ''));
    expect(interpolate('${FOO:?${UNSET:?never evaluated}}', lookup).value).toBe('foo');
  });

  test.each([
    ['${UNSET:?Variable not set}', /^requires UNSET, which is not set: Variable not set$/],
    ['${UNSET?}', /^requires UNSET, which is not set$/],
    ['${EMPTY:?must not be empty}', /^requires EMPTY, which is empty: must not be empty$/],
    ['${FOO', /^has an unclosed \$\{/],
    ['${1ABC}', /^has an invalid interpolation \$\{1ABC\}$/],
    ['${FOO:=x}', /^has an invalid interpolation/],
    ['$(date)', /^has a \$ that starts no variable/],
    ['price: 5$', /^has a \$ that starts no variable/],
  ])('fails if %s', (text, message) => {
    expect(() => interpolate(text, lookup)).toThrow(message);
  });
});

describe('shellWords', () => {
  test.each([
    ['gunicorn app:app --bind 0.0.0.0:8000', ['gunicorn', 'app:app', '--bind', '0.0.0.0:8000']],
    ['  spaced   out  ', ['spaced', 'out']],
    [`sh -c 'echo "$HOME" && exit 1'`, ['sh', '-c', 'echo "$HOME" && exit 1']],
    ['echo "a \\"quoted\\" \\$x" \'single\'', ['echo', 'a "quoted" $x', 'single']],
    ['a\\ b c', ['a b', 'c']],
    ['empty "" \'\'', ['empty', '', '']],
    ['joined"quo"\'ted\'', ['joinedquoted']],
  ])('%s', (text, words) => {
    expect(shellWords(text)).toEqual(words);
  });

  test('an unclosed quote is undefined, never a guess', () => {
    expect(shellWords('echo "open')).toBeUndefined();
    expect(shellWords("echo 'open")).toBeUndefined();
  });
});
