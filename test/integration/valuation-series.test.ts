// Issue 19: the daily valuation series is computed in the database from holding intervals. Here it
// is checked against a plain day-by-day replay written in the test from the same inputs, on a
// portfolio with every case the SQL has to get right.
import type { AgentDeps } from '../../src/agents/agent-deps';
import {
  valuationSeriesCapability,
  type DatedExternalFlow,
  type ValuationPoint,
  type ValuationSeries,
} from '../../src/agents/financial-analyst/valuation-series';
import { dailyValuation, type DailyValuationRequest } from '../../src/data/packs/daily-valuation';
import type { SqlExecutor } from '../../src/db/database';
import { createLedgerServices, type LedgerEntryInput } from '../../src/ledger';
import { PackBuilder } from '../../src/packs/pack-builder';
import { createPortfolio } from '../../src/portfolios';
import type { CapabilityResult, RequestCtx } from '../../src/runtime/capability';
import { upsertSecurities } from '../../src/securities/upsert-securities';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const POLICY = 'VALSQL_CAD';
/**
 * The same packs with 40 more securities no ledger holds: a pack prices more than 8 securities per
 * ledger symbol, so each day's rows are found by a probe per symbol instead of read whole.
 */
const WIDE_POLICY = 'VALSQL_WIDE_CAD';
const FILLERS = Array.from({ length: 40 }, (_, i) => `VSF${String(i).padStart(2, '0')}`);
const ACTOR = { userId: 'valsql-analyst', tenantId: 'valsql', traceId: 'valuation-series', requestId: 'valuation-series' };
const CURRENCY_OF: Record<string, string> = { VSA: 'CAD', VSB: 'CAD', VSU: 'USD', VSE: 'EUR' };

/** Business days of the packs; the ledger also trades on days between them (weekends, a holiday). */
const DAYS = [
  '2024-03-04',
  '2024-03-05',
  '2024-03-06',
  '2024-03-07',
  '2024-03-08',
  '2024-03-11',
  '2024-03-12',
  '2024-03-13',
  '2024-03-15',
  '2024-03-18',
  '2024-03-19',
  '2024-03-20',
];

interface Day {
  date: string;
  closes: Map<string, number>;
  /** Units of CAD (the pack's base) per unit of the currency. */
  rates: Map<string, number>;
}

/**
 * The packs' content. Gaps on purpose: VSB has no close on 03-07 and 03-08 (carried while held),
 * VSU none on 03-12 (carried), VSE none before 03-11 (bought only after it is priced).
 */
const PACKS: Day[] = DAYS.map((date, i) => {
  const closes = new Map<string, number>();
  closes.set('VSA', 50 + 3 * Math.sin(i) + i / 7);
  if (date !== '2024-03-07' && date !== '2024-03-08') closes.set('VSB', 20.5 + Math.cos(i * 1.3));
  if (date !== '2024-03-12') closes.set('VSU', 101.25 + 2 * Math.sin(i * 0.7));
  if (date >= '2024-03-11') closes.set('VSE', 33 + i / 3);
  return {
    date,
    closes,
    rates: new Map([
      ['USD', 1.35 + i / 1000],
      ['EUR', 1.47 - i / 1500],
    ]),
  };
});

