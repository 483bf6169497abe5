import { AppError } from '../../../src/shared/errors';
import { checkRepresentations, MAX_KEY_LENGTH } from '../../../src/graphql/federation/representations';

const keys = new Map([
  ['Portfolio', ['id']],
  ['Price', ['packId', 'symbol']],
]);

function refusal(value: unknown, max = 10): AppError {
  try {
    checkRepresentations(value, keys, max);
  } catch (error) {
    if (error instanceof AppError) return error;
    throw error;
  }
  throw new Error('expected a refusal');
}

describe('checkRepresentations', () => {
  it('passes on the type name and the key fields only', () => {
    expect(
      checkRepresentations(
        [
          { __typename: 'Portfolio', id: 'pf-1', tenantId: 'other' },
          { __typename: 'Price', packId: 'PP', symbol: 'RY.TO' },
        ],
        keys,
        10,
      ),
    ).toEqual([
      { __typename: 'Portfolio', id: 'pf-1' },
      { __typename: 'Price', packId: 'PP', symbol: 'RY.TO' },
    ]);
  });

  it('accepts objects without a prototype (literals from the query text)', () => {
    const literal = Object.assign(Object.create(null) as object, { __typename: 'Portfolio', id: 'pf-1' });
    expect(checkRepresentations([literal], keys, 10)).toEqual([{ __typename: 'Portfolio', id: 'pf-1' }]);
  });

  it('refuses more than the cap without looking at them', () => {
    const error = refusal(Array.from({ length: 11 }, () => 'not even an object'));
    expect(error.code).toBe('BAD_USER_INPUT');
    expect(error.message).toBe('A request may resolve at most 10 entity representations (got 11)');
    expect(error.extensions.path).toEqual(['representations']);
  });

  it('counts what the request asked for earlier against the cap', () => {
    const two = [
      { __typename: 'Portfolio', id: 'a' },
      { __typename: 'Portfolio', id: 'b' },
    ];
    expect(checkRepresentations(two, keys, 10, 8)).toHaveLength(2);
    expect(() => checkRepresentations(two, keys, 10, 9)).toThrow('A request may resolve at most 10 entity representations (got 11)');
  });

  it('refuses a key at the length limit plus one, and accepts it at the limit', () => {
    expect(refusal([{ __typename: 'Portfolio', id: 'x'.repeat(MAX_KEY_LENGTH + 1) }]).message).toBe(
      'representations[0].id must be at most 255 characters',
    );
    expect(checkRepresentations([{ __typename: 'Portfolio', id: 'x'.repeat(MAX_KEY_LENGTH) }], keys, 10)).toHaveLength(1);
  });

  it('names each missing or mistyped field of a compound key', () => {
    const error = refusal([{ __typename: 'Price', packId: 7 }]);
    expect(error.message).toBe('representations[0].packId must be a string (and 1 more)');
    expect(error.extensions.issues).toEqual([
      { path: 'representations[0].packId', message: 'must be a string' },
      { path: 'representations[0].symbol', message: 'is required' },
    ]);
  });

  it('refuses class instances and names inherited from Object.prototype', () => {
    expect(refusal([new Date()]).message).toBe('representations[0] must be an object');
    expect(refusal([{ __typename: 'constructor', id: 'x' }]).message).toBe(
      'representations[0].__typename must name an entity type of this subgraph',
    );
    const inherited = Object.assign(Object.create({ id: 'pf-1' }) as object, { __typename: 'Portfolio' });
    expect(refusal([inherited]).message).toBe('representations[0] must be an object');
  });
});
