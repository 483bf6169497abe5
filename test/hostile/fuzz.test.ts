import fc from 'fast-check';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Random documents and variables never crash the server or leak a stack: every answer is a
 * well-formed GraphQL response with a status below 500.
 */
describe('fuzzed operations', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const token = fc.constantFrom(
    '{',
    '}',
    '(',
    ')',
    '[',
    ']',
    ':',
    '$id',
    '$first',
    '...',
    '@include(if: true)',
    '@skip(if: $x)',
    'query',
    'mutation',
    'subscription',
    'fragment F on PackHealth',
    '...F',
    'packHealth',
    'pricingPacks',
    'edges',
    'node',
    'status',
    'packId',
    'executions',
    'viewer',
    '__typename',
    '__schema',
    'types',
    'name',
    'first: 3',
    'first: -1',
    'packId: "x"',
    'a: packHealth',
    '"\\u0000"',
    '1e999',
    '#',
    '\n',
    'executePattern',
  );
  const document = fc.array(token, { maxLength: 60 }).map((tokens) => tokens.join(' '));
  const variables = fc.oneof(
    fc.constant(undefined),
    fc.jsonValue({ maxDepth: 3 }),
    fc.dictionary(fc.constantFrom('id', 'first', 'x', 'input'), fc.jsonValue({ maxDepth: 2 })),
  );

  it('answers every random document with a client error or data, never a 5xx or a stack trace', async () => {
    const bearer = await t.token('demo-analyst');
    await fc.assert(
      fc.asyncProperty(document, variables, fc.boolean(), async (query, vars, signedIn) => {
        const response = await fetch(t.server.url, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(signedIn ? { authorization: `Bearer ${bearer}` } : {}) },
          body: JSON.stringify({ query, variables: vars }),
        });
        const text = await response.text();
        expect(response.status).toBeLessThan(500);
        expect(text).not.toMatch(/\bat .+:\d+:\d+/);
        const body = JSON.parse(text) as { data?: unknown; errors?: unknown[] };
        expect(body.data !== undefined || Array.isArray(body.errors)).toBe(true);
      }),
      { numRuns: 300 },
    );
    const health = await t.request('{ packHealth { status } }');
    expect(health.data).toEqual({ packHealth: { status: 'FRESH' } });
  });
});
