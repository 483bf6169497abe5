import { parse } from 'graphql';
import WebSocket from 'ws';
import {
  CreatePricingPackDocument,
  ExecutePatternDocument,
  MarkPackFreshDocument,
  PackHealthChangedDocument,
  PackHealthDocument,
} from '../generated/operations';
import { samplePack } from '../support/packs';
import {
  composeSupergraph,
  NOTES,
  PINNED_EXECUTIONS,
  startHiveGateway,
  startNotesSubgraph,
  StreamRecorder,
  type HiveGateway,
  type StreamMessage,
  type Subgraph,
} from '../support/router';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

const ROUTER_SECRET = 'router-secret-of-the-router-suite-0123456789';
/** Subscribers of the fan-out case: enough to be far over the direct cap (25), few enough for CI. */
const SUBSCRIBERS = 300;

type Health = { status: string; packId: string | null; estimatedReady: string | null };
const healthOf = (message: StreamMessage) => message.data?.packHealthChanged as Health | undefined;
const codeOf = (message: StreamMessage) => message.errors?.[0]?.extensions?.code;

/**
 * freshgate behind Hive Gateway, configured by the checked-in ops/hive-gateway/gateway.config.ts,
 * composed with a second subgraph that extends Portfolio — what a platform team runs.
 */
