import { RunCashFlowsIncomeDocument } from '../../generated/operations';
import { patternFixtures } from '../../support/pattern-fixtures';
import { startTestServer, type TestServer } from '../../support/test-server';

/**
 * Issue 20: cash_flows_income through the API — CAD and USD deposits, withdrawals, dividends and
 * fees over three months, each converted at its trade date's USDCAD.
 */
const SECURITIES = [{ symbol: 'P20FU', name: 'P20 cash flows USD', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' }];

describe('cash_flows_income', () => {
  let t: TestServer;
  const f = patternFixtures(() => t, 'P20F', SECURITIES);
  let packId: string;
  let portfolioId: string;
  type Row = Record<string, any>;

  beforeAll(async () => {
    t = await startTestServer();
    await f.registerSecurities();
    const policy = f.newPolicy();
    await f.publish(policy, '2024-01-31', [['P20FU', 100]], { USD: 1.3 });
    await f.publish(policy, '2024-02-29', [['P20FU', 100]], { USD: 1.35 });
    packId = await f.publish(policy, '2024-03-28', [['P20FU', 100]], { USD: 1.4 });
    portfolioId = await f.portfolioWith([
      { kind: 'DEPOSIT', tradeDate: '2024-01-05', currency: 'CAD', amount: 10_000 },
      // Before the policy's first pack: its rate (1.30) is the nearest, with a warning.
      { kind: 'DEPOSIT', tradeDate: '2024-01-10', currency: 'USD', amount: 500 },
      { kind: 'DEPOSIT', tradeDate: '2024-01-31', currency: 'USD', amount: 2_000 },
      { kind: 'BUY', tradeDate: '2024-02-10', symbol: 'P20FU', quantity: 10, price: 100, currency: 'USD' },
      { kind: 'DIVIDEND', tradeDate: '2024-02-15', symbol: 'P20FU', currency: 'USD', amount: 50 },
      { kind: 'FEE', tradeDate: '2024-02-29', currency: 'CAD', amount: 25 },
      { kind: 'DIVIDEND', tradeDate: '2024-03-05', symbol: 'P20FU', currency: 'USD', amount: 40 },
      { kind: 'WITHDRAWAL', tradeDate: '2024-03-20', currency: 'CAD', amount: 1_000 },
      { kind: 'FEE', tradeDate: '2024-03-28', currency: 'USD', amount: 10 },
    ]);
  });
  afterAll(async () => {
    await t.close();
  });

  async function run(inputs: Record<string, unknown> = {}) {
    const response = await t.request(
      RunCashFlowsIncomeDocument,
      { inputs: { portfolioId, start: '2024-01-01', ...inputs }, packId },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  }

  it('by month and in total, in CAD at each trade date’s rate; interest is 0 and the result says why', async () => {
    const execution = await run();
    expect(execution.status).toBe('SUCCESS');
    const result = execution.result as Row;
    expect(result).toMatchObject({ baseCurrency: 'CAD', start: '2024-01-01', end: '2024-03-28' });
    const month = (deposits: number, withdrawals: number, dividends: number, fees: number) => ({
      deposits: expect.closeTo(deposits, 6),
      withdrawals: expect.closeTo(withdrawals, 6),
      dividends: expect.closeTo(dividends, 6),
      interest: 0,
      fees: expect.closeTo(fees, 6),
      netExternal: expect.closeTo(deposits - withdrawals, 6),
      netIncome: expect.closeTo(dividends - fees, 6),
    });
    // January: 10,000 CAD + USD 500 and 2,000 at 1.30. February: the dividend at the 01-31 pack's
    // 1.30 (the newest on or before 02-15), the CAD fee. March: USD 40 at 1.35, USD 10 at 1.40.
    expect(result.months).toEqual([
      { month: '2024-01', count: 3, ...month(10_000 + 2_500 * 1.3, 0, 0, 0) },
      { month: '2024-02', count: 2, ...month(0, 0, 50 * 1.3, 25) },
      { month: '2024-03', count: 3, ...month(0, 1_000, 40 * 1.35, 10 * 1.4) },
    ]);
    expect(result.total).toEqual({ count: 8, ...month(13_250, 1_000, 65 + 54, 25 + 14) });
    expect(result.conventions.interest).toContain('no interest');
    const dividend = result.flows.find((x: Row) => x.date === '2024-02-15');
    expect(dividend).toMatchObject({ kind: 'DIVIDEND', symbol: 'P20FU', currency: 'USD', amount: 50, fxRate: 1.3 });
    expect(result.flows.some((x: Row) => x.kind === 'BUY')).toBe(false);
    expect(execution.warnings).toEqual([
      { code: 'TRADE_DATE_FX_APPROXIMATED', message: expect.stringContaining('2024-01-10'), symbol: null, stepId: 'cashFlows' },
    ]);
  });

  it('a period of one month counts only its trade dates, and lists months without flows as zeros', async () => {
    const february = (await run({ start: '2024-02-01', end: '2024-02-29' })).result as Row;
    expect(february.months.map((m: Row) => m.month)).toEqual(['2024-02']);
    expect(february.total).toMatchObject({ count: 2, deposits: 0, fees: 25 });
    const quiet = (await run({ start: '2023-11-15', end: '2024-01-04' })).result as Row;
    expect(quiet.months.map((m: Row) => [m.month, m.count])).toEqual([
      ['2023-11', 0],
      ['2023-12', 0],
      ['2024-01', 0],
    ]);
  });

  it('a period that starts after it ends is refused at the input, before any charge', async () => {
    const response = await t.request(
      RunCashFlowsIncomeDocument,
      { inputs: { portfolioId, start: '2024-03-01', end: '2024-02-01' }, packId },
      { as: 'demo-analyst' },
    );
    expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT' });
    expect(JSON.stringify(response.errors?.[0].extensions)).toContain('inputs.start');
  });

  it('costs one credit like the other patterns and reproduces byte for byte', async () => {
    const first = await run();
    expect(first.creditsConsumed).toBe(1);
    expect(await f.chargesOf(first.id)).toEqual([{ kind: 'DEBIT', amount: -1 }]);
    expect(first.attributions!.map((a) => a.source)).toEqual(expect.arrayContaining(['FRED', 'Internal']));
    const again = await run();
    expect(again.resultSha256).toBe(first.resultSha256);
    expect(again.result).toEqual(first.result);
  });
});
