import { Writable } from 'node:stream';
import pino from 'pino';
import type { ExecutionResult } from 'graphql';
import { countingDatabase } from '../support/counting-database';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server';

/**
 * Hostile federation input: `_entities` is capped (MAX_ENTITY_REPRESENTATIONS, default 100),
 * its representations are checked before any lookup, each entity type is resolved in one query
 * per request, and nothing a library says about a failure reaches the client.
 */
const ENTITIES = `query ($r: [_Any!]!) { _entities(representations: $r) {
  __typename ... on Portfolio { id name } ... on PricingPack { id status } ... on PatternExecution { id } ... on Pattern { id version } } }`;
const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;
/** Anything a library, the file system or the database would say about itself. */
const LEAKS = /Could not|Cannot return|prisma|invocation|Invalid `|\.ts\b|\.js\b|\/work\/|node_modules|SELECT|WHERE|_entities resolver/i;

type Entity = Record<string, unknown> | null;
type Entities = { _entities: Entity[] };

const portfolio = (id: string) => ({ __typename: 'Portfolio', id });
const pack = (id: string) => ({ __typename: 'PricingPack', id });

// Every log line, to see what the error reporter wrote.
const lines: string[] = [];
const logger = pino(
  { level: 'info' },
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);
const reported = (from: number) =>
  lines
    .slice(from)
    .map((l) => JSON.parse(l) as Record<string, unknown>)
    .filter((l) => l.msg === 'unexpected error');

describe('federation _entities under hostile input', () => {
  let database: TestDatabase;
  let t: TestServer;
  /** `Model.operation` of every query (`sql` for the SQL executor's), in order: the database work each request did. */
  let queries: string[];

  beforeAll(async () => {
    const counting = countingDatabase(await openTestDatabase());
    database = counting.database;
    queries = counting.queries;
    t = await startTestServer({ database, app: { logger } });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  /** Sends the representations; returns the answer and the queries run per model while it ran. */
  async function resolve(representations: unknown, options: { as?: string; headers?: Record<string, string> } = { as: 'demo-viewer' }) {
    const before = queries.length;
    const response = await t.request<Entities, { r: unknown }>(ENTITIES, { r: representations }, options);
    const ran = queries.slice(before);
    const count = (model: string) => ran.filter((q) => q.startsWith(`${model}.`)).length;
    return { response, count, ran };
  }

  function expectRefused(response: GraphQLResponse<Entities>, message: string | RegExp, path: string) {
    expect(response.data?._entities).toBeUndefined();
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    expect(error.extensions?.code).toBe('BAD_USER_INPUT');
    expect(error.message).toEqual(typeof message === 'string' ? message : expect.stringMatching(message));
    expect(error.extensions?.path).toContain(path);
    expect(JSON.stringify(response)).not.toMatch(LEAKS);
  }

  describe('the cap', () => {
    it('refuses more than MAX_ENTITY_REPRESENTATIONS (100) representations with BAD_USER_INPUT, looking nothing up', async () => {
      const { response, ran } = await resolve(Array.from({ length: 101 }, (_, i) => portfolio(`pf-${i}`)));
      expectRefused(response, 'A request may resolve at most 100 entity representations (got 101)', 'representations');
      expect(ran.filter((q) => !q.startsWith('User.'))).toEqual([]); // only the caller's authentication
    });

    it('refuses 25,000 representations (the request of the incident) as fast as 101', async () => {
      const started = performance.now();
      const { response, count } = await resolve(Array.from({ length: 25_000 }, () => portfolio('p')));
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(count('Portfolio')).toBe(0);
      expect(performance.now() - started).toBeLessThan(2_000);
    });

    it('resolves exactly 100', async () => {
      const { response, count } = await resolve(
        Array.from({ length: 100 }, (_, i) => portfolio(i === 0 ? 'pf-demo-growth' : `pf-missing-${i}`)),
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toHaveLength(100);
      expect(response.data!._entities[0]).toEqual({ __typename: 'Portfolio', id: 'pf-demo-growth', name: 'Demo Growth' });
      expect(count('Portfolio')).toBe(1);
    });

    it('counts aliased _entities calls of one request together', async () => {
      const before = queries.length;
      const response = await t.request<{ a: Entity[]; b: Entity[] }, { a: unknown; b: unknown }>(
        'query ($a: [_Any!]!, $b: [_Any!]!) { a: _entities(representations: $a) { ... on Portfolio { id } } b: _entities(representations: $b) { ... on Portfolio { id } } }',
        {
          a: Array.from({ length: 60 }, () => portfolio('pf-demo-growth')),
          b: Array.from({ length: 41 }, () => portfolio('pf-demo-growth')),
        },
        { as: 'demo-viewer' },
      );
      expect(response.errors).toEqual([
        expect.objectContaining({
          message: 'A request may resolve at most 100 entity representations (got 101)',
          path: ['b'],
          extensions: expect.objectContaining({ code: 'BAD_USER_INPUT' }),
        }),
      ]);
      expect(queries.slice(before).filter((q) => q.startsWith('Portfolio.'))).toHaveLength(1); // the first call's
    });

    it('checks the caller first: an anonymous over-cap request is UNAUTHENTICATED', async () => {
      const { response, count } = await resolve(
        Array.from({ length: 101 }, () => portfolio('pf-demo-growth')),
        {},
      );
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(count('Portfolio')).toBe(0);
    });
  });

  describe('representation keys are checked as their declared scalar, before anything else', () => {
    const good = [portfolio('pf-demo-growth'), pack('PP_2026-11-20')];
    it.each<[string, unknown, string | RegExp, string]>([
      [
        'an object id (a Prisma filter if it got through)',
        { __typename: 'Portfolio', id: { not: 'x' } },
        'representations[2].id must be a string',
        'representations[2].id',
      ],
      [
        'an object id on a pack',
        { __typename: 'PricingPack', id: { contains: 'PP' } },
        'representations[2].id must be a string',
        'representations[2].id',
      ],
      [
        'an array id',
        { __typename: 'Portfolio', id: ['pf-demo-growth'] },
        'representations[2].id must be a string',
        'representations[2].id',
      ],
      ['a null id', { __typename: 'Portfolio', id: null }, 'representations[2].id must be a string', 'representations[2].id'],
      ['a number id', { __typename: 'PatternExecution', id: 42 }, 'representations[2].id must be a string', 'representations[2].id'],
      ['a boolean id', { __typename: 'Pattern', id: true }, 'representations[2].id must be a string', 'representations[2].id'],
      [
        'a missing id (once: an arbitrary portfolio)',
        { __typename: 'Portfolio' },
        'representations[2].id is required',
        'representations[2].id',
      ],
      // The edge guard (argument-guard.ts) sees every argument first, representations included.
      ['a NUL in the id', { __typename: 'Portfolio', id: 'pf-demo-growth\u0000' }, /representations\.2\.id/, 'representations.2.id'],
      [
        'an id over 255 characters',
        { __typename: 'Portfolio', id: 'p'.repeat(256) },
        'representations[2].id must be at most 255 characters',
        'representations[2].id',
      ],
      [
        'a missing __typename',
        { id: 'pf-demo-growth' },
        'representations[2].__typename must name an entity type of this subgraph',
        'representations[2].__typename',
      ],
      [
        'an unknown __typename',
        { __typename: 'Nope', id: 'x' },
        'representations[2].__typename must name an entity type of this subgraph',
        'representations[2].__typename',
      ],
      [
        'a type that is not an entity',
        { __typename: 'Viewer', id: 'x' },
        'representations[2].__typename must name an entity type of this subgraph',
        'representations[2].__typename',
      ],
      [
        'a non-string __typename',
        { __typename: ['Portfolio'], id: 'x' },
        'representations[2].__typename must name an entity type of this subgraph',
        'representations[2].__typename',
      ],
      [
        'an inherited __typename',
        { __typename: '__proto__', id: 'x' },
        'representations[2].__typename must name an entity type of this subgraph',
        'representations[2].__typename',
      ],
      ['an array representation', ['Portfolio', 'pf-demo-growth'], 'representations[2] must be an object', 'representations[2]'],
      ['a string representation', 'Portfolio:pf-demo-growth', 'representations[2] must be an object', 'representations[2]'],
      ['a number representation', 7, 'representations[2] must be an object', 'representations[2]'],
    ])('refuses %s, naming its index, before any lookup', async (_name, bad, message, path) => {
      const { response, count } = await resolve([...good, bad]);
      expectRefused(response, message, path);
      expect(count('Portfolio') + count('PricingPack') + count('Execution')).toBe(0);
    });

    it('refuses the same in a literal written into the query', async () => {
      const before = queries.length;
      const response = await t.request<Entities, never>(
        '{ _entities(representations: [{ __typename: "Portfolio", id: "pf-demo-growth" }, { __typename: "Portfolio", id: { not: "x" } }]) { ... on Portfolio { id name } } }',
        undefined,
        { as: 'demo-viewer' },
      );
      expectRefused(response, 'representations[1].id must be a string', 'representations[1].id');
      expect(queries.slice(before).filter((q) => q.startsWith('Portfolio.'))).toEqual([]);
    });

    it('names every bad representation in the issues, the first in the message', async () => {
      const { response } = await resolve([
        portfolio('pf-demo-growth'),
        { __typename: 'Portfolio', id: 1 },
        { __typename: 'Portfolio' },
        { id: 'x' },
      ]);
      expectRefused(response, 'representations[1].id must be a string (and 2 more)', 'representations[1].id');
      expect(response.errors![0].extensions?.issues).toEqual([
        { path: 'representations[1].id', message: 'must be a string' },
        { path: 'representations[2].id', message: 'is required' },
        { path: 'representations[3].__typename', message: 'must name an entity type of this subgraph' },
      ]);
    });

    it('refuses a null representation through GraphQL itself ([_Any!]!)', async () => {
      const { response, count } = await resolve([portfolio('pf-demo-growth'), null]);
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].message).toMatch(/r\[1\]/);
      expect(count('Portfolio')).toBe(0);
    });

    it('passes the resolvers only the key: extra fields are ignored', async () => {
      const { response } = await resolve([{ __typename: 'Portfolio', id: 'pf-demo-growth', name: 'Forged', tenantId: 'other' }]);
      expect(response.data!._entities).toEqual([{ __typename: 'Portfolio', id: 'pf-demo-growth', name: 'Demo Growth' }]);
    });
  });

  describe('tenant rules', () => {
    it("resolves another tenant's portfolio, and a missing one, to null", async () => {
      const representations = [portfolio('pf-demo-growth'), portfolio('pf-other-income'), portfolio('pf-missing')];
      const demo = await resolve(representations, { as: 'demo-viewer' });
      expect(demo.response.errors).toBeUndefined();
      expect(demo.response.data!._entities).toEqual([{ __typename: 'Portfolio', id: 'pf-demo-growth', name: 'Demo Growth' }, null, null]);
      const other = await resolve(representations, { as: 'other-analyst' });
      expect(other.response.data!._entities).toEqual([
        null,
        { __typename: 'Portfolio', id: 'pf-other-income', name: 'Other Income' },
        null,
      ]);
    });

    it('resolves an execution id that is not a UUID to null without a query', async () => {
      const { response, count } = await resolve([{ __typename: 'PatternExecution', id: 'not-a-uuid' }]);
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toEqual([null]);
      expect(count('Execution')).toBe(0);
    });

    it('resolves patterns from the catalog in memory', async () => {
      const { response, ran } = await resolve([
        { __typename: 'Pattern', id: 'portfolio_overview' },
        { __typename: 'Pattern', id: 'nope' },
      ]);
      expect(response.data!._entities).toEqual([{ __typename: 'Pattern', id: 'portfolio_overview', version: expect.any(String) }, null]);
      expect(ran.filter((q) => !q.startsWith('User.'))).toEqual([]);
    });
  });

  describe('batching', () => {
    it('runs one portfolio query for 1 representation and for 50', async () => {
      const one = await resolve([portfolio('pf-demo-growth')]);
      const ids = ['pf-demo-growth', 'pf-other-income', ...Array.from({ length: 48 }, (_, i) => `pf-missing-${i}`)];
      const fifty = await resolve(ids.map(portfolio));
      expect(one.response.errors).toBeUndefined();
      expect(fifty.response.errors).toBeUndefined();
      expect(fifty.response.data!._entities).toHaveLength(50);
      expect(fifty.response.data!._entities[0]).toEqual({ __typename: 'Portfolio', id: 'pf-demo-growth', name: 'Demo Growth' });
      expect(fifty.response.data!._entities.slice(1)).toEqual(Array(49).fill(null));
      expect(one.count('Portfolio')).toBe(1);
      expect(fifty.count('Portfolio')).toBe(one.count('Portfolio'));
    });

    it('runs one query per entity type, whatever the mix and repetition', async () => {
      const executionIds = Array.from({ length: 30 }, (_, i) => `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`);
      const representations = Array.from({ length: 90 }, (_, i) =>
        i % 3 === 0
          ? portfolio(i % 2 ? 'pf-demo-growth' : `pf-${i}`)
          : i % 3 === 1
            ? pack(i % 2 ? 'PP_2026-11-20' : `PP_${i}`)
            : { __typename: 'PatternExecution', id: executionIds[i % 30] },
      );
      const { response, count } = await resolve(representations);
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toHaveLength(90);
      expect(response.data!._entities).toContainEqual({ __typename: 'PricingPack', id: 'PP_2026-11-20', status: 'FRESH' });
      expect([count('Portfolio'), count('PricingPack'), count('Execution')]).toEqual([1, 1, 1]);
    });

    it('gives every request fresh loaders: a change between two requests is seen', async () => {
      const before = await resolve([portfolio('pf-demo-growth')]);
      await database.db.prisma.portfolio.update({ where: { id: 'pf-demo-growth' }, data: { name: 'Demo Growth 2' } });
      try {
        const after = await resolve([portfolio('pf-demo-growth')]);
        expect(before.response.data!._entities[0]).toMatchObject({ name: 'Demo Growth' });
        expect(after.response.data!._entities[0]).toMatchObject({ name: 'Demo Growth 2' });
      } finally {
        await database.db.prisma.portfolio.update({ where: { id: 'pf-demo-growth' }, data: { name: 'Demo Growth' } });
      }
    });
  });

  describe('errors inside reference resolution are masked and reported', () => {
    const portfolios = () => t.app.services.portfolios;
    const packs = () => t.app.services.packs;
    let original: typeof t.app.services.portfolios.findManyForTenant;
    let originalPacks: typeof t.app.services.packs.findByIds;
    beforeEach(() => {
      original = portfolios().findManyForTenant;
      originalPacks = packs().findByIds;
    });
    afterEach(() => {
      portfolios().findManyForTenant = original;
      packs().findByIds = originalPacks;
    });
    // A pack whose non-null status came back null: graphql-js itself refuses it, after every resolver.
    const withNullStatus = () => {
      packs().findByIds = async (ids) => (await originalPacks.call(packs(), ids)).map((row) => ({ ...row, status: null as never }));
    };

    it("a library's own error (here Prisma refusing a query) is INTERNAL_SERVER_ERROR with the trace id, reported once per batch", async () => {
      portfolios().findManyForTenant = (tenantId, ids) =>
        t.app.db.prisma.portfolio.findMany({ where: { tenantId, id: { in: [...ids] }, name: { bogus: 'x' } as never } });
      const logged = lines.length;
      const { response } = await resolve([portfolio('pf-demo-growth'), portfolio('pf-x'), pack('PP_2026-11-20')], {
        as: 'demo-viewer',
        headers: { traceparent: TRACEPARENT },
      });
      expect(response.data!._entities).toEqual([null, null, { __typename: 'PricingPack', id: 'PP_2026-11-20', status: 'FRESH' }]);
      expect(response.errors).toEqual(
        [0, 1].map((i) => ({
          message: 'Internal server error',
          path: ['_entities', i],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: TRACE_ID },
        })),
      );
      expect(JSON.stringify(response)).not.toMatch(LEAKS);
      const reports = reported(logged);
      expect(reports).toHaveLength(1);
      expect(reports[0]).toMatchObject({ traceId: TRACE_ID, err: { message: expect.stringMatching(/bogus/) } });
    });

    it('an error that says SQL and file paths reaches the log, not the client', async () => {
      const leaky =
        'relation "portfolios" does not exist: SELECT "id" FROM "portfolios" WHERE "tenant_id" = $1 (/work/src/data/portfolios/portfolio-repository.ts:24:5)';
      portfolios().findManyForTenant = async () => {
        throw new Error(leaky);
      };
      const logged = lines.length;
      const { response } = await resolve([portfolio('pf-demo-growth')], { as: 'demo-viewer', headers: { traceparent: TRACEPARENT } });
      expect(response.errors).toEqual([
        expect.objectContaining({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: TRACE_ID } }),
      ]);
      expect(JSON.stringify(response)).not.toMatch(LEAKS);
      expect(reported(logged)[0]).toMatchObject({ traceId: TRACE_ID, err: { message: leaky } });
    });

    it('an error graphql-js raises past every resolver (a null status) is masked with the trace id and reported', async () => {
      withNullStatus();
      const logged = lines.length;
      const { response } = await resolve([pack('PP_2026-11-20')], { as: 'demo-viewer', headers: { traceparent: TRACEPARENT } });
      expect(response.data).toEqual({ _entities: [null] });
      expect(response.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['_entities', 0, 'status'],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: TRACE_ID },
        },
      ]);
      expect(JSON.stringify(response)).not.toMatch(LEAKS);
      expect(reported(logged)).toEqual([
        expect.objectContaining({
          traceId: TRACE_ID,
          err: expect.objectContaining({ message: expect.stringMatching(/Cannot return null/) }),
        }),
      ]);
    });

    it('the same over graphql-ws', async () => {
      withNullStatus();
      const client = t.wsClient({ as: 'demo-viewer' });
      const result = await new Promise<ExecutionResult>((done, fail) => {
        let last: ExecutionResult | undefined;
        client.subscribe(
          { query: ENTITIES, variables: { r: [pack('PP_2026-11-20')] } },
          { next: (value) => (last = value as ExecutionResult), error: fail, complete: () => done(last!) },
        );
      });
      expect(result.errors).toEqual([
        {
          message: 'Internal server error',
          path: ['_entities', 0, 'status'],
          locations: expect.any(Array),
          extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: expect.stringMatching(/^[0-9a-f]{32}$/) },
        },
      ]);
      expect(JSON.stringify(result)).not.toMatch(LEAKS);
    });

    it('a client mistake over graphql-ws is BAD_USER_INPUT naming the index', async () => {
      const client = t.wsClient({ as: 'demo-viewer' });
      const result = await new Promise<ExecutionResult>((done, fail) => {
        let last: ExecutionResult | undefined;
        client.subscribe(
          { query: ENTITIES, variables: { r: [portfolio('pf-demo-growth'), { __typename: 'Portfolio', id: { not: 'x' } }] } },
          { next: (value) => (last = value as ExecutionResult), error: fail, complete: () => done(last!) },
        );
      });
      expect(result.errors?.[0]).toMatchObject({
        message: 'representations[1].id must be a string',
        extensions: { code: 'BAD_USER_INPUT' },
      });
    });
  });
});