const LEDGER: LedgerEntryInput[] = [
  // Before the first pack: history, in the opening value.
  { kind: 'DEPOSIT', tradeDate: '2024-03-01', currency: 'CAD', amount: 100_000 },
  { kind: 'DEPOSIT', tradeDate: '2024-03-01', currency: 'USD', amount: 20_000 },
  { kind: 'BUY', tradeDate: '2024-03-01', symbol: 'VSA', quantity: 300, price: 49, currency: 'CAD' },
  { kind: 'BUY', tradeDate: '2024-03-04', symbol: 'VSB', quantity: 1_000.5, price: 20, currency: 'CAD' },
  { kind: 'BUY', tradeDate: '2024-03-05', symbol: 'VSU', quantity: 80, price: 100, currency: 'USD' },
  { kind: 'FEE', tradeDate: '2024-03-05', currency: 'CAD', amount: 9.99 },
  // Sold to zero on a Saturday, bought back the next Wednesday.
  { kind: 'SELL', tradeDate: '2024-03-09', symbol: 'VSB', quantity: 1_000.5, price: 21, currency: 'CAD' },
  { kind: 'WITHDRAWAL', tradeDate: '2024-03-09', currency: 'CAD', amount: 5_000 },
  { kind: 'DEPOSIT', tradeDate: '2024-03-10', currency: 'EUR', amount: 1_000 },
  { kind: 'DEPOSIT', tradeDate: '2024-03-11', currency: 'USD', amount: 3_000 },
  { kind: 'BUY', tradeDate: '2024-03-11', symbol: 'VSE', quantity: 25, price: 36, currency: 'EUR' },
  { kind: 'BUY', tradeDate: '2024-03-13', symbol: 'VSB', quantity: 400, price: 20, currency: 'CAD' },
  { kind: 'DIVIDEND', tradeDate: '2024-03-14', symbol: 'VSU', currency: 'USD', amount: 41.6 },
  // On the holiday 03-14 (no pack): at the 03-13 rate, booked at 03-15.
  { kind: 'WITHDRAWAL', tradeDate: '2024-03-14', currency: 'USD', amount: 1_200 },
  { kind: 'SELL', tradeDate: '2024-03-18', symbol: 'VSU', quantity: 30, price: 102, currency: 'USD' },
  { kind: 'DEPOSIT', tradeDate: '2024-03-18', currency: 'EUR', amount: 700 },
];

let test: TestDatabase;
let deps: AgentDeps;
let packIds: Map<string, string>;
const pinned = new Map<string, { id: string; createdAt: Date }>();

beforeAll(async () => {
  test = await openTestDatabase();
  await test.data.tenants.insert({ id: ACTOR.tenantId, name: 'Valuation series' });
  await test.data.users.insert({ id: ACTOR.userId, tenantId: ACTOR.tenantId, roles: ['analyst'] });
  await upsertSecurities(
    test.data,
    ACTOR,
    [...Object.entries(CURRENCY_OF), ...FILLERS.map((symbol) => [symbol, 'CAD'])].map(([symbol, currency]) => ({
      symbol,
      name: symbol,
      currency,
      assetClass: 'EQUITY',
    })),
  );
  const builder = new PackBuilder(test.data);
  packIds = new Map();
  for (const policy of [POLICY, WIDE_POLICY]) {
    for (const [i, day] of PACKS.entries()) {
      const prices = [...day.closes].map(([symbol, close]) => ({ symbol, close, currency: CURRENCY_OF[symbol], source: 'FMP' }));
      if (policy === WIDE_POLICY)
        prices.push(...FILLERS.map((symbol, k) => ({ symbol, close: 10 + k + i, currency: 'CAD', source: 'FMP' })));
      const created = await builder.createPricingPack({
        date: day.date,
        policy,
        prices,
        fxRates: [...day.rates].map(([currency, rate]) => ({ currency, rate, source: 'FRED' })),
      });
      const fresh = await builder.markPackFresh(created.id);
      packIds.set(`${policy}:${day.date}`, fresh.id);
      pinned.set(policy, { id: fresh.id, createdAt: fresh.createdAt });
    }
  }
  deps = {
    ledger: test.data.ledger,
    marketData: test.data.marketData,
    securities: test.data.securities,
    news: test.data.news,
    conventions: { flowTiming: 'start-of-day', annualizationDays: 365, riskPeriodsPerYear: null },
  };
}, 60_000);
afterAll(async () => {
  await test?.close();
});

/** A portfolio of the given ledger, and the context of a run on the last pack. */
async function portfolioWith(entries: LedgerEntryInput[], baseCurrency: string, policy = POLICY): Promise<RequestCtx> {
  const portfolio = await createPortfolio(test.data, ACTOR, { name: 'Valuation series', baseCurrency });
  const commit = await createLedgerServices(test.data).append({
    tenantId: ACTOR.tenantId,
    authorId: ACTOR.userId,
    portfolioId: portfolio.id,
    entries,
    message: 'trades',
  });
  const last = DAYS[DAYS.length - 1];
  return {
    userId: ACTOR.userId,
    tenantId: ACTOR.tenantId,
    pricingPackId: pinned.get(policy)!.id,
    pricingPackCreatedAt: pinned.get(policy)!.createdAt.toISOString(),
    policy,
    packBaseCurrency: 'CAD',
    baseCurrency,
    ledgerCommitHash: commit.hash,
    portfolioId: portfolio.id,
    asofDate: last,
    defaultStart: DAYS[0],
    requireFresh: true,
    packIsFresh: true,
    traceId: 'valuation-series',
    requestId: 'valuation-series',
  };
}

