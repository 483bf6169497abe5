import { setErrorReporter } from '../../src/graphql/errors';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Hostile HTTP input: each case asserts the exact status and error code, and that nothing ran.
 * Limits are the defaults unless a case says otherwise (README, "Operation limits").
 */
describe('hostile HTTP operations', () => {
  let t: TestServer;
  let url: string;

  // Whatever a hostile client sends, nothing is an unexpected error (the last test checks).
  const reported: unknown[] = [];

  beforeAll(async () => {
    t = await startTestServer({ config: { fieldSuggestions: false } });
    url = t.server.url;
    setErrorReporter((error) => reported.push(error));
  });
  afterAll(async () => {
    await t.close();
  });

  async function post(body: string, headers: Record<string, string> = { 'content-type': 'application/json' }) {
    const response = await fetch(url, { method: 'POST', headers, body });
    const text = await response.text();
    expect(text).not.toMatch(/\n\s+at .+\(.+:\d+:\d+\)/); // never a stack trace
    let json: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] } | undefined;
    try {
      json = JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: response.status, json, text };
  }
  const query = (q: string, extra: Record<string, unknown> = {}) => post(JSON.stringify({ query: q, ...extra }));
  const codeOf = (r: Awaited<ReturnType<typeof post>>) => r.json?.errors?.[0]?.extensions?.code;

  it('refuses nesting deeper than MAX_DEPTH (10) before any resolver runs', async () => {
    const deep = `{ pricingPacks { edges { node { supersededBy { supersededBy { supersededBy { supersededBy { supersededBy { supersededBy { supersededBy { id } } } } } } } } } } }`;
    const r = await query(deep);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.json!.errors![0].message).toMatch(/depth limit/i);
    expect(r.json!.data).toBeUndefined();
  });

  it('refuses circular fragments', async () => {
    const r = await query(
      'query { packHealth { ...A } } fragment A on PackHealth { status ...B } fragment B on PackHealth { packId ...A }',
    );
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.json!.errors!.map((e) => e.message).join(' ')).toMatch(/Cannot spread fragment "A" within itself/);
  });

  it('refuses an alias flood', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: packHealth { status }`).join(' ');
    const r = await query(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.json!.errors![0].message).toMatch(/aliases limit/i);
  });

  it('counts aliases of __typename like any other alias', async () => {
    const aliases = Array.from({ length: 16 }, (_, i) => `t${i}: __typename`).join(' ');
    const r = await query(`{ ${aliases} }`);
    expect(r.status).toBe(400);
    expect(r.json!.errors![0].message).toMatch(/aliases limit/i);
  });

  it('accepts up to the alias limit', async () => {
    const aliases = Array.from({ length: 15 }, (_, i) => `t${i}: __typename`).join(' ');
    const r = await query(`{ ${aliases} }`);
    expect(r.status).toBe(200);
    expect(Object.keys(r.json!.data as object)).toHaveLength(15);
  });

  it('merges duplicate fields within the token limit', async () => {
    const r = await query(`{ packHealth { ${'status '.repeat(200)} } }`);
    expect(r.status).toBe(200);
    expect(r.json!.data).toEqual({ packHealth: { status: 'FRESH' } });
  });

  it('refuses a document over MAX_TOKENS (2000) while parsing', async () => {
    const r = await query(`{ packHealth { ${'status '.repeat(2500)} } }`);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_PARSE_FAILED');
    expect(r.json!.errors![0].message).toMatch(/contains more th\w+ 2000 tokens/);
  });

  it('refuses a directive flood', async () => {
    const r = await query(`{ packHealth { status ${'@include(if: true) '.repeat(21)} } }`);
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_VALIDATION_FAILED');
    expect(r.json!.errors!.map((e) => e.message).join(' ')).toMatch(/directives limit/i);
  });

  it('refuses malformed JSON', async () => {
    const r = await post('{"query": "{ packHealth { status } }"');
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
  });

  it('refuses a body that is not an object', async () => {
    const r = await post('"just a string"');
    expect(r.status).toBe(400);
  });

  it('refuses a missing query', async () => {
    const r = await post('{"variables": {}}');
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
  });

  it('refuses a query that is not a string', async () => {
    const r = await post('{"query": 42}');
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
  });

  it('refuses variables that are not an object', async () => {
    const r = await query('query($id: ID) { packHealth(packId: $id) { status } }', { variables: 'x' });
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_REQUEST');
  });

  it('refuses a variable of the wrong type', async () => {
    const r = await query('query($first: Int) { pricingPacks(first: $first) { edges { cursor } } }', { variables: { first: 'many' } });
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('BAD_USER_INPUT');
  });

  it('caps list sizes: first above 100 is a BAD_USER_INPUT', async () => {
    const r = await t.request('{ pricingPacks(first: 101) { edges { cursor } } }', undefined, { as: 'demo-analyst' });
    expect(r.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(r.errors![0].message).toBe('first must be an integer from 0 to 100');
    expect(r.data ?? null).toBeNull();
  });

  it('refuses a huge first before executing: it multiplies the query cost', async () => {
    const r = await query('{ pricingPacks(first: 100000) { edges { cursor } } }');
    expect(r.status).toBe(400);
    expect(r.json!.errors![0].message).toMatch(/Cost limit of 5000 exceeded/);
  });

  it('refuses a huge string variable as a body over MAX_BODY_BYTES (413)', async () => {
    const r = await query('query($id: ID) { packHealth(packId: $id) { status } }', { variables: { id: 'x'.repeat(2_000_000) } });
    expect(r.status).toBe(413);
    expect(codeOf(r)).toBe('PAYLOAD_TOO_LARGE');
  });

  it('refuses a huge list variable the same way', async () => {
    const entries = Array.from({ length: 60_000 }, () => ({ symbol: 'AAPL', quantity: 1 }));
    const r = await query(
      'mutation($e: [LedgerEntryInput!]!) { appendLedgerEntries(portfolioId: "pf-demo-growth", entries: $e) { hash } }',
      { variables: { e: entries } },
    );
    expect(r.status).toBe(413);
  });

  it('turns batched requests away (batching is off)', async () => {
    const r = await post(JSON.stringify([{ query: '{ packHealth { status } }' }, { query: '{ packHealth { status } }' }]));
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/batch/i);
  });

  it('turns a batch flood away without executing it', async () => {
    const r = await post(JSON.stringify(Array.from({ length: 1000 }, () => ({ query: '{ packHealth { status } }' }))));
    expect(r.status).toBe(400);
  });

  it('refuses an unsupported content type (415)', async () => {
    const r = await post('<query/>', { 'content-type': 'application/xml' });
    expect(r.status).toBe(415);
    expect(codeOf(r)).toBe('UNSUPPORTED_MEDIA_TYPE');
  });

  it('blocks a simple (CSRF-able) text/plain POST', async () => {
    const r = await post(JSON.stringify({ query: '{ packHealth { status } }' }), { 'content-type': 'text/plain' });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/CSRF/);
  });

  it('refuses a mutation over GET', async () => {
    const response = await fetch(
      `${url}?query=${encodeURIComponent('mutation { grantCredits(tenantId: "demo", amount: 1, reason: "x") { id } }')}`,
      { headers: { 'apollo-require-preflight': 'true' } },
    );
    expect(response.status).toBe(405);
  });

  it('refuses a garbage bearer token (401), never anonymously', async () => {
    const r = await post(JSON.stringify({ query: '{ packHealth { status } }' }), {
      'content-type': 'application/json',
      authorization: 'Bearer not.a.jwt',
    });
    expect(r.status).toBe(401);
    expect(codeOf(r)).toBe('UNAUTHENTICATED');
  });

  it('refuses a non-bearer Authorization header', async () => {
    const r = await post(JSON.stringify({ query: '{ packHealth { status } }' }), {
      'content-type': 'application/json',
      authorization: 'Basic ZGVtbzpkZW1v',
    });
    expect(r.status).toBe(401);
  });

  it('refuses an expired token', async () => {
    const expired = await t.token('demo-analyst', { expiresIn: '-1m' });
    const r = await post(JSON.stringify({ query: '{ viewer { userId } }' }), {
      'content-type': 'application/json',
      authorization: `Bearer ${expired}`,
    });
    expect(r.status).toBe(401);
    expect(r.json!.errors![0].message).toMatch(/expired/);
  });

  it('suggests no field names when suggestions are off', async () => {
    const r = await query('{ packHealt { status } }');
    expect(r.status).toBe(400);
    expect(r.json!.errors![0].message).toBe('Cannot query field "packHealt" on type "Query".');
  });

  it('refuses several operations without an operationName', async () => {
    const r = await query('query A { packHealth { status } } query B { packHealth { packId } }');
    expect(r.status).toBe(400);
  });

  it('refuses an operationName the document does not contain', async () => {
    const r = await query('query A { packHealth { status } }', { operationName: 'Z' });
    expect(r.status).toBe(400);
  });

  it('refuses control characters and garbage in the document', async () => {
    const r = await query('{ packHealth \u0000 { status } } \u0007');
    expect(r.status).toBe(400);
    expect(codeOf(r)).toBe('GRAPHQL_PARSE_FAILED');
  });

  describe('values at the edge', () => {
    const ERROR_PATHS = (r: Awaited<ReturnType<typeof post>>) => r.json?.errors?.map((e) => (e.extensions as { path?: string[] }).path);

    it('refuses a NUL in a literal, naming the argument, before the resolver reads it', async () => {
      const r = await query('{ packHealth(packId: "PP_\\u0000") { status } }');
      expect(r.status).toBe(200);
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(ERROR_PATHS(r)).toEqual([['packId']]);
      expect(r.json!.data).toBeNull();
    });

    it('refuses NUL and lone surrogates in variables at their argument path, and writes nothing', async () => {
      const builder = await t.token('pack-builder');
      const input = {
        date: '2026-11-23',
        policy: 'WM4PM_CAD',
        prices: [
          { symbol: 'RY.TO', close: 171.2, currency: 'CAD', source: 'FMP' },
          { symbol: 'AAPL\u0000', close: 231.5, currency: 'USD', source: 'Poly\ud800gon' },
        ],
        fxRates: [{ currency: 'USD', rate: 1.39, source: 'FRED' }],
      };
      const r = await post(
        JSON.stringify({
          query: 'mutation($in: CreatePricingPackInput!) { createPricingPack(input: $in) { id } }',
          variables: { in: input },
        }),
        {
          'content-type': 'application/json',
          authorization: `Bearer ${builder}`,
        },
      );
      expect(codeOf(r)).toBe('BAD_USER_INPUT');
      expect(ERROR_PATHS(r)).toEqual([['input.prices.1.symbol', 'input.prices.1.source']]);
      expect((await t.request('{ pricingPack(id: "PP_2026-11-23") { id } }', undefined, { as: 'demo-analyst' })).data).toEqual({
        pricingPack: null,
      });
    });

    it('refuses before the shield too: a rule that reads the argument never sees it', async () => {
      // exportExecution's rights check looks the execution up by id (and audits a refusal).
      const r = await t.request('mutation { exportExecution(id: "\\u0000", format: JSON) { content } }', undefined, { as: 'demo-analyst' });
      expect(r.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['id'] });
      // Anonymous: refused as input before the shield answers UNAUTHENTICATED. (A lone surrogate
      // cannot even be written in a GraphQL string literal: only a variable carries one.)
      const anonymous = await t.request('query($id: ID!) { pricingPack(id: $id) { id } }', { id: '\ud800' });
      expect(anonymous.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['id'] });
    });

    it('refuses a number beyond a double (1e400) in a literal or in JSON, and nesting deeper than 32', async () => {
      const literal = await t.request('mutation { markPackFresh(id: "PP_2026-11-20", reconciliationErrorBps: 1e400) { id } }', undefined, {
        as: 'pack-builder',
      });
      expect(literal.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['reconciliationErrorBps'] });
      const analyst = await t.token('demo-analyst');
      const headers = { 'content-type': 'application/json', authorization: `Bearer ${analyst}` };
      const run = 'mutation($i: JSON!) { executePattern(input: { patternId: "portfolio_overview", inputs: $i }) { id } }';
      const infinite = await post(
        `{"query":${JSON.stringify(run)},"variables":{"i":{"portfolioId":"pf-demo-growth","start":1e400}}}`,
        headers,
      );
      expect(ERROR_PATHS(infinite)).toEqual([['input.inputs.start']]);
      const deep = await post(
        `{"query":${JSON.stringify(run)},"variables":{"i":{"portfolioId":"pf-demo-growth","x":${'['.repeat(50_000)}${']'.repeat(50_000)}}}}`,
        headers,
      );
      expect(codeOf(deep)).toBe('BAD_USER_INPUT');
      // 32 levels from the argument: input, inputs, x and 30 lists.
      expect(ERROR_PATHS(deep)![0]![0]).toMatch(/^input\.inputs\.x(\.0){30}$/);
    });

    it('takes dates and date-times in the years 1900–9999 only', async () => {
      const filter = 'query($from: DateTime) { executions(filter: { from: $from }) { edges { cursor } } }';
      const admin = { as: 'demo-admin' };
      const year0 = await t.request(filter, { from: '0000-01-01T00:00:00Z' }, admin);
      expect(year0.status).toBe(400);
      expect(year0.errors?.[0]).toMatchObject({
        message: expect.stringMatching(/DateTime must be an RFC 3339 date-time .* in the years 1900–9999$/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      expect((await t.request(filter, { from: '1900-01-01T00:00:00Z' }, admin)).errors).toBeUndefined();
      expect((await t.request(filter, { from: '9999-12-31T23:59:59.999Z' }, admin)).errors).toBeUndefined();
      const audit = await t.request('{ auditLog(filter: { to: "0000-12-31T00:00:00Z" }) { edges { cursor } } }', undefined, admin);
      expect(audit.status).toBe(400);
      expect(audit.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      const pack = await t.request(
        'mutation { createPricingPack(input: { date: "0000-01-01", policy: "WM4PM_CAD", prices: [], fxRates: [] }) { id } }',
        undefined,
        admin,
      );
      expect(pack.errors?.[0].message).toBe('Date must be a date YYYY-MM-DD in the years 1900–9999');
    });

    it('suggests no enum values for a variable refused by its type when suggestions are off', async () => {
      const r = await t.request(
        'query($s: ExecutionStatus!) { executions(filter: { status: [$s] }) { edges { cursor } } }',
        { s: 'SUCCES' },
        { as: 'demo-admin' },
      );
      expect(r.status).toBe(400);
      expect(r.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(r.errors?.[0].message).toBe(
        'Variable "$s" got invalid value "SUCCES"; Value "SUCCES" does not exist in "ExecutionStatus" enum.',
      );
    });

    it('refuses a subscription over HTTP with 400: subscriptions are served over WebSocket', async () => {
      const r = await query('subscription { packHealthChanged { status } }');
      expect(r.status).toBe(400);
      expect(r.json!.errors).toEqual([
        { message: 'Subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP', extensions: { code: 'BAD_REQUEST' } },
      ]);
      expect(r.json!.data).toBeUndefined();
    });
  });

  it('still answers correctly afterwards, and a normal portfolio_overview run succeeds', async () => {
    const r = await query('{ packHealth { status packId } }');
    expect(r.status).toBe(200);
    expect(r.json!.data).toEqual({ packHealth: { status: 'FRESH', packId: 'PP_2026-11-20' } });
    const run = await t.request(
      'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { status resultSha256 } }',
      { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
      { as: 'demo-analyst' },
    );
    expect(run.errors).toBeUndefined();
    expect(run.data).toMatchObject({ executePattern: { status: 'SUCCESS', resultSha256: expect.stringMatching(/^sha256:[0-9a-f]{64}$/) } });
    expect(reported).toEqual([]);
  });
});
