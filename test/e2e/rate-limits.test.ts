import http from 'node:http';
import { createClient, type Client } from 'graphql-ws';
import WebSocket from 'ws';
import type { Config } from '../../src/config';
import { ensureRateLimitTable } from '../../src/data/rate-limits/rate-limit-store';
import { usingPostgres } from '../support/test-database';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

const VIEWER_QUERY = '{ viewer { userId } }';
const PACK_HEALTH_QUERY = '{ packHealth { status } }';
const PACK_HEALTH_SUBSCRIPTION = 'subscription { packHealthChanged { status } }';

type GraphQLBody = { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] };

interface RawResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: GraphQLBody;
}

/** A POST through node:http: response headers, and a chosen local address (127.0.0.2 is another client). */
function post(t: TestServer, query: string, options: { token?: string; localAddress?: string } = {}): Promise<RawResponse> {
  const payload = JSON.stringify({ query });
  return new Promise((resolve, reject) => {
    const request = http.request(
      t.server.url,
      {
        method: 'POST',
        agent: false,
        localAddress: options.localAddress,
        headers: {
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
          ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (response) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (chunk: string) => (text += chunk));
        response.on('end', () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: JSON.parse(text) as GraphQLBody }),
        );
      },
    );
    request.on('error', reject);
    request.end(payload);
  });
}

function get(t: TestServer, path: string): Promise<number> {
  return fetch(new URL(path, t.server.url)).then((response) => response.status);
}

