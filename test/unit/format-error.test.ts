import { formatError } from '../../src/graphql/errors';

describe('formatError', () => {
  it('keeps a coded client error as it is, without a stack', () => {
    const formatted = formatError({
      message: 'Invalid input at id',
      path: ['pricingPack'],
      extensions: { code: 'BAD_USER_INPUT', path: ['id'], stacktrace: ['at x (/src/a.ts:1:1)'] },
    });
    expect(formatted).toEqual({
      message: 'Invalid input at id',
      path: ['pricingPack'],
      extensions: { code: 'BAD_USER_INPUT', path: ['id'] },
    });
  });

  it('keeps an internal error that toGraphQLError made (reported, with its trace id)', () => {
    const formatted = { message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: 'abc' } };
    expect(formatError(formatted)).toEqual(formatted);
  });

  it("masks an internal error that escaped it: a driver's message never reaches the client", () => {
    const leaked = {
      message:
        '\nInvalid `this.prisma.pricingPack.findUnique()` invocation in\n/app/src/data/packs/pack-repository.ts:67:47\n\n→ 67 return this.prisma…',
      locations: [{ line: 1, column: 3 }],
      path: ['_entities', 0],
      extensions: { code: 'INTERNAL_SERVER_ERROR', exception: { stacktrace: [] } },
    };
    expect(formatError(leaked)).toEqual({
      message: 'Internal server error',
      locations: [{ line: 1, column: 3 }],
      path: ['_entities', 0],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
