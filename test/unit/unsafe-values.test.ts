import { MAX_NESTING, unsafeValueIssues } from '../../src/shared/unsafe-values';

const nestedLists = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};

describe('unsafeValueIssues', () => {
  it('accepts ordinary values of every JSON kind, astral characters (surrogate pairs) and dates', () => {
    const value = {
      symbol: 'RY.TO',
      close: 171.2,
      n: -0,
      tiny: 5e-324,
      ok: true,
      none: null,
      list: ['😀', 'e\u0301', '\u202e'],
      when: new Date(0),
    };
    expect(unsafeValueIssues(value, 'input')).toEqual([]);
  });

  it.each([
    ['a NUL', 'a\u0000b'],
    ['a lone high surrogate', 'a\ud800b'],
    ['a lone low surrogate', '\udc00'],
    ['a reversed pair', '\ude00\ud83d'],
  ])('refuses a string with %s, naming its path', (_what, text) => {
    expect(unsafeValueIssues({ prices: [{ symbol: 'ok' }, { symbol: text }] }, 'input')).toEqual([
      { path: 'input.prices.1.symbol', message: 'must not contain NUL characters or unpaired UTF-16 surrogates' },
    ]);
  });

  it('refuses a key with a NUL at the object that holds it', () => {
    expect(unsafeValueIssues({ inputs: { 'k\u0000': 1 } }, 'input')).toEqual([
      { path: 'input.inputs', message: 'keys must not contain NUL characters or unpaired UTF-16 surrogates' },
    ]);
  });

  it.each([Infinity, -Infinity, NaN])('refuses the number %p', (n) => {
    expect(unsafeValueIssues({ cost: n }, 'definition')).toEqual([{ path: 'definition.cost', message: 'must be a finite number' }]);
  });

  it(`accepts ${MAX_NESTING} levels of nesting and refuses one more, without walking further`, () => {
    expect(unsafeValueIssues(nestedLists(MAX_NESTING), 'v')).toEqual([]);
    const issues = unsafeValueIssues(nestedLists(MAX_NESTING + 1), 'v');
    expect(issues).toEqual([
      { path: ['v', ...Array(MAX_NESTING).fill(0)].join('.'), message: `must not be nested more than ${MAX_NESTING} levels deep` },
    ]);
  });

  it('walks a value far deeper than the stack would allow without overflowing', () => {
    expect(unsafeValueIssues(nestedLists(200_000), 'v')).toHaveLength(1);
  });

  it('stops after 20 issues however many there are', () => {
    expect(unsafeValueIssues(Array(10_000).fill('\u0000'), 'v')).toHaveLength(20);
  });

  it('adds to the issues it is given', () => {
    const issues = unsafeValueIssues('\u0000', 'a');
    unsafeValueIssues(Infinity, 'b', issues);
    expect(issues.map((i) => i.path)).toEqual(['a', 'b']);
  });
});
