import { exactQuantity, isQuantity, parseQuantity } from '../constructs/_quantity';

describe('quantities', () => {
  test('are read exactly, as fractions: 1Gi and 1073741824 are equal, 250m is a quarter', () => {
    expect(exactQuantity('1Gi')).toEqual({ num: 1073741824n, den: 1n });
    expect(exactQuantity('1073741824')).toEqual({ num: 1073741824n, den: 1n });
    expect(exactQuantity('250m')).toEqual({ num: 250n, den: 1000n });
    expect(exactQuantity('1.5e3')).toEqual({ num: 15000n, den: 10n });
    expect(parseQuantity('512Mi')).toBe(512 * 1024 * 1024);
    expect(parseQuantity('-0.5')).toBe(-0.5);
  });

  test('fails if the text is not a quantity', () => {
    for (const text of ['', '.', 'Gi', '1GB', '1.2.3', '1e1000', ' 1']) expect({ text, q: isQuantity(text) }).toEqual({ text, q: false });
    expect(() => parseQuantity('lots')).toThrow('not a Kubernetes quantity: lots');
  });

  test('a text read again gives the same value, which no caller can change; past the first thousand texts too', () => {
    const first = exactQuantity('3Mi');
    expect(exactQuantity('3Mi')).toBe(first);
    expect(Object.isFrozen(first)).toBe(true);
    for (let i = 0; i < 1500; i++) expect(parseQuantity(`${i}k`)).toBe(i * 1000);
    expect(parseQuantity('1499k')).toBe(1499000);
    expect(exactQuantity('2Ki')).toEqual({ num: 2048n, den: 1n });
  });
});
