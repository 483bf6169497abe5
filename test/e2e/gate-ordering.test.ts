// Issue 17: once a pack write has committed, no execution may start on the state it replaced — on
// the instance that wrote it, and on another one that hears of the write late (its NOTIFY held back).
import type { Database, ListenerHandlers } from '../../src/db/database';
import {
  CreatePricingPackDocument,
  ExecutePatternDocument,
  MarkPackErrorDocument,
  MarkPackFreshDocument,
  PricingPackDocument,
} from '../generated/operations';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server';

const PORTFOLIO = 'pf-demo-growth';
const ROUNDS = 4;
// Long enough that the second instance's view of the latest pack is always the one before the write.
const NOTIFY_DELAY_MS = 3_000;

/** The database as an instance sees it whose pack NOTIFYs arrive `delayMs` late (a slow network). */
function withLateNotifications(db: Database, delayMs: number): Database {
  return new Proxy(db, {
    get(target, key) {
      if (key === 'listen') {
        return (channel: string, handlers: ListenerHandlers) =>
          target.listen(channel, {
            ...handlers,
            onNotification: (payload) => void setTimeout(() => handlers.onNotification(payload), delayMs).unref(),
          });
      }
      const value: unknown = Reflect.get(target, key, target);
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

type Run = GraphQLResponse<{ executePattern?: { status: string; metadata?: { pricingPackId: string; packFresh: boolean } | null } | null }>;

describe('the freshness gate sees every committed pack write', () => {
  let a: TestServer;
  let b: TestServer;
  let template: {
    prices: { symbol: string; close: number; currency: string; source: string }[];
    fxRates: { currency: string; rate: number; source: string }[];
  };

  beforeAll(async () => {
    a = await startTestServer();
    b = await startTestServer({ database: { ...a.database, db: withLateNotifications(a.database.db, NOTIFY_DELAY_MS) } });
    await a.database.owner.query(`UPDATE tenants SET credit_balance = 1000000 WHERE id = 'demo'`);
    const latest = (await a.request(PricingPackDocument, { id: 'PP_2026-11-20' }, { as: 'pack-builder' })).data!.pricingPack!;
    template = {
      prices: latest.prices.map(({ symbol, close, currency, source }) => ({ symbol, close, currency, source })),
      fxRates: latest.fxRates.map(({ currency, rate, source }) => ({ currency, rate, source })),
    };
  });
  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const executions = async () => (await a.database.owner.query<{ n: number }>('SELECT count(*)::int AS n FROM executions'))[0].n;
  const balance = async () =>
    (await a.database.owner.query<{ b: string }>(`SELECT credit_balance::text AS b FROM tenants WHERE id = 'demo'`))[0].b;

  function run(on: TestServer, input: Record<string, unknown> = {}): Promise<Run> {
    return on.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_overview', inputs: { portfolioId: PORTFOLIO }, ...input } as never },
      { as: 'demo-analyst' },
    ) as Promise<Run>;
  }

  let day = 0;
  async function create(): Promise<string> {
    // Days after the demo's latest (2026-11-20), ten in all: packs may not be dated after tomorrow.
    const date = new Date(Date.UTC(2026, 10, 21 + day++)).toISOString().slice(0, 10);
    const created = await a.request(
      CreatePricingPackDocument,
      { input: { date, policy: 'WM4PM_CAD', ...template } },
      { as: 'pack-builder' },
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createPricingPack!.id;
  }
  const markFresh = async (id: string) =>
    expect((await a.request(MarkPackFreshDocument, { id }, { as: 'pack-builder' })).errors).toBeUndefined();
  const markError = async (id: string) =>
    expect((await a.request(MarkPackErrorDocument, { id, message: 'late break' }, { as: 'pack-builder' })).errors).toBeUndefined();

  it(`another instance that hears of each write ${NOTIFY_DELAY_MS / 1000} s late never runs on the state it replaced (${ROUNDS} rounds of create, mark fresh, mark error)`, async () => {
    // The late instance's view: the demo's fresh latest pack.
    expect((await run(b)).data?.executePattern?.metadata?.pricingPackId).toBe('PP_2026-11-20');
    const created: string[] = [];
    for (let round = 0; round < ROUNDS; round++) {
      const pack = await create();
      // b still believes an earlier state: a fresh pack (round 0) the database refuses — naming the
      // new pack — or, when a slow round let an earlier notice arrive, a refusal from memory naming an
      // earlier pack of this test (allowed: the client retries). Never a run.
      const [count, credits] = [await executions(), await balance()];
      const afterCreate = await run(b);
      expect(afterCreate.data?.executePattern ?? null).toBeNull();
      const refusal = afterCreate.errors?.[0].extensions;
      if (round === 0) expect(refusal).toMatchObject({ code: 'PRICING_PACK_WARMING', packId: pack });
      else {
        expect(['PRICING_PACK_WARMING', 'PRICING_PACK_ERROR']).toContain(refusal?.code);
        expect([...created, pack]).toContain(refusal?.packId);
      }
      created.push(pack);
      expect([await executions(), await balance()]).toEqual([count, credits]);
      // requireFresh: false runs, on the new pack, not on the one b remembers.
      const anyway = await run(b, { requireFresh: false });
      expect(anyway.data?.executePattern?.metadata).toMatchObject({ pricingPackId: pack, packFresh: false });

      await markFresh(pack);
      // b may still refuse from memory (WARMING: the client retries); if it runs, it runs on the new pack.
      const afterFresh = await run(b);
      if (afterFresh.errors) expect(afterFresh.errors[0].extensions).toMatchObject({ code: 'PRICING_PACK_WARMING', packId: pack });
      else expect(afterFresh.data?.executePattern?.metadata?.pricingPackId).toBe(pack);
      // The writing instance sees its own write at once.
      expect((await run(a)).data?.executePattern?.metadata?.pricingPackId).toBe(pack);

      await markError(pack);
      for (const on of [a, b]) {
        const afterError = await run(on);
        expect(afterError.data?.executePattern ?? null).toBeNull();
        expect(['PRICING_PACK_ERROR', 'PRICING_PACK_WARMING']).toContain(afterError.errors?.[0].extensions?.code);
        expect(afterError.errors?.[0].extensions?.packId).toBe(pack);
      }
      // A refusal the database made is audited like one made from memory.
      const [blocked] = await a.database.owner.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM audit_log WHERE action = 'execution.blocked' AND resource = $1`,
        [`pack:${pack}`],
      );
      expect(blocked.n).toBeGreaterThanOrEqual(2);
    }
  });

  it('an instance that remembers a pack in ERROR asks the database before refusing for it', async () => {
    const failed = await create();
    await markFresh(failed);
    await markError(failed);
    // b hears of the error (and of everything before it).
    await new Promise((r) => setTimeout(r, NOTIFY_DELAY_MS + 500));
    expect((await run(b)).errors?.[0].extensions).toMatchObject({ code: 'PRICING_PACK_ERROR', packId: failed });
    // A newer pack commits; b has not heard of it, and runs on it all the same (requireFresh: false).
    const pack = await create();
    const anyway = await run(b, { requireFresh: false });
    expect(anyway.data?.executePattern?.metadata).toMatchObject({ pricingPackId: pack, packFresh: false });
    // And refuses on it — WARMING, the database's answer — when the run asks for a fresh pack.
    expect((await run(b)).errors?.[0].extensions).toMatchObject({ code: 'PRICING_PACK_WARMING', packId: pack });
  });

  it('racing pack writes and executions on two instances: no run starts on a state whose replacement had committed before it was asked for', async () => {
    interface Timed {
      startedAt: number;
      endedAt: number;
    }
    const writes: (Timed & { kind: 'create' | 'fresh' | 'error'; pack: string })[] = [];
    const runs: (Timed & { response: Run })[] = [];
    const timed = async <T>(fn: () => Promise<T>): Promise<[T, Timed]> => {
      const startedAt = performance.now();
      const value = await fn();
      return [value, { startedAt, endedAt: performance.now() }];
    };
    let writing = true;
    const writer = (async () => {
      try {
        for (let round = 0; round < ROUNDS; round++) {
          const [pack, created] = await timed(create);
          writes.push({ kind: 'create', pack, ...created });
          await new Promise((r) => setTimeout(r, 40));
          writes.push({ kind: 'fresh', pack, ...(await timed(() => markFresh(pack)))[1] });
          await new Promise((r) => setTimeout(r, 150));
          writes.push({ kind: 'error', pack, ...(await timed(() => markError(pack)))[1] });
          await new Promise((r) => setTimeout(r, 40));
        }
      } finally {
        writing = false;
      }
    })();
    const executor = async (on: TestServer) => {
      while (writing) {
        const [response, at] = await timed(() => run(on));
        runs.push({ response, ...at });
      }
    };
    await Promise.all([writer, executor(a), executor(a), executor(b), executor(b)]);

    const successes = runs.filter((r) => r.response.data?.executePattern?.status === 'SUCCESS');
    expect(successes.length).toBeGreaterThan(0);
    for (const r of successes) {
      const pack = r.response.data!.executePattern!.metadata!.pricingPackId;
      // The writes that ended "pack is the latest and fresh": its error mark, and the next create.
      const errorMark = writes.find((w) => w.kind === 'error' && w.pack === pack);
      const next = writes[writes.findIndex((w) => w.kind === 'create' && w.pack === pack) + 3];
      for (const ended of [errorMark, next]) {
        if (ended) expect({ pack, replacedBeforeAsked: ended.endedAt < r.startedAt }).toEqual({ pack, replacedBeforeAsked: false });
      }
      // And it was fresh: its fresh mark was under way before the run ended (or it is the demo's pack).
      const freshMark = writes.find((w) => w.kind === 'fresh' && w.pack === pack);
      if (pack !== 'PP_2026-11-20') expect(freshMark && freshMark.startedAt < r.endedAt).toBe(true);
    }
    for (const r of runs.filter((r) => r.response.errors)) {
      expect(['PRICING_PACK_WARMING', 'PRICING_PACK_ERROR', 'CONFLICT']).toContain(r.response.errors![0].extensions?.code);
    }
    // Every run's row names a pack that was fresh when it ran (packFresh) and every debit has its run.
    const [rows] = await a.database.owner.query<{ unfresh: number }>(
      `SELECT count(*)::int AS unfresh FROM executions e JOIN pricing_packs p ON p.id = e.pack_id
       WHERE e.require_fresh AND NOT e.pack_fresh`,
    );
    expect(rows.unfresh).toBe(0);
  });
});