async function series(ctx: RequestCtx, args: Record<string, unknown> = {}): Promise<CapabilityResult> {
  return valuationSeriesCapability(deps)({ ctx, args: { portfolioId: ctx.portfolioId, ...args }, signal: new AbortController().signal });
}

/**
 * The reference: the portfolio replayed day by day in plain JavaScript, from the test's own inputs.
 * Every pack day: quantities and cash of the entries traded by then, each close (or the latest
 * earlier one), each currency at that day's rate through CAD.
 */
function reference(entries: LedgerEntryInput[], base: string, policy = POLICY) {
  const toCad = (day: Day, currency: string) => (currency === 'CAD' ? 1 : day.rates.get(currency)!);
  const rate = (day: Day, currency: string) => toCad(day, currency) / toCad(day, base);
  const packOnOrBefore = (date: string) => [...PACKS].reverse().find((d) => d.date <= date) ?? PACKS[0];
  const quantity = new Map<string, number>();
  const cash = new Map<string, number>();
  const lastClose = new Map<string, number>();
  const carried = new Set<string>();
  let carriedDays = 0;
  let applied = 0;
  const points: ValuationPoint[] = [];
  const flows: DatedExternalFlow[] = [];
  for (const day of PACKS) {
    let inflow = 0;
    let outflow = 0;
    for (; applied < entries.length && entries[applied].tradeDate <= day.date; applied++) {
      const e = entries[applied];
      const amount = e.amount ?? e.quantity! * e.price!;
      const sign = e.kind === 'DEPOSIT' || e.kind === 'SELL' || e.kind === 'DIVIDEND' ? 1 : -1;
      cash.set(e.currency, (cash.get(e.currency) ?? 0) + sign * amount);
      if (e.kind === 'BUY') quantity.set(e.symbol!, (quantity.get(e.symbol!) ?? 0) + e.quantity!);
      if (e.kind === 'SELL') quantity.set(e.symbol!, (quantity.get(e.symbol!) ?? 0) - e.quantity!);
      if (e.kind === 'DEPOSIT' || e.kind === 'WITHDRAWAL') {
        const inBase = amount * rate(packOnOrBefore(e.tradeDate), e.currency);
        if (e.kind === 'DEPOSIT') inflow += inBase;
        else outflow += inBase;
        if (points.length > 0) flows.push({ date: e.tradeDate, amount: e.kind === 'DEPOSIT' ? inBase : -inBase });
      }
    }
    let value = 0;
    let carriedToday = false;
    for (const [symbol, close] of day.closes) lastClose.set(symbol, close);
    for (const [symbol, q] of quantity) {
      if (q === 0) continue;
      if (!day.closes.has(symbol)) {
        carried.add(symbol);
        carriedToday = true;
      }
      value += q * lastClose.get(symbol)! * rate(day, CURRENCY_OF[symbol]);
    }
    for (const [currency, amount] of cash) value += amount * rate(day, currency);
    if (carriedToday) carriedDays++;
    const first = points.length === 0;
    points.push({
      date: day.date,
      packId: packIds.get(`${policy}:${day.date}`)!,
      value,
      inflow: first ? 0 : inflow,
      outflow: first ? 0 : outflow,
    });
  }
  return { points, flows, carried: [...carried].sort(), confidence: 1 - carriedDays / points.length };
}

/** Equal to a few units in the last places: the two sides add in different orders. */
function expectClose(actual: number, expected: number) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(1e-9 * Math.max(1, Math.abs(expected)));
}

