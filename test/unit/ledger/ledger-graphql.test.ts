import { ROOT_CONTEXT } from '@opentelemetry/api';
import { graphql, parse, print, printSchema, visit, type GraphQLSchema } from 'graphql';
import { buildSchema, Query, Resolver } from 'type-graphql';
import type { GraphQLContext } from '../../../src/graphql/context';
import { LedgerResolver } from '../../../src/graphql/ledger/ledger-resolver';
import type { AppendLedgerEntriesInput, LedgerServices } from '../../../src/ledger';
import { AppError, badInput } from '../../../src/shared/errors';

// A schema needs a Query; the real one comes from the other resolvers in build-schema.ts.
@Resolver()
class PingResolver {
  @Query(() => String)
  ping(): string {
    return 'pong';
  }
}

let schema: GraphQLSchema;

/** The SDL without its descriptions: the checks below are of names, types and order. */
function withoutDescriptions(sdl: string): string {
  return print(
    visit(parse(sdl), { enter: (node) => ('description' in node && node.description ? { ...node, description: undefined } : undefined) }),
  );
}
beforeAll(async () => {
  schema = await buildSchema({ resolvers: [LedgerResolver, PingResolver], validate: false, emitSchemaFile: false });
});

const MUTATION = `
  mutation Append($portfolioId: ID!, $entries: [LedgerEntryInput!]!, $message: String) {
    appendLedgerEntries(portfolioId: $portfolioId, entries: $entries, message: $message) {
      hash parentHash seq message portfolioId createdAt entryCount
    }
  }`;

function contextWith(append: (input: AppendLedgerEntriesInput) => Promise<unknown>, viewer = true): GraphQLContext {
  const ledger = { append } as unknown as LedgerServices;
  return {
    viewer: viewer ? { userId: 'demo-analyst', tenantId: 'demo', roles: ['analyst'] } : undefined,
    requestId: 'req-1',
    traceId: 'trace-1',
    otelContext: ROOT_CONTEXT,
    services: { ledger } as unknown as GraphQLContext['services'],
  };
}

describe('the ledger GraphQL API', () => {
  it('declares the DESIGN §4 signature, arguments in their declared order, with a nullable payload', () => {
    const sdl = withoutDescriptions(printSchema(schema));
    // Nullable like every Mutation field: one failed mutation in a document nulls only itself.
    expect(sdl).toContain('appendLedgerEntries(portfolioId: ID!, entries: [LedgerEntryInput!]!, message: String): LedgerCommit\n');
    expect(sdl).toMatch(/enum LedgerEntryKind \{\s+BUY\s+SELL\s+DEPOSIT\s+WITHDRAWAL\s+DIVIDEND\s+FEE\s+\}/);
    expect(sdl).toMatch(
      /input LedgerEntryInput \{[^}]*kind: LedgerEntryKind![^}]*tradeDate: Date![^}]*symbol: String[^}]*quantity: Float[^}]*price: Float[^}]*currency: String![^}]*amount: Float\n/,
    );
    expect(sdl).toMatch(
      /type LedgerCommit \{[^}]*hash: String![^}]*parentHash: String\n[^}]*seq: Int![^}]*message: String\n[^}]*portfolioId: ID![^}]*createdAt: DateTime![^}]*entryCount: Int!/,
    );
  });

  it('maps the arguments to the use-case with the viewer as tenant and author', async () => {
    const calls: AppendLedgerEntriesInput[] = [];
    const createdAt = new Date('2026-11-23T15:00:00.000Z');
    const context = contextWith(async (input) => {
      calls.push(input);
      return {
        hash: 'sha256:new',
        parentHash: 'sha256:old',
        seq: 20,
        message: input.message,
        portfolioId: input.portfolioId,
        createdAt,
        entryCount: 2,
        authorId: 'demo-analyst',
      };
    });
    const result = await graphql({
      schema,
      source: MUTATION,
      contextValue: context,
      variableValues: {
        portfolioId: 'pf-demo-growth',
        message: 'Nov',
        traceId: 'trace-1',
        requestId: 'req-1',
        entries: [
          { kind: 'DEPOSIT', tradeDate: '2026-11-23', currency: 'CAD', amount: 100 },
          { kind: 'BUY', tradeDate: '2026-11-23', symbol: 'RY.TO', quantity: 1, price: 99.5, currency: 'CAD' },
        ],
      },
    });
    expect(result.errors).toBeUndefined();
    // As it goes over the wire (DateTime serialises to a Date, which JSON renders in ISO form).
    expect(JSON.parse(JSON.stringify(result.data)).appendLedgerEntries).toEqual({
      hash: 'sha256:new',
      parentHash: 'sha256:old',
      seq: 20,
      message: 'Nov',
      portfolioId: 'pf-demo-growth',
      createdAt: '2026-11-23T15:00:00.000Z',
      entryCount: 2,
    });
    expect(calls).toEqual([
      {
        tenantId: 'demo',
        authorId: 'demo-analyst',
        portfolioId: 'pf-demo-growth',
        message: 'Nov',
        traceId: 'trace-1',
        requestId: 'req-1',
        entries: [
          { kind: 'DEPOSIT', tradeDate: '2026-11-23', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 100 },
          { kind: 'BUY', tradeDate: '2026-11-23', symbol: 'RY.TO', quantity: 1, price: 99.5, currency: 'CAD', amount: null },
        ],
      },
    ]);
  });

  it('passes use-case errors through with their code and paths', async () => {
    const context = contextWith(async () => {
      throw badInput('Invalid ledger entries', [{ path: 'entries.0.symbol', message: 'unknown symbol X' }]);
    });
    const result = await graphql({
      schema,
      source: MUTATION,
      contextValue: context,
      variableValues: {
        portfolioId: 'p',
        entries: [{ kind: 'BUY', tradeDate: '2026-11-23', symbol: 'X', quantity: 1, price: 1, currency: 'CAD' }],
      },
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['entries.0.symbol'] });

    const notFound = await graphql({
      schema,
      source: MUTATION,
      contextValue: contextWith(async () => {
        throw new AppError('NOT_FOUND', 'No portfolio p');
      }),
      variableValues: { portfolioId: 'p', entries: [] },
    });
    expect(notFound.errors?.[0]).toMatchObject({ message: 'No portfolio p', extensions: { code: 'NOT_FOUND' } });
  });

  it('refuses an anonymous caller', async () => {
    const result = await graphql({
      schema,
      source: MUTATION,
      contextValue: contextWith(async () => ({}), false),
      variableValues: { portfolioId: 'p', entries: [] },
    });
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'UNAUTHENTICATED' });
  });
});
