import { auditServer } from 'graphql-http';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { loadConfig } from '../../src/config';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server';

/**
 * What a caller can learn about the schema without introspection: nothing through suggestions,
 * over HTTP or WebSocket, whichever way a name is misspelled.
 */
const MISSPELLINGS: { what: string; query: string; variables?: Record<string, unknown> }[] = [
  { what: 'a field', query: '{ packHealth { statsu } }' },
  { what: 'a root field', query: '{ packHelth { status } }' },
  { what: 'an argument', query: '{ packHealth(packid: "x") { status } }' },
  { what: 'an enum literal', query: '{ executions(filter: { status: [SUCCES] }) { edges { cursor } } }' },
  { what: 'an input field literal', query: '{ executions(filter: { statsu: [SUCCESS] }) { edges { cursor } } }' },
  { what: 'a type in a fragment', query: '{ packHealth { ... on PackHelth { status } } }' },
  { what: 'a variable type', query: 'query($f: ExecutionFiltr) { executions(filter: $f) { edges { cursor } } }' },
  {
    what: 'an enum value in variables',
    query: 'query($f: ExecutionFilter) { executions(filter: $f) { edges { cursor } } }',
    variables: { f: { status: ['SUCCES'] } },
  },
  {
    what: 'an input field in variables',
    query: 'query($f: ExecutionFilter) { executions(filter: $f) { edges { cursor } } }',
    variables: { f: { statsu: ['SUCCESS'] } },
  },
  {
    what: 'a nested input field in variables',
    query: 'mutation($in: CreatePricingPackInput!) { createPricingPack(input: $in) { id } }',
    variables: {
      in: { dat: '2026-01-02', policy: 'WM4PM_CAD', prices: [{ symbl: 'X', close: 1, currency: 'CAD', source: 'FMP' }], fxRates: [] },
    },
  },
];

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

describe('no "Did you mean" with suggestions off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database, config: { fieldSuggestions: false } });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(MISSPELLINGS)('over HTTP: $what', async ({ query, variables }) => {
    const response = await t.request(query, variables, { as: 'demo-admin' });
    expect(response.errors?.length).toBeGreaterThan(0);
    for (const error of response.errors!) expect(error.message).not.toMatch(/did you mean/i);
  });

  it.each(MISSPELLINGS.filter((m) => !m.query.startsWith('mutation')))('over WebSocket: $what', async ({ query, variables }) => {
    const client = t.wsClient({ as: 'demo-admin' });
    const messages = await new Promise<string[]>((resolve) => {
      const seen: string[] = [];
      client.subscribe(
        { query, variables },
        {
          next: (result) => seen.push(...(result.errors ?? []).map((e) => e.message)),
          error: (errors) =>
            resolve([...seen, ...(Array.isArray(errors) ? errors.map((e: { message: string }) => e.message) : [String(errors)])]),
          complete: () => resolve(seen),
        },
      );
    });
    expect(messages.length).toBeGreaterThan(0);
    for (const message of messages) expect(message).not.toMatch(/did you mean/i);
  });

  it('still says what was wrong, naming what the caller wrote', async () => {
    const response = await t.request('{ packHealth { statsu } }');
    expect(response.errors![0].message).toMatch(/Cannot query field "statsu"/);
  });
});

describe('suggestions stay on in development', () => {
  it('keeps "Did you mean" when FIELD_SUGGESTIONS is on', async () => {
    const t = await startTestServer({ database, config: { fieldSuggestions: true } });
    try {
      const response = await t.request('{ packHealth { statsu } }');
      expect(response.errors![0].message).toMatch(/Did you mean "status"/);
    } finally {
      await t.close();
    }
  });
});

describe('production defaults', () => {
  let t: TestServer;
  beforeAll(async () => {
    // What the configuration gives for NODE_ENV=production with nothing else set.
    const { environment, introspection, fieldSuggestions } = loadConfig({ NODE_ENV: 'production', JWT_SECRET: TEST_JWT_SECRET });
    expect({ environment, introspection, fieldSuggestions }).toEqual({
      environment: 'production',
      introspection: false,
      fieldSuggestions: false,
    });
    t = await startTestServer({ database, config: { environment, introspection, fieldSuggestions } });
  });
  afterAll(async () => {
    await t.close();
  });

  it('refuses introspection, but serves _service { sdl } for the router', async () => {
    const introspection = await t.request('{ __schema { types { name } } }');
    expect(introspection.status).toBe(400);
    expect(introspection.errors![0].extensions!.code).toBe('GRAPHQL_VALIDATION_FAILED');
    const typeQuery = await t.request('{ __type(name: "Query") { name } }');
    expect(typeQuery.status).toBe(400);
    const sdl = await t.request<{ _service: { sdl: string } }, never>('{ _service { sdl } }');
    expect(sdl.data!._service.sdl).toContain('type PricingPack');
  });

  it('still answers __typename (clients and routers rely on it)', async () => {
    const response = await t.request<{ __typename: string }, never>('{ __typename }');
    expect(response.data).toEqual({ __typename: 'Query' });
  });
});

describe('GraphQL over HTTP (graphql-http audit suite)', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer({ database });
  });
  afterAll(async () => {
    await t.close();
  });

  it('passes every MUST and SHOULD audit', async () => {
    const results = await auditServer({ url: t.server.url });
    const failed = results.filter((r) => r.status !== 'ok' && /\b(MUST|SHOULD)\b/.test(r.name)).map((r) => `${r.id} ${r.name}`);
    expect(failed).toEqual([]);
    expect(results.filter((r) => /\bMUST\b/.test(r.name)).length).toBeGreaterThanOrEqual(13);
  });

  const post = (accept: string, body: string) =>
    fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json', accept }, body });

  it.each([
    ['a parse failure', JSON.stringify({ query: '{ packHealth {' })],
    ['a validation failure', JSON.stringify({ query: '{ packHealth { nope } }' })],
    [
      'a variable coercion failure',
      JSON.stringify({ query: 'query($id: ID!) { packHealth(packId: $id) { status } }', variables: { id: { not: 'x' } } }),
    ],
  ])('%s: 200 with errors for application/json only, 400 for application/graphql-response+json and */*', async (_what, body) => {
    const legacy = await post('application/json', body);
    expect(legacy.status).toBe(200);
    expect(legacy.headers.get('content-type')).toMatch(/^application\/json/);
    expect(((await legacy.json()) as { errors: unknown[] }).errors.length).toBeGreaterThan(0);
    const modern = await post('application/graphql-response+json', body);
    expect(modern.status).toBe(400);
    expect(modern.headers.get('content-type')).toMatch(/^application\/graphql-response\+json/);
    expect((await post('*/*', body)).status).toBe(400);
  });

  it('keeps 401 for a bad credential and 200 for field errors, whatever the client accepts', async () => {
    const unauthenticated = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json', authorization: 'Bearer nope' },
      body: JSON.stringify({ query: '{ packHealth { status } }' }),
    });
    expect(unauthenticated.status).toBe(401);
  });
});
