import {
  AppendLedgerEntriesDocument,
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExecutionDocument,
  ExecutionProgressDocument,
  MarkPackErrorDocument,
  MarkPackFreshDocument,
  PricingPackDocument,
  type ExecutionProgressSubscription,
} from '../generated/operations';
import { SubscriptionProbe } from '../support/subscription-probe';
import { startTestServer, type TestServer } from '../support/test-server';

type Progress = ExecutionProgressSubscription['executionProgress'];
const PORTFOLIO = 'pf-demo-growth';

describe('executePattern', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const executionCount = async () => (await t.app.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM executions'))[0].n;

  function run(input: Record<string, unknown>, as = 'demo-analyst') {
    return t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_overview', inputs: { portfolioId: PORTFOLIO }, ...input } as never },
      { as },
    );
  }

  /** A new pack for `date` with the same content as the latest one, prices nudged by `drift`. */
  async function publishPack(date: string, drift = 1.01): Promise<string> {
    const latest = await t.request(PricingPackDocument, { id: 'PP_2026-11-20' }, { as: 'pack-builder' });
    const pack = latest.data!.pricingPack!;
    const created = await t.request(
      CreatePricingPackDocument,
      {
        input: {
          date,
          policy: 'WM4PM_CAD',
          prices: pack.prices.map((p) => ({
            symbol: p.symbol,
            close: Math.round(p.close * drift * 100) / 100,
            currency: p.currency,
            source: p.source,
          })),
          fxRates: pack.fxRates.map((f) => ({ currency: f.currency, rate: f.rate, source: f.source })),
        },
      },
      { as: 'pack-builder' },
    );
    expect(created.errors).toBeUndefined();
    return created.data!.createPricingPack!.id;
  }

  describe('portfolio_overview on the demo portfolio', () => {
    it('returns SUCCESS with positions, a CAD valuation, a TWR, chart data, metadata, steps and attributions', async () => {
      const response = await run({});
      expect(response.errors).toBeUndefined();
      const execution = response.data!.executePattern!;
      expect(execution.status).toBe('SUCCESS');
      const result = execution.result as Record<string, any>;
      expect(result.portfolioId).toBe(PORTFOLIO);
      expect(result.baseCurrency).toBe('CAD');
      expect(result.positions.length).toBeGreaterThan(10);
      expect(result.positions[0]).toEqual(
        expect.objectContaining({ symbol: expect.any(String), quantity: expect.any(Number), averageCost: expect.any(Number) }),
      );
      expect(result.valuation.totalValueBase).toBeGreaterThan(100_000);
      expect(result.valuation.missingPrices).toEqual([]);
      // The valuation adds up: holdings plus cash, each converted at the pack's rate.
      const holdings = result.valuation.holdings.reduce((s: number, h: { marketValueBase: number }) => s + h.marketValueBase, 0);
      expect(holdings + result.valuation.cashValueBase).toBeCloseTo(result.valuation.totalValueBase, 4);
      expect(result.twr).toEqual(
        expect.objectContaining({
          start: '2025-11-21',
          end: '2026-11-20',
          totalReturn: expect.any(Number),
          annualizedReturn: expect.any(Number),
        }),
      );
      expect(Math.abs(result.twr.totalReturn)).toBeLessThan(1);
      expect(result.charts.allocationByAssetClass.map((s: { key: string }) => s.key)).toEqual(expect.arrayContaining(['EQUITY', 'CASH']));
      const weights = result.charts.allocationByCurrency.reduce((s: number, x: { weight: number }) => s + x.weight, 0);
      expect(weights).toBeCloseTo(1, 6);
      expect(result.charts.valueSeries.length).toBeGreaterThan(200);
      expect(execution.resultSha256).toMatch(/^sha256:[0-9a-f]{64}$/);
      expect(execution.confidence).toBe(1);

      const portfolio = await t.app.db.prisma.portfolio.findUniqueOrThrow({ where: { id: PORTFOLIO } });
      expect(execution.metadata).toEqual(
        expect.objectContaining({
          pricingPackId: 'PP_2026-11-20',
          ledgerCommitHash: portfolio.ledgerHead,
          patternId: 'portfolio_overview',
          patternVersion: '1.1.0',
          asofDate: '2026-11-20',
          packFresh: true,
          traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
          requestId: expect.any(String),
        }),
      );
      expect(execution.metadata!.durationMs).toBeGreaterThan(0);
      expect(execution.steps!.map((s) => [s.stepId, s.status, s.agent])).toEqual(
        [
          ['positions', 'SUCCESS', 'financial_analyst'],
          ['series', 'SUCCESS', 'financial_analyst'],
          ['valuation', 'SUCCESS', 'financial_analyst'],
          ['twr', 'SUCCESS', 'financial_analyst'],
          ['charts', 'SUCCESS', 'financial_analyst'],
        ].sort((a, b) => execution.steps!.findIndex((s) => s.stepId === a[0]) - execution.steps!.findIndex((s) => s.stepId === b[0])),
      );
      // positions and series read nothing of each other: they ran at the same time.
      const at = (id: string) => execution.steps!.find((s) => s.stepId === id)!;
      expect(Date.parse(at('series').startedAt!)).toBeLessThan(Date.parse(at('positions').finishedAt!));
      expect(Date.parse(at('positions').startedAt!)).toBeLessThan(Date.parse(at('series').finishedAt!));
      // charts needs valuation and twr: it started after both finished.
      expect(Date.parse(at('charts').startedAt!)).toBeGreaterThanOrEqual(Date.parse(at('twr').finishedAt!));
      expect(execution.attributions!.map((a) => a.source)).toEqual(['FMP', 'FRED', 'Internal', 'Polygon']);
      expect(execution.attributions!.find((a) => a.source === 'FMP')).toMatchObject({
        required: true,
        text: expect.stringContaining('Financial Modeling Prep'),
      });

      const stored = await t.request(ExecutionDocument, { id: execution.id }, { as: 'demo-viewer' });
      expect(stored.data!.execution).toMatchObject({
        id: execution.id,
        resultSha256: execution.resultSha256,
        pattern: { id: 'portfolio_overview', version: '1.1.0' },
      });
      expect(stored.data!.execution!.result).toEqual(execution.result);
    });

    it('also runs portfolio_risk and portfolio_news', async () => {
      const risk = await run({ patternId: 'portfolio_risk', inputs: { portfolioId: PORTFOLIO, riskFreeRate: 0.03 } });
      expect(risk.data?.executePattern?.status).toBe('SUCCESS');
      const r = risk.data!.executePattern!.result as Record<string, any>;
      expect(r.mwr).toEqual(expect.any(Number));
      expect(r.risk).toEqual(
        expect.objectContaining({
          annualVolatility: expect.any(Number),
          sharpeRatio: expect.any(Number),
          maxDrawdown: expect.any(Number),
          riskFreeRate: 0.03,
        }),
      );
      expect(r.risk.maxDrawdown).toBeLessThanOrEqual(0);

      const news = await run({ patternId: 'portfolio_news' });
      expect(news.data?.executePattern?.status).toBe('SUCCESS');
      const headlines = (news.data!.executePattern!.result as { headlines: { publishedAt: string }[] }).headlines;
      expect(headlines.length).toBeGreaterThan(0);
      expect(headlines.every((h) => h.publishedAt < '2026-11-21')).toBe(true);
      expect(news.data!.executePattern!.attributions!.map((a) => a.source)).toContain('NewsAPI');
    });
  });

  describe('bad input runs nothing and writes nothing', () => {
    it.each([
      ['an unknown pattern', { patternId: 'no_such_pattern' }, 'PATTERN_NOT_FOUND'],
      ['inputs failing the schema', { inputs: { start: 'yesterday', extra: 1 } }, 'BAD_USER_INPUT'],
      ["another tenant's portfolio", { inputs: { portfolioId: 'pf-other-income' } }, 'NOT_FOUND'],
      ['an unknown portfolio', { inputs: { portfolioId: 'pf-nope' } }, 'NOT_FOUND'],
      ['an unknown pinned pack', { packId: 'PP_1999-01-01' }, 'NO_PRICING_PACK'],
      ['a ledger commit of no such portfolio', { ledgerCommit: 'sha256:0000' }, 'BAD_USER_INPUT'],
    ])('%s', async (_name, input, code) => {
      const before = await executionCount();
      const response = await run(input);
      expect(response.errors?.[0].extensions?.code).toBe(code);
      expect(await executionCount()).toBe(before);
    });

    it('reports the path of every input failure', async () => {
      const response = await run({ inputs: { start: 'yesterday', extra: 1 } });
      expect(response.errors?.[0].extensions?.path).toEqual(expect.arrayContaining(['inputs.portfolioId', 'inputs.start', 'inputs.extra']));
      expect(response.errors?.[0].extensions?.patternId ?? 'portfolio_overview').toBe('portfolio_overview');
    });

    it('names the unknown pattern', async () => {
      const response = await run({ patternId: 'no_such_pattern' });
      expect(response.errors?.[0].extensions?.patternId).toBe('no_such_pattern');
    });

    it("an unknown and another tenant's portfolio are indistinguishable", async () => {
      const foreign = await run({ inputs: { portfolioId: 'pf-other-income' } });
      const missing = await run({ inputs: { portfolioId: 'pf-nope' } });
      expect(JSON.stringify(foreign.errors).replace('pf-other-income', 'X')).toBe(JSON.stringify(missing.errors).replace('pf-nope', 'X'));
    });

    it('a viewer may not execute (FORBIDDEN)', async () => {
      const response = await run({}, 'demo-viewer');
      expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });

  describe('ASYNC mode and executionProgress', () => {
    it('returns RUNNING at once; a graphql-ws client sees every step event in order and the final event', async () => {
      const response = await run({ mode: 'ASYNC' });
      expect(response.errors).toBeUndefined();
      const { id, status } = response.data!.executePattern!;
      expect(status).toBe('RUNNING');

      const probe = new SubscriptionProbe<Progress>(t.wsClient({ as: 'demo-viewer' }), ExecutionProgressDocument, { executionId: id });
      const final = await probe.next((e) => e.final, 20_000);
      probe.close();
      expect(final).toMatchObject({ executionId: id, status: 'SUCCESS', done: 5, total: 5, stepId: null });

      const steps = probe.events.filter((e) => !e.final);
      expect(steps).toHaveLength(10); // a start and a finish for each of the five steps
      for (const stepId of ['positions', 'valuation', 'series', 'twr', 'charts']) {
        const mine = steps.filter((e) => e.stepId === stepId).map((e) => e.stepStatus);
        expect(mine).toEqual(['RUNNING', 'SUCCESS']);
      }
      const order = steps.map((e) => `${e.stepId}:${e.stepStatus}`);
      expect(order.indexOf('valuation:RUNNING')).toBeGreaterThan(order.indexOf('positions:SUCCESS'));
      expect(order.indexOf('charts:RUNNING')).toBeGreaterThan(order.indexOf('twr:SUCCESS'));
      const done = steps.map((e) => e.done);
      expect([...done].sort((a, b) => a - b)).toEqual(done);

      const stored = await t.request(ExecutionDocument, { id }, { as: 'demo-analyst' });
      expect(stored.data!.execution).toMatchObject({ status: 'SUCCESS', resultSha256: expect.stringMatching(/^sha256:/) });
    });

    it('a finished execution sends its final event at once and completes', async () => {
      const done = await run({});
      const id = done.data!.executePattern!.id;
      const probe = new SubscriptionProbe<Progress>(t.wsClient({ as: 'demo-analyst' }), ExecutionProgressDocument, { executionId: id });
      expect(await probe.next()).toMatchObject({ executionId: id, final: true, status: 'SUCCESS' });
      probe.close();
    });

    it('another tenant cannot follow or read an execution: it looks missing', async () => {
      const done = await run({});
      const id = done.data!.executePattern!.id;
      const read = await t.request(ExecutionDocument, { id }, { as: 'other-analyst' });
      expect(read.errors).toBeUndefined();
      expect(read.data!.execution).toBeNull();
      const client = t.wsClient({ as: 'other-analyst' });
      const outcome = await new Promise<string>((resolve) => {
        client.subscribe(
          { query: `subscription { executionProgress(executionId: "${id}") { final } }` },
          { next: (m) => resolve(JSON.stringify(m)), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
        );
      });
      expect(outcome).toContain('NOT_FOUND');
    });
  });

  describe('reproducibility', () => {
    it('pinned to the first run’s pack and ledger commit, a later run is byte-identical; unpinned it is not', async () => {
      const first = (await run({})).data!.executePattern!;

      const appended = await t.request(
        AppendLedgerEntriesDocument,
        {
          portfolioId: PORTFOLIO,
          message: 'Top up',
          entries: [
            { kind: 'DEPOSIT', tradeDate: '2026-11-23', currency: 'CAD', amount: 5000 },
            { kind: 'BUY', tradeDate: '2026-11-23', symbol: 'RY.TO', quantity: 10, price: 150, currency: 'CAD' },
          ],
        },
        { as: 'demo-analyst' },
      );
      expect(appended.errors).toBeUndefined();
      expect(appended.data!.appendLedgerEntries!.parentHash).toBe(first.metadata!.ledgerCommitHash);
      const newPack = await publishPack('2026-11-23');
      expect((await t.request(MarkPackFreshDocument, { id: newPack }, { as: 'pack-builder' })).errors).toBeUndefined();

      const pinned = (await run({ packId: first.metadata!.pricingPackId, ledgerCommit: first.metadata!.ledgerCommitHash })).data!
        .executePattern!;
      expect(pinned.status).toBe('SUCCESS');
      expect(pinned.id).not.toBe(first.id);
      expect(pinned.resultSha256).toBe(first.resultSha256);
      expect(JSON.stringify(pinned.result)).toBe(JSON.stringify(first.result));

      const unpinned = (await run({})).data!.executePattern!;
      expect(unpinned.metadata!.pricingPackId).toBe(newPack);
      expect(unpinned.metadata!.ledgerCommitHash).toBe(appended.data!.appendLedgerEntries!.hash);
      expect(unpinned.resultSha256).not.toBe(first.resultSha256);
    });
  });

  describe('the freshness gate', () => {
    let warming: string;
    beforeAll(async () => {
      warming = await publishPack('2026-11-24', 1.02);
    });

    it('refuses a warming pack with PRICING_PACK_WARMING, estimatedReady = updatedAt + ETA, and writes nothing', async () => {
      const before = await executionCount();
      const response = await run({});
      const pack = (await t.request(PricingPackDocument, { id: warming }, { as: 'demo-viewer' })).data!.pricingPack!;
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'PRICING_PACK_WARMING', packId: warming });
      const extensions = response.errors![0].extensions as { estimatedReady: string; retryAfterSeconds: number };
      expect(Date.parse(extensions.estimatedReady) - Date.parse(pack.updatedAt)).toBe(15 * 60_000);
      expect(extensions.retryAfterSeconds).toBeGreaterThan(0);
      expect(extensions.retryAfterSeconds).toBeLessThanOrEqual(15 * 60);
      expect(await executionCount()).toBe(before);
    });

    it('runs on it with requireFresh: false, and the result says so', async () => {
      const response = await run({ requireFresh: false });
      expect(response.errors).toBeUndefined();
      const execution = response.data!.executePattern!;
      expect(execution.metadata).toMatchObject({ pricingPackId: warming, packFresh: false });
      expect(execution.confidence).toBeLessThan(1);
    });

    it('refuses a pack whose reconciliation failed either way, writing nothing', async () => {
      await t.request(MarkPackErrorDocument, { id: warming, message: 'FX break of 35 bps' }, { as: 'pack-builder' });
      const before = await executionCount();
      for (const requireFresh of [true, false]) {
        const response = await run({ requireFresh });
        expect(response.errors?.[0].extensions).toMatchObject({
          code: 'PRICING_PACK_ERROR',
          packId: warming,
          errorMessage: 'FX break of 35 bps',
        });
      }
      expect(await executionCount()).toBe(before);
    });

    it('a pinned older fresh pack still runs while the latest is blocked', async () => {
      const response = await run({ packId: 'PP_2026-11-20' });
      expect(response.data?.executePattern?.status).toBe('SUCCESS');
    });

    it("an execution right after this server's own pack write sees it (create, mark fresh, mark error; three rounds)", async () => {
      for (const [round, date] of ['2026-11-25', '2026-11-26', '2026-11-27'].entries()) {
        const pack = await publishPack(date, 1 + round / 100);
        expect((await run({})).errors?.[0].extensions).toMatchObject({ code: 'PRICING_PACK_WARMING', packId: pack });
        expect((await t.request(MarkPackFreshDocument, { id: pack }, { as: 'pack-builder' })).errors).toBeUndefined();
        const fresh = await run({});
        expect(fresh.errors).toBeUndefined();
        expect(fresh.data!.executePattern!.metadata!.pricingPackId).toBe(pack);
        await t.request(MarkPackErrorDocument, { id: pack, message: `round ${round}` }, { as: 'pack-builder' });
        expect((await run({})).errors?.[0].extensions).toMatchObject({ code: 'PRICING_PACK_ERROR', packId: pack });
      }
    });
  });

  it('keeps a finished run as it was stored: the database refuses any change but the release of its idempotency key', async () => {
    const ran = await run({ packId: 'PP_2026-11-20', idempotencyKey: 'frozen-run-1' });
    expect(ran.errors).toBeUndefined();
    const id = ran.data!.executePattern!.id;
    const stored = () =>
      t.database.owner.query(
        `SELECT status, result::text AS result, result_sha256, credits::text, idempotency_key FROM executions WHERE id = $1`,
        [id],
      );
    const before = await stored();
    for (const change of [
      `result = '{"totalValueBase":1}'`,
      `result_sha256 = 'sha256:forged'`,
      `status = 'FAILED'`,
      `credits = 0`,
      `pack_id = 'PP_2026-11-20', finished_at = now()`,
      `idempotency_key = 'another-key'`,
    ]) {
      await expect(t.database.owner.query(`UPDATE executions SET ${change} WHERE id = $1`, [id])).rejects.toMatchObject({
        code: '23514',
        message: expect.stringContaining(`execution ${id} is success and immutable`),
      });
    }
    expect(await stored()).toEqual(before);
    // A column added later is frozen too, without being listed anywhere.
    await t.database.owner.query(`ALTER TABLE executions ADD COLUMN IF NOT EXISTS later_column integer`);
    await expect(t.database.owner.query(`UPDATE executions SET later_column = 1 WHERE id = $1`, [id])).rejects.toMatchObject({
      code: '23514',
    });
    await t.database.owner.query(`ALTER TABLE executions DROP COLUMN later_column`);
    await t.database.owner.query(`UPDATE executions SET idempotency_key = NULL WHERE id = $1`, [id]);
    expect(await stored()).toEqual([{ ...before[0], idempotency_key: null }]);
  });
});