describe('behind a federation router (Hive Gateway)', () => {
  let t: TestServer;
  let notes: Subgraph & { stop(): Promise<void> };
  let gateway: HiveGateway;
  const recorders: StreamRecorder[] = [];

  beforeAll(async () => {
    t = await startTestServer({
      config: {
        routerSecret: ROUTER_SECRET,
        // Re-checks credentials often, so a token that expires is noticed within the test.
        wsReauthIntervalMs: 300,
        // Behind a router every anonymous caller has the router's address (README, Rate limits).
        rateLimits: { ...testConfig().rateLimits, perAnonymousIp: 0 },
      },
    });
    notes = await startNotesSubgraph();
    const sdl = await fetch(t.server.url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET },
      body: JSON.stringify({ query: '{ _service { sdl } }' }),
    }).then(async (r) => ((await r.json()) as { data: { _service: { sdl: string } } }).data._service.sdl);
    const supergraph = composeSupergraph([{ name: 'freshgate', url: t.server.url, typeDefs: parse(sdl) }, notes]);
    gateway = await startHiveGateway(supergraph, { FRESHGATE_ROUTER_SECRET: ROUTER_SECRET });
  });
  afterEach(() => {
    recorders.splice(0).forEach((r) => r.close());
  });
  afterAll(async () => {
    await gateway?.stop();
    await notes?.stop();
    await t?.close();
  });

  /** A test whose failure also shows what the gateway logged (kept out of the output otherwise). */
  function viaGateway(name: string, fn: () => Promise<void>, timeoutMs?: number): void {
    it(
      name,
      async () => {
        try {
          await fn();
        } catch (error) {
          if (error instanceof Error)
            error.message += `\n--- hive-gateway output (last 6,000 characters) ---\n${gateway.output().slice(-6_000)}`;
          throw error;
        }
      },
      timeoutMs,
    );
  }

  function subscribe(token?: string, variables: Record<string, unknown> = {}): StreamRecorder {
    const recorder = new StreamRecorder(gateway.wsClient({ token }), PackHealthChangedDocument as never, variables);
    recorders.push(recorder);
    return recorder;
  }

  /** freshgate's own gauges: WebSocket connections and operations on them. */
  async function freshgateSockets(): Promise<{ connections: number; subscriptions: number }> {
    const text = await fetch(new URL('/metrics', t.server.url)).then((r) => r.text());
    const gauge = (name: string) => Number(new RegExp(`^${name} (\\d+)$`, 'm').exec(text)?.[1]);
    return { connections: gauge('freshgate_ws_connections'), subscriptions: gauge('freshgate_active_subscriptions') };
  }

  viaGateway('answers an anonymous packHealth query', async () => {
    const response = await gateway.request(PackHealthDocument, {});
    expect(response.status).toBe(200);
    expect(response.errors).toBeUndefined();
    expect(response.data?.packHealth).toMatchObject({ status: 'FRESH', packId: 'PP_2026-11-20' });
  });

  viaGateway('forwards the caller’s authorization header: viewer and portfolios are the caller’s', async () => {
    const query = '{ viewer { userId tenantId } portfolios { edges { node { id name } } } }';
    const analyst = await gateway.request<{ viewer: { userId: string; tenantId: string }; portfolios: unknown }, never>(query, undefined, {
      token: await t.token('demo-analyst'),
    });
    expect(analyst.errors).toBeUndefined();
    expect(analyst.data).toEqual({
      viewer: { userId: 'demo-analyst', tenantId: 'demo' },
      portfolios: { edges: [{ node: { id: 'pf-demo-growth', name: 'Demo Growth' } }] },
    });
    const other = await gateway.request<{ viewer: { userId: string } }, never>('{ viewer { userId } }', undefined, {
      token: await t.token('other-analyst'),
    });
    expect(other.data?.viewer.userId).toBe('other-analyst');

    // Without a token the router's own request is anonymous, not the router's identity.
    const anonymous = await gateway.request('{ viewer { userId } }');
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    // A bad credential keeps its code through the router; the 401 freshgate answered is lost.
    const forged = await gateway.request('{ viewer { userId } }', undefined, { authorization: 'Bearer not-a-token' });
    expect(forged.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    expect(forged.status).toBe(200);
  });

  viaGateway('joins Portfolio across both subgraphs', async () => {
    const token = await t.token('demo-analyst');
    const response = await gateway.request('{ portfolios { edges { node { id name baseCurrency note } } } }', undefined, { token });
    expect(response.errors).toBeUndefined();
    expect(response.data).toEqual({
      portfolios: { edges: [{ node: { id: 'pf-demo-growth', name: 'Demo Growth', baseCurrency: 'CAD', note: NOTES['pf-demo-growth'] } }] },
    });
  });

  viaGateway('another tenant’s portfolio reached through the other subgraph is an ordinary null, not an internal error', async () => {
    const token = await t.token('demo-analyst');
    const response = await gateway.request('{ notedPortfolios { id name baseCurrency ledgerHead note } }', undefined, { token });
    expect(response.errors).toBeUndefined();
    const [own, others] = (response.data as { notedPortfolios: Record<string, unknown>[] }).notedPortfolios;
    expect(own).toMatchObject({
      id: 'pf-demo-growth',
      name: 'Demo Growth',
      baseCurrency: 'CAD',
      ledgerHead: expect.stringMatching(/^sha256:[0-9a-f]{64}$/),
    });
    // freshgate adds nothing about it; what the other subgraph holds is its own business.
    expect(others).toEqual({ id: 'pf-other-income', name: null, baseCurrency: null, ledgerHead: null, note: NOTES['pf-other-income'] });
    // The owner sees it through the same join.
    const owner = await gateway.request('{ notedPortfolios { id name } }', undefined, { token: await t.token('other-analyst') });
    expect(owner.errors).toBeUndefined();
    expect(owner.data).toEqual({
      notedPortfolios: [
        { id: 'pf-demo-growth', name: null },
        { id: 'pf-other-income', name: 'Other Income' },
      ],
    });
  });

  viaGateway('another tenant’s run reached through the other subgraph is an ordinary null too', async () => {
    const direct = { headers: { 'router-authorization': ROUTER_SECRET } };
    const run = (as: string, portfolioId: string) =>
      t.request(ExecutePatternDocument, { input: { patternId: 'portfolio_overview', inputs: { portfolioId } } }, { as, ...direct });
    const own = (await run('demo-analyst', 'pf-demo-growth')).data!.executePattern!.id;
    const others = (await run('other-analyst', 'pf-other-income')).data!.executePattern!.id;
    PINNED_EXECUTIONS.splice(0, PINNED_EXECUTIONS.length, own, others);
    const response = await gateway.request(
      '{ pinnedExecutions { id status creditsConsumed metadata { pricingPackId } pinned } }',
      undefined,
      { token: await t.token('demo-analyst') },
    );
    expect(response.errors).toBeUndefined();
    const [mine, theirs] = (response.data as { pinnedExecutions: Record<string, unknown>[] }).pinnedExecutions;
    expect(mine).toMatchObject({ id: own, status: 'SUCCESS', metadata: { pricingPackId: 'PP_2026-11-20' }, pinned: true });
    expect(theirs).toEqual({ id: others, status: null, creditsConsumed: null, metadata: null, pinned: true });
  });

  viaGateway(
    'ROUTER_SECRET: freshgate refuses direct HTTP and WebSocket calls, the gateway (which presents it) is served on both',
    async () => {
      const direct = await fetch(t.server.url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ query: '{ packHealth { status } }' }),
      });
      expect(direct.status).toBe(401);
      expect(await wsHandshake(t.server.wsUrl, {})).toBe(401);
      expect(await wsHandshake(t.server.wsUrl, { 'router-authorization': 'a guess' })).toBe(401);

      expect((await gateway.request(PackHealthDocument, {})).data?.packHealth.status).toBe('FRESH');
      const stream = subscribe();
      expect(healthOf(await stream.next((m) => healthOf(m) !== undefined))).toMatchObject({ status: 'FRESH' });
    },
  );

  viaGateway(
    'the pack lifecycle: the subscription sees WARMING then FRESH; executePattern is refused meanwhile with its extensions intact',
    async () => {
      const stream = subscribe();
      await stream.next((m) => healthOf(m)?.packId === 'PP_2026-11-20');

      const builder = await t.token('pack-builder');
      const created = await gateway.request(CreatePricingPackDocument, { input: samplePack('2026-11-26') }, { token: builder });
      expect(created.errors).toBeUndefined();
      const packId = created.data!.createPricingPack!.id;
      expect(packId).toBe('PP_2026-11-26');
      const warming = healthOf(await stream.next((m) => healthOf(m)?.status === 'WARMING'))!;
      expect(warming).toMatchObject({ status: 'WARMING', packId });

      const refused = await gateway.request(
        ExecutePatternDocument,
        { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
        { token: await t.token('demo-analyst') },
      );
      expect(refused.data?.executePattern ?? null).toBeNull();
      expect(refused.errors).toHaveLength(1);
      const extensions = refused.errors![0].extensions!;
      expect(extensions).toMatchObject({ code: 'PRICING_PACK_WARMING', packId, estimatedReady: warming.estimatedReady });
      expect(extensions.retryAfterSeconds).toEqual(expect.any(Number));
      expect(extensions.retryAfterSeconds as number).toBeGreaterThan(0);
      expect(extensions.retryAfterSeconds as number).toBeLessThanOrEqual(15 * 60);

      const fresh = await gateway.request(MarkPackFreshDocument, { id: packId }, { token: builder });
      expect(fresh.errors).toBeUndefined();
      expect(healthOf(await stream.next((m) => healthOf(m)?.status === 'FRESH' && healthOf(m)?.packId === packId))).toMatchObject({
        estimatedReady: null,
      });
      expect(stream.messages.every((m) => m.errors === undefined)).toBe(true);
    },
  );

  viaGateway(
    `${SUBSCRIBERS} subscribers through the gateway share one freshgate WebSocket, and every one receives a pack change`,
    async () => {
      // A gateway whose WebSocket transport has not loaded yet opens a socket for each subscription
      // that arrives meanwhile (README, Performance): one subscriber first, whatever ran before.
      const first = subscribe();
      await first.next((m) => healthOf(m) !== undefined);
      const streams = [first, ...Array.from({ length: SUBSCRIBERS - 1 }, () => subscribe())];
      await Promise.all(streams.map((s) => s.next((m) => healthOf(m) !== undefined)));
      // Far over WS_MAX_SUBSCRIPTIONS (25): the connection presented the router secret.
      expect(await freshgateSockets()).toEqual({ connections: 1, subscriptions: SUBSCRIBERS });

      const created = await gateway.request(
        CreatePricingPackDocument,
        { input: samplePack('2026-11-27') },
        { token: await t.token('pack-builder') },
      );
      expect(created.errors).toBeUndefined();
      await Promise.all(
        streams.map((s) => s.next((m) => healthOf(m)?.packId === 'PP_2026-11-27' && healthOf(m)?.status === 'WARMING', 20_000)),
      );
      expect(streams.flatMap((s) => s.messages).filter((m) => m.errors)).toEqual([]);
    },
    90_000,
  );

  viaGateway(
    'a credential that expires ends the subscriber’s stream with UNAUTHENTICATED, then complete; anonymous streams go on',
    async () => {
      const anonymous = subscribe();
      await anonymous.next((m) => healthOf(m) !== undefined);
      const expiring = subscribe(await t.token('demo-analyst', { expiresIn: '3s' }));
      await expiring.next((m) => healthOf(m) !== undefined);

      const ending = await expiring.next((m) => m.errors !== undefined, 10_000);
      expect(codeOf(ending)).toBe('UNAUTHENTICATED');
      expect(ending.errors![0].message).toBe('The credential is no longer valid; sign in again');
      expect(await expiring.ended).toEqual({ how: 'complete' });

      expect(anonymous.messages.every((m) => m.errors === undefined)).toBe(true);
      const created = await gateway.request(
        CreatePricingPackDocument,
        { input: samplePack('2026-11-28') },
        { token: await t.token('pack-builder') },
      );
      expect(created.errors).toBeUndefined();
      await anonymous.next((m) => healthOf(m)?.packId === 'PP_2026-11-28');
    },
  );

  // Last: it stops freshgate.
  viaGateway('shutdown: gateway subscribers get a retryable SERVICE_UNAVAILABLE, then complete', async () => {
    const streams = [subscribe(), subscribe(await t.token('demo-viewer'))];
    await Promise.all(streams.map((s) => s.next((m) => healthOf(m) !== undefined)));

    await t.server.close({ graceMs: 2_000 });
    for (const stream of streams) {
      const ending = await stream.next((m) => m.errors !== undefined);
      expect(ending.errors![0]).toMatchObject({
        message: 'The server is shutting down; subscribe again',
        extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true },
      });
      expect(await stream.ended).toEqual({ how: 'complete' });
    }
  });
});

function wsHandshake(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => {});
  });
}
