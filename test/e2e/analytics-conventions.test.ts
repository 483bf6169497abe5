import {
  AppendLedgerEntriesDocument,
  CreatePortfolioDocument,
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExecutionDocument,
  MarkPackFreshDocument,
  UpsertSecuritiesDocument,
  type CreatePricingPackInput,
  type LedgerEntryInput,
} from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Issue 17: analytics on portfolios users build themselves — their own securities, packs (a policy
 * of their own, so the demo's packs never mix in) and ledgers — through the API only.
 */

type Price = [symbol: string, close: number];

/** Securities of these tests: two in CAD, one in USD. */
const SECURITIES = [
  { symbol: 'I17A', name: 'Issue 17 A', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'I17B', name: 'Issue 17 B', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
  { symbol: 'I17U', name: 'Issue 17 U', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
];
const CURRENCY_OF = new Map(SECURITIES.map((s) => [s.symbol, s.currency]));

describe('analytics on your own portfolio, packs and securities', () => {
  let t: TestServer;
  let policies = 0;

  beforeAll(async () => {
    t = await startTestServer();
    const upserted = await t.request(UpsertSecuritiesDocument, { input: SECURITIES }, { as: 'pack-builder' });
    expect(upserted.errors).toBeUndefined();
  });
  afterAll(async () => {
    await t.close();
  });

  /** A policy no other test uses: its packs are the only ones a run on it sees. */
  const newPolicy = () => `I17T${++policies}_CAD`;

  async function publish(policy: string, date: string, prices: Price[], usdcad = 1.35): Promise<string> {
    const input: CreatePricingPackInput = {
      date,
      policy,
      prices: prices.map(([symbol, close]) => ({ symbol, close, currency: CURRENCY_OF.get(symbol)!, source: 'FMP' })),
      fxRates: [{ currency: 'USD', rate: usdcad, source: 'FRED' }],
    };
    const created = await t.request(CreatePricingPackDocument, { input }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPricingPack!.id;
    const fresh = await t.request(MarkPackFreshDocument, { id }, { as: 'pack-builder' });
    expect(fresh.errors).toBeUndefined();
    return id;
  }

  async function portfolioWith(entries: LedgerEntryInput[]): Promise<string> {
    const created = await t.request(CreatePortfolioDocument, { input: { name: 'Issue 17', baseCurrency: 'CAD' } }, { as: 'demo-analyst' });
    expect(created.errors).toBeUndefined();
    const id = created.data!.createPortfolio!.id;
    if (entries.length > 0) {
      const appended = await t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: id, entries, message: 'trades' },
        { as: 'demo-analyst' },
      );
      expect(appended.errors).toBeUndefined();
    }
    return id;
  }

  async function run(patternId: string, packId: string, inputs: Record<string, unknown>) {
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId, packId, inputs: inputs as never, requireFresh: true } },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  describe('unvalued holdings', () => {
    it('a pack without some holdings’ prices: PARTIAL, a warning per unvalued holding (code, symbol, step), stored with the run', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-01-02', [
        ['I17A', 10],
        ['I17B', 20],
        ['I17U', 30],
      ]);
      const packId = await publish(policy, '2024-01-05', [['I17A', 11]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'CAD', amount: 10_000 },
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'USD', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17A', quantity: 100, price: 10, currency: 'CAD' },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17B', quantity: 100, price: 20, currency: 'CAD' },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17U', quantity: 10, price: 30, currency: 'USD' },
      ]);

      const execution = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(execution.status).toBe('PARTIAL');
      expect(execution.errors).toEqual([]);
      const result = execution.result as Record<string, any>;
      expect(result.valuation.missingPrices).toEqual(['I17B', 'I17U']);
      expect(execution.warnings).toEqual(
        expect.arrayContaining([
          { code: 'PRICE_MISSING', symbol: 'I17B', stepId: 'valuation', message: expect.stringContaining('I17B') },
          { code: 'PRICE_MISSING', symbol: 'I17U', stepId: 'valuation', message: expect.stringContaining('I17U') },
          { code: 'PRICE_CARRIED_FORWARD', symbol: 'I17B', stepId: 'series', message: expect.any(String) },
        ]),
      );
      // Confidence is the data's own (one holding of three valued), lowered per warning, not also as PARTIAL.
      expect(execution.confidence).toBeCloseTo((1 / 3) * 0.95 ** execution.warnings!.length, 4);

      const stored = await t.request(ExecutionDocument, { id: execution.id }, { as: 'demo-viewer' });
      expect(stored.data!.execution!.warnings).toEqual(execution.warnings);
      expect(stored.data!.execution!.status).toBe('PARTIAL');

      // The same pack, ledger, pattern and inputs: the same bytes and the same warnings.
      const again = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(again.resultSha256).toBe(execution.resultSha256);
      expect(again.warnings).toEqual(execution.warnings);
    });

    it('every holding priced: SUCCESS and no warnings', async () => {
      const policy = newPolicy();
      await publish(policy, '2024-01-02', [['I17A', 10]]);
      const packId = await publish(policy, '2024-01-05', [['I17A', 11]]);
      const portfolioId = await portfolioWith([
        { kind: 'DEPOSIT', tradeDate: '2024-01-02', currency: 'CAD', amount: 1_000 },
        { kind: 'BUY', tradeDate: '2024-01-02', symbol: 'I17A', quantity: 10, price: 10, currency: 'CAD' },
      ]);
      const execution = await run('portfolio_overview', packId, { portfolioId, start: '2024-01-02' });
      expect(execution.status).toBe('SUCCESS');
      expect(execution.warnings).toEqual([]);
    });
  });
});