function expectRateLimited(response: RawResponse, scope: string, windowSeconds: number): void {
  expect(response.status).toBe(429);
  const error = response.body.errors?.[0];
  expect(error?.extensions?.code).toBe('RATE_LIMITED');
  expect(error?.extensions?.scope).toBe(scope);
  const retryAfter = error?.extensions?.retryAfterSeconds as number;
  expect(Number.isInteger(retryAfter)).toBe(true);
  expect(retryAfter).toBeGreaterThanOrEqual(1);
  expect(retryAfter).toBeLessThanOrEqual(windowSeconds);
  expect(response.headers['retry-after']).toBe(String(retryAfter));
  expect(response.body.data ?? null).toBeNull();
  expect(JSON.stringify(response.body)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
}

function limits(overrides: Partial<Config['rateLimits']>): Partial<Config> {
  return { rateLimits: { ...testConfig().rateLimits, windowMs: 60_000, ...overrides } };
}

/** One subscription's outcome: its first event, or the errors it ended with. */
function subscribeOnce(client: Client, query = PACK_HEALTH_SUBSCRIPTION): Promise<{ data?: unknown; errors?: GraphQLBody['errors'] }> {
  return new Promise((resolve) => {
    let unsubscribe = () => {};
    unsubscribe = client.subscribe(
      { query },
      {
        next: (result) => {
          resolve({ data: result.data, errors: result.errors as GraphQLBody['errors'] });
          setImmediate(() => unsubscribe());
        },
        error: (errors) => resolve({ errors: errors as GraphQLBody['errors'] }),
        complete: () => {},
      },
    );
  });
}

/** A connection that says hello and nothing else (no subscribe): connected, or the close code it got. */
function connect(t: TestServer, token?: string): Promise<{ client: Client; outcome: 'connected' | number }> {
  return new Promise((resolve) => {
    const client: Client = createClient({
      url: t.server.wsUrl,
      webSocketImpl: WebSocket,
      lazy: false,
      retryAttempts: 0,
      onNonLazyError: () => {},
      connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      on: {
        connected: () => resolve({ client, outcome: 'connected' }),
        closed: (event) => resolve({ client, outcome: (event as { code: number }).code }),
      },
    });
  });
}

describe('rate limits', () => {
  describe('per user, per anonymous address, and per user WebSocket connections', () => {
    let t: TestServer;
    const opened: Client[] = [];

    beforeAll(async () => {
      t = await startTestServer({ config: limits({ perUser: 5, perTenant: 0, perAnonymousIp: 3, wsConnectionsPerUser: 2 }) });
    });
    afterAll(async () => {
      await Promise.all(opened.map((client) => client.dispose()));
      await t.close();
    });

    it('over the budget → 429, RATE_LIMITED, retryAfterSeconds and Retry-After', async () => {
      const token = await t.token('demo-viewer');
      for (let i = 0; i < 5; i++) {
        const ok = await post(t, VIEWER_QUERY, { token });
        expect(ok.status).toBe(200);
        expect(ok.body.data).toEqual({ viewer: { userId: 'demo-viewer' } });
      }
      expectRateLimited(await post(t, VIEWER_QUERY, { token }), 'user', 60);
      expectRateLimited(await post(t, PACK_HEALTH_QUERY, { token }), 'user', 60);
    });

    it('counts each user on its own (no tenant budget configured here)', async () => {
      const response = await post(t, VIEWER_QUERY, { token: await t.token('demo-analyst') });
      expect(response.status).toBe(200);
    });

    it('is exact under concurrency: 20 requests at once with a budget of 5 → 5 answered, 15 refused', async () => {
      const token = await t.token('demo-admin');
      const responses = await Promise.all(Array.from({ length: 20 }, () => post(t, VIEWER_QUERY, { token })));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
      expect(responses.filter((r) => r.status === 429)).toHaveLength(15);
    });

    it('limits anonymous callers per client address, apart from users', async () => {
      for (let i = 0; i < 3; i++) expect((await post(t, PACK_HEALTH_QUERY)).status).toBe(200);
      expectRateLimited(await post(t, PACK_HEALTH_QUERY), 'ip', 60);
      // Another address has its own budget; a user on the same address has theirs.
      expect((await post(t, PACK_HEALTH_QUERY, { localAddress: '127.0.0.2' })).status).toBe(200);
      expect((await post(t, PACK_HEALTH_QUERY, { token: await t.token('other-analyst') })).status).toBe(200);
    });

    it('counts WebSocket operations against the same budget: a used-up address gets RATE_LIMITED on subscribe', async () => {
      const client = t.wsClient();
      const result = await subscribeOnce(client);
      expect(result.data).toBeUndefined();
      expect(result.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'ip' });
      expect(result.errors?.[0].extensions?.retryAfterSeconds).toBeGreaterThanOrEqual(1);
    });

    it('never limits /health*, /metrics or the landing page', async () => {
      for (let i = 0; i < 3; i++) {
        expect(await get(t, '/health')).toBe(200);
        expect(await get(t, '/health/ready')).toBe(200);
        expect(await get(t, '/health/pack')).toBe(200);
        expect(await get(t, '/metrics')).not.toBe(429);
      }
      const landing = await fetch(t.server.url, { headers: { accept: 'text/html' } });
      expect(landing.status).toBe(200);
    });

    it('over the budget on a WebSocket, a subscribe gets an error with RATE_LIMITED and retryAfterSeconds', async () => {
      const client = t.wsClient({ as: 'pack-builder' });
      for (let i = 0; i < 5; i++) {
        const result = await subscribeOnce(client);
        expect(result.errors).toBeUndefined();
        expect(result.data).toEqual({ packHealthChanged: { status: expect.any(String) } });
      }
      const refused = await subscribeOnce(client);
      expect(refused.data).toBeUndefined();
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'user' });
      const retryAfter = refused.errors?.[0].extensions?.retryAfterSeconds as number;
      expect(retryAfter).toBeGreaterThanOrEqual(1);
      expect(retryAfter).toBeLessThanOrEqual(60);
      // The budget is the user's, whichever way they come: HTTP is refused too.
      expectRateLimited(await post(t, VIEWER_QUERY, { token: await t.token('pack-builder') }), 'user', 60);
    });

    it("refuses a user's connection beyond WS_MAX_CONNECTIONS_PER_USER with 4429, and admits again once one closes", async () => {
      const token = await t.token('demo-analyst');
      const first = await connect(t, token);
      const second = await connect(t, token);
      opened.push(first.client, second.client);
      expect([first.outcome, second.outcome]).toEqual(['connected', 'connected']);

      const third = await connect(t, token);
      opened.push(third.client);
      expect(third.outcome).toBe(4429);

      // Another user is not affected.
      const other = await connect(t, await t.token('demo-viewer'));
      opened.push(other.client);
      expect(other.outcome).toBe('connected');

      await first.client.dispose();
      let again: Awaited<ReturnType<typeof connect>> | undefined;
      for (let attempt = 0; attempt < 40; attempt++) {
        again = await connect(t, token);
        opened.push(again.client);
        if (again.outcome === 'connected') break;
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
      expect(again?.outcome).toBe('connected');
    });

    it('does not count anonymous connections per user', async () => {
      const anonymous = await Promise.all([connect(t), connect(t), connect(t)]);
      opened.push(...anonymous.map((a) => a.client));
      expect(anonymous.map((a) => a.outcome)).toEqual(['connected', 'connected', 'connected']);
    });
  });

  describe('per tenant', () => {
    let t: TestServer;

    beforeAll(async () => {
      t = await startTestServer({ config: limits({ perUser: 0, perTenant: 5 }) });
    });
    afterAll(async () => {
      await t.close();
    });

    it('shares one budget among the users of a tenant; another tenant has its own', async () => {
      for (const user of ['demo-viewer', 'demo-viewer', 'demo-analyst', 'demo-analyst', 'demo-admin']) {
        expect((await post(t, VIEWER_QUERY, { token: await t.token(user) })).status).toBe(200);
      }
      expectRateLimited(await post(t, VIEWER_QUERY, { token: await t.token('demo-admin') }), 'tenant', 60);
      expectRateLimited(await post(t, VIEWER_QUERY, { token: await t.token('demo-viewer') }), 'tenant', 60);
      expect((await post(t, VIEWER_QUERY, { token: await t.token('other-analyst') })).status).toBe(200);
    });
  });

  describe('with every limit at 0', () => {
    let t: TestServer;

    beforeAll(async () => {
      t = await startTestServer({ config: limits({ perUser: 0, perTenant: 0, perAnonymousIp: 0, wsConnectionsPerUser: 0 }) });
    });
    afterAll(async () => {
      await t.close();
    });

    it('limits nothing', async () => {
      const token = await t.token('demo-viewer');
      const responses = await Promise.all(
        Array.from({ length: 30 }, (_, i) => post(t, i % 2 ? PACK_HEALTH_QUERY : VIEWER_QUERY, i % 3 ? { token } : {})),
      );
      expect(responses.every((r) => r.status === 200)).toBe(true);
    });
  });

  (usingPostgres ? describe : describe.skip)('on PostgreSQL, shared by every instance', () => {
    let a: TestServer;
    let b: TestServer;

    beforeAll(async () => {
      const config = limits({ perUser: 5, perTenant: 0, perAnonymousIp: 5 });
      a = await startTestServer({ config });
      b = await startTestServer({ database: a.database, config });
    });
    afterAll(async () => {
      await b?.close();
      await a?.close();
    });

    it('keeps its counters in an UNLOGGED rate_limits table', async () => {
      const rows = await a.app.db.sql.query<{ relpersistence: string }>(
        `SELECT relpersistence FROM pg_class WHERE relname = 'rate_limits'`,
      );
      expect(rows).toEqual([{ relpersistence: 'u' }]);
    });

    it('3 requests on A and 2 on B use up a budget of 5: the 6th is refused on either', async () => {
      const token = await a.token('demo-viewer');
      for (let i = 0; i < 3; i++) expect((await post(a, VIEWER_QUERY, { token })).status).toBe(200);
      for (let i = 0; i < 2; i++) expect((await post(b, VIEWER_QUERY, { token })).status).toBe(200);
      expectRateLimited(await post(b, VIEWER_QUERY, { token }), 'user', 60);
      expectRateLimited(await post(a, VIEWER_QUERY, { token }), 'user', 60);
    });

    it('is exact under concurrency across instances: 20 at once on A and B with a budget of 5 → 5 answered', async () => {
      const token = await a.token('demo-analyst');
      const responses = await Promise.all(Array.from({ length: 20 }, (_, i) => post(i % 2 ? a : b, VIEWER_QUERY, { token })));
      expect(responses.filter((r) => r.status === 200)).toHaveLength(5);
      expect(responses.filter((r) => r.status === 429)).toHaveLength(15);
    });

    it('shares WebSocket operations and anonymous budgets too', async () => {
      for (let i = 0; i < 3; i++) expect((await post(a, PACK_HEALTH_QUERY)).status).toBe(200);
      const viaB = await subscribeOnce(b.wsClient());
      expect(viaB.errors).toBeUndefined();
      expect((await post(b, PACK_HEALTH_QUERY)).status).toBe(200);
      expectRateLimited(await post(a, PACK_HEALTH_QUERY), 'ip', 60);
      const refused = await subscribeOnce(b.wsClient());
      expect(refused.errors?.[0].extensions).toMatchObject({ code: 'RATE_LIMITED', scope: 'ip' });
    });

    it('creates its table once when instances start together', async () => {
      // Creating tables is the owner's right (the application's role may not: db:grant creates it).
      const pool = a.database.ownerPool!;
      await Promise.all(Array.from({ length: 8 }, () => ensureRateLimitTable(pool, 'rate_limits_race')));
      const rows = await a.database.owner.query(`SELECT 1 FROM pg_class WHERE relname = 'rate_limits_race'`);
      expect(rows).toHaveLength(1);
      await a.database.owner.exec('DROP TABLE rate_limits_race');
    });
  });
});
