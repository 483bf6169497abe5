import { SignJWT } from 'jose';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import {
  CreatePricingPackDocument,
  MarkPackErrorDocument,
  MarkPackFreshDocument,
  PackHealthDocument,
  PortfolioDocument,
  PortfoliosDocument,
  PricingPackDocument,
  PricingPacksDocument,
  ViewerDocument,
} from '../generated/operations';
import { samplePack } from '../support/packs';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server';

/** Everything a failed call could have written. */
async function snapshot(t: TestServer) {
  const [packs, prices, fx] = await Promise.all([
    t.app.db.sql.query(`SELECT * FROM pricing_packs ORDER BY id`),
    t.app.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pack_prices`),
    t.app.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM pack_fx_rates`),
  ]);
  return JSON.stringify({ packs, prices, fx });
}

const sign = (claims: Record<string, unknown>, secret = TEST_JWT_SECRET) => {
  let jwt = new SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt();
  if (claims.exp === undefined) jwt = jwt.setExpirationTime('1h');
  return jwt.sign(new TextEncoder().encode(secret));
};

describe('identity, roles and error codes', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  describe('bad credentials are UNAUTHENTICATED (401), never treated as anonymous', () => {
    const cases: [string, () => Promise<string>][] = [
      ['a malformed JWT', async () => 'not.a.jwt'],
      ['an expired JWT', () => sign({ sub: 'demo-analyst', exp: Math.floor(Date.now() / 1000) - 60 })],
      ['a JWT signed with another secret', () => sign({ sub: 'demo-analyst' }, 'another-secret-another-secret-another!')],
      ['a JWT for an unknown user', () => sign({ sub: 'nobody-here' })],
      ['a JWT without a subject', () => sign({})],
    ];
    it.each(cases)('%s', async (_name, makeToken) => {
      const before = await snapshot(t);
      const response = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-21') }, { token: await makeToken() });
      expect(response.status).toBe(401);
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
      expect(await snapshot(t)).toBe(before);
    });

    it('a non-Bearer Authorization header', async () => {
      const response = await t.request(PackHealthDocument, {}, { headers: { authorization: 'Basic ZGVtbzpkZW1v' } });
      expect(response.status).toBe(401);
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('a bad token on the WebSocket closes the connection with 4403', async () => {
      const closeCode = await new Promise<number>((resolve) => {
        const client = createClient({
          url: t.server.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: 'Bearer not.a.jwt' },
          on: { closed: (event) => resolve((event as { code: number }).code) },
        });
        client.subscribe(
          { query: 'subscription { packHealthChanged { status } }' },
          { next: () => {}, error: () => {}, complete: () => {} },
        );
      });
      expect(closeCode).toBe(4403);
    });
  });

  describe('anonymous callers may read only packHealth', () => {
    it('packHealth works without a token', async () => {
      const response = await t.request(PackHealthDocument, {});
      expect(response.errors).toBeUndefined();
      expect(response.data?.packHealth).toMatchObject({ status: 'FRESH', packId: 'PP_2026-11-20' });
    });

    it.each([
      ['pricingPack', PricingPackDocument, { id: 'PP_2026-11-20' }],
      ['pricingPacks', PricingPacksDocument, {}],
      ['portfolios', PortfoliosDocument, {}],
      ['portfolio', PortfolioDocument, { id: 'pf-demo-growth' }],
      ['viewer', ViewerDocument, {}],
      ['markPackFresh', MarkPackFreshDocument, { id: 'PP_2026-11-20' }],
    ] as const)('%s needs a user', async (_field, document, variables) => {
      const response = await t.request(document as never, variables as never);
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('roles', () => {
    it.each(['demo-viewer', 'demo-analyst', 'other-analyst'])(
      '%s may not publish or mark packs (FORBIDDEN, nothing written)',
      async (user) => {
        const before = await snapshot(t);
        for (const [document, variables] of [
          [CreatePricingPackDocument, { input: samplePack('2026-11-22') }],
          [MarkPackFreshDocument, { id: 'PP_2026-11-20' }],
          [MarkPackErrorDocument, { id: 'PP_2026-11-20', message: 'nope' }],
        ] as const) {
          const response = await t.request(document as never, variables as never, { as: user });
          expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        }
        expect(await snapshot(t)).toBe(before);
      },
    );

    it.each(['pack-builder', 'demo-admin'])('%s may publish a pack', async (user) => {
      const date = user === 'pack-builder' ? '2026-11-26' : '2026-11-27';
      const response = await t.request(CreatePricingPackDocument, { input: samplePack(date) }, { as: user });
      expect(response.errors).toBeUndefined();
      expect(response.data?.createPricingPack).toMatchObject({ id: `PP_${date}`, status: 'WARMING', isFresh: false });
    });
  });

  describe('bad input', () => {
    it('an unknown pack id is NO_PRICING_PACK for health and for the pack builder', async () => {
      const health = await t.request(PackHealthDocument, { packId: 'PP_1999-01-01' });
      expect(health.errors?.[0].extensions).toMatchObject({ code: 'NO_PRICING_PACK', packId: 'PP_1999-01-01' });
      const before = await snapshot(t);
      const mark = await t.request(MarkPackFreshDocument, { id: 'PP_1999-01-01' }, { as: 'pack-builder' });
      expect(mark.errors?.[0].extensions?.code).toBe('NO_PRICING_PACK');
      expect(await snapshot(t)).toBe(before);
    });

    it('pricingPack of an unknown id is null, not an error', async () => {
      const response = await t.request(PricingPackDocument, { id: 'PP_1999-01-01' }, { as: 'demo-viewer' });
      expect(response.errors).toBeUndefined();
      expect(response.data?.pricingPack).toBeNull();
    });

    it('markPackFresh on a pack whose reconciliation failed is refused and writes nothing', async () => {
      const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-28') }, { as: 'pack-builder' });
      const id = created.data!.createPricingPack!.id;
      await t.request(MarkPackErrorDocument, { id, message: 'USD/CAD off by 80 bps against WM/Reuters' }, { as: 'pack-builder' });
      const before = await snapshot(t);
      const response = await t.request(MarkPackFreshDocument, { id }, { as: 'pack-builder' });
      expect(response.errors?.[0].extensions).toMatchObject({
        code: 'PRICING_PACK_ERROR',
        packId: id,
        errorMessage: 'USD/CAD off by 80 bps against WM/Reuters',
      });
      expect(await snapshot(t)).toBe(before);
      const pack = await t.request(PricingPackDocument, { id }, { as: 'demo-viewer' });
      expect(pack.data?.pricingPack).toMatchObject({ status: 'ERROR', isFresh: false, health: { status: 'ERROR' } });
    });

    it('an invalid pack is BAD_USER_INPUT with the path of each problem, and writes nothing', async () => {
      const before = await snapshot(t);
      const response = await t.request(
        CreatePricingPackDocument,
        {
          input: samplePack('2026-11-29', {
            policy: 'WM4PM',
            prices: [
              { symbol: 'RY.TO', close: -1, currency: 'CAD', source: 'FMP' },
              { symbol: 'RY.TO', close: 10, currency: 'cad', source: 'FMP' },
            ],
          }),
        },
        { as: 'pack-builder' },
      );
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(response.errors?.[0].extensions?.path).toEqual(
        expect.arrayContaining(['policy', 'prices.0.close', 'prices.1.symbol', 'prices.1.currency']),
      );
      expect(await snapshot(t)).toBe(before);
    });

    it('a malformed date is rejected by the Date scalar before any resolver runs', async () => {
      const response = await t.request(CreatePricingPackDocument, { input: samplePack('2026-13-45') }, { as: 'pack-builder' });
      expect(response.status).toBe(400);
      expect(response.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
    });

    it('an out-of-range page size is BAD_USER_INPUT', async () => {
      const response = await t.request(PricingPacksDocument, { first: 1000 }, { as: 'demo-viewer' });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['first'] });
    });

    it('errors carry no stack trace', async () => {
      const response = await t.request(MarkPackFreshDocument, { id: 'PP_1999-01-01' }, { as: 'pack-builder' });
      expect(JSON.stringify(response)).not.toMatch(/stacktrace|at .*\.ts:\d+/);
    });
  });

  describe('tenants', () => {
    it("a user sees only their own tenant's portfolios; another tenant's id looks missing", async () => {
      const own = await t.request(PortfoliosDocument, {}, { as: 'other-analyst' });
      expect(own.data?.portfolios.edges.map((e) => e.node.id)).toEqual(['pf-other-income']);
      const foreign = await t.request(PortfolioDocument, { id: 'pf-demo-growth' }, { as: 'other-analyst' });
      const missing = await t.request(PortfolioDocument, { id: 'pf-does-not-exist' }, { as: 'other-analyst' });
      expect(foreign).toEqual(missing);
      expect(foreign.data?.portfolio).toBeNull();
    });

    it('viewer reports the caller, its tenant, roles and credit balance', async () => {
      const response = await t.request(ViewerDocument, {}, { as: 'demo-admin' });
      expect(response.data?.viewer).toEqual({ userId: 'demo-admin', tenantId: 'demo', roles: ['admin'], creditBalance: 1000 });
    });
  });
});