describe.each([
  ['CAD', POLICY],
  ['USD', POLICY],
  ['CAD', WIDE_POLICY],
])('the valuation series of a portfolio in %s (packs of %s)', (base, policy) => {
  let ctx: RequestCtx;
  let result: CapabilityResult;

  beforeAll(async () => {
    ctx = await portfolioWith(LEDGER, base, policy);
    result = await series(ctx);
  });

  it('has the reference’s value and flows on every pack day, carried closes included', () => {
    const expected = reference(LEDGER, base, policy);
    const actual = result.data as ValuationSeries;
    expect(actual.points.map((p) => [p.date, p.packId])).toEqual(expected.points.map((p) => [p.date, p.packId]));
    actual.points.forEach((point, i) => {
      expectClose(point.value, expected.points[i].value);
      expectClose(point.inflow, expected.points[i].inflow);
      expectClose(point.outflow, expected.points[i].outflow);
    });
    expect(actual.flows.map((f) => f.date)).toEqual(expected.flows.map((f) => f.date));
    actual.flows.forEach((flow, i) => expectClose(flow.amount, expected.flows[i].amount));
    expect({ start: actual.start, end: actual.end, baseCurrency: actual.baseCurrency }).toEqual({
      start: DAYS[0],
      end: DAYS[DAYS.length - 1],
      baseCurrency: base,
    });
    // VSB carried only on days it was held (03-07, 03-08); VSU on 03-12.
    expect(result.warnings!.map((w) => w.symbol)).toEqual(expected.carried);
    expect(expected.carried).toEqual(['VSB', 'VSU']);
    for (const p of result.provenance.filter((p) => p.source !== 'Internal')) expect(p.confidence).toBeCloseTo(expected.confidence, 12);
    expect(result.provenance.map((p) => [p.source, p.asOf]).sort()).toEqual([
      ['FMP', DAYS[DAYS.length - 1]],
      ['FRED', DAYS[DAYS.length - 1]],
      ['Internal', DAYS[DAYS.length - 1]],
    ]);
  });

  it('gives the same bytes on a rerun', async () => {
    const again = await series(ctx);
    expect(JSON.stringify(again)).toBe(JSON.stringify(result));
  });
});

describe('what cannot be valued', () => {
  it('a held symbol with no close on or before a day: PRICE_MISSING for the first such day', async () => {
    // VSE is first priced on 03-11: bought on 03-06 it has nothing to value with on 03-06.
    const ctx = await portfolioWith(
      [
        { kind: 'DEPOSIT', tradeDate: '2024-03-04', currency: 'EUR', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-03-06', symbol: 'VSE', quantity: 10, price: 30, currency: 'EUR' },
      ],
      'CAD',
    );
    await expect(series(ctx)).rejects.toMatchObject({ code: 'PRICE_MISSING', message: 'no price for VSE on or before 2024-03-06' });
  });

  it('a symbol sold before its first close is never asked for a price', async () => {
    const ctx = await portfolioWith(
      [
        { kind: 'DEPOSIT', tradeDate: '2024-03-04', currency: 'EUR', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-03-06', symbol: 'VSE', quantity: 10, price: 30, currency: 'EUR' },
        { kind: 'SELL', tradeDate: '2024-03-06', symbol: 'VSE', quantity: 10, price: 31, currency: 'EUR' },
      ],
      'CAD',
    );
    const result = await series(ctx);
    const points = (result.data as ValuationSeries).points;
    expect(points).toHaveLength(DAYS.length);
    expectClose(points[points.length - 1].value, 1_010 * PACKS[PACKS.length - 1].rates.get('EUR')!);
    expect(result.warnings).toEqual([]);
  });
});

describe('the remembered pack size', () => {
  it('only picks how rows are read: a wrong one gives the same days, and a known one saves its statement', async () => {
    const statements: string[] = [];
    const counting: SqlExecutor = {
      exec: (text) => test.db.sql.exec(text),
      query: (text, params) => {
        statements.push(text);
        return test.db.sql.query(text, params);
      },
    };
    const last = DAYS[DAYS.length - 1];
    const request: DailyValuationRequest = {
      policy: WIDE_POLICY,
      start: DAYS[0],
      end: last,
      publishedBy: pinned.get(WIDE_POLICY)!.createdAt,
      symbols: ['VSA', 'VSU'],
      holdings: [
        { symbol: 'VSA', currency: 'CAD', from: DAYS[0], until: null, quantity: 12 },
        { symbol: 'VSU', currency: 'USD', from: DAYS[2], until: DAYS[8], quantity: 3.5 },
      ],
    };
    const memo = new Map<string, number>();
    const first = await dailyValuation(counting, request, memo);
    expect(statements).toHaveLength(2);
    expect([...memo.values()]).toEqual([4 + FILLERS.length]); // the newest pack prices all four symbols and the fillers
    const again = await dailyValuation(counting, request, memo);
    expect(statements).toHaveLength(3);
    expect(again).toEqual(first);
    // Remembered sizes that pick the other way (probes, then the whole range) give the same days.
    for (const size of [1e9, 0]) {
      memo.set([...memo.keys()][0], size);
      expect(await dailyValuation(counting, request, memo)).toEqual(first);
    }
    expect(first).toHaveLength(DAYS.length);
  });
});
