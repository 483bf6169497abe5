import { importLedgerCsv } from '../../src/cli/import-ledger';
import { LedgerImportError } from '../../src/cli/ledger-csv';
import { addDays, todayUtc } from '../../src/shared/dates';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * Ledger entries out of bounds, through the real appendLedgerEntries mutation and the CSV
 * importer: a 2099 deposit was once accepted and froze its portfolio (later entries may not be
 * older), so each must be refused with its path, and the ledger must not move.
 */
describe('hostile ledger entries', () => {
  const PORTFOLIO = 'pf-demo-growth';
  const APPEND = `mutation($portfolioId: ID!, $entries: [LedgerEntryInput!]!) {
    appendLedgerEntries(portfolioId: $portfolioId, entries: $entries) { hash seq }
  }`;
  // The server reads the clock, so valid dates here do too; the hostile ones are far from it.
  const today = todayUtc();
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  async function ledgerState(): Promise<{ head: string; commits: number; entries: number }> {
    const [row] = await t.app.db.sql.query<{ head: string; commits: number; entries: number }>(
      `SELECT p.ledger_head AS head,
              (SELECT count(*)::int FROM ledger_commits c WHERE c.portfolio_id = p.id) AS commits,
              (SELECT count(*)::int FROM ledger_entries e JOIN ledger_commits c ON c.hash = e.commit_hash WHERE c.portfolio_id = p.id) AS entries
         FROM portfolios p WHERE p.id = $1`,
      [PORTFOLIO],
    );
    return row;
  }

  type AppendResult = { appendLedgerEntries: { hash: string; seq: number } | null };
  const append = (entries: Record<string, unknown>[]) =>
    t.request<AppendResult, { portfolioId: string; entries: Record<string, unknown>[] }>(
      APPEND,
      { portfolioId: PORTFOLIO, entries },
      { as: 'demo-analyst' },
    );

  it('refuses the year 1800 at the edge: the Date scalar takes the years 1900–9999 only', async () => {
    const before = await ledgerState();
    const response = await append([{ kind: 'DEPOSIT', tradeDate: '1800-01-01', currency: 'CAD', amount: 1 }]);
    expect(response.status).toBe(400);
    expect(response.errors![0].extensions!.code).toBe('BAD_USER_INPUT');
    expect(response.errors![0].message).toMatch(/1900–9999/);
    expect(await ledgerState()).toEqual(before);
  });

  it('refuses a 2099 deposit, a 1e13 quantity and 9 decimals with BAD_USER_INPUT at each path; the head stays', async () => {
    const before = await ledgerState();
    const response = await append([
      { kind: 'DEPOSIT', tradeDate: '2099-01-01', currency: 'CAD', amount: 100 },
      { kind: 'BUY', tradeDate: today, symbol: 'RY.TO', quantity: 1e13, price: 1, currency: 'CAD' },
      { kind: 'DEPOSIT', tradeDate: today, currency: 'CAD', amount: 100.123456789 },
      { kind: 'DEPOSIT', tradeDate: '2099-12-31', currency: 'CAD', amount: 1 },
      { kind: 'BUY', tradeDate: today, symbol: 'RY.TO', quantity: 1, price: 1.000000001, currency: 'CAD' },
    ]);

    expect(response.status).toBe(200);
    expect(response.data).toEqual({ appendLedgerEntries: null });
    expect(response.errors).toHaveLength(1);
    const [error] = response.errors!;
    expect(error.path).toEqual(['appendLedgerEntries']);
    expect(error.extensions).toMatchObject({
      code: 'BAD_USER_INPUT',
      path: ['entries.0.tradeDate', 'entries.1.quantity', 'entries.2.amount', 'entries.3.tradeDate', 'entries.4.price'],
    });
    expect(error.extensions!.issues).toEqual([
      { path: 'entries.0.tradeDate', message: expect.stringMatching(/^must be from 1900-01-01 through \d{4}-\d{2}-\d{2} /) },
      { path: 'entries.1.quantity', message: 'must be at most 1e12' },
      { path: 'entries.2.amount', message: 'must have at most 8 decimal places' },
      { path: 'entries.3.tradeDate', message: expect.stringMatching(/^must be from 1900-01-01/) },
      { path: 'entries.4.price', message: 'must have at most 8 decimal places' },
    ]);
    expect(await ledgerState()).toEqual(before);
  });

  it('the CSV importer refuses the same rows, by line and column, and writes nothing', async () => {
    const before = await ledgerState();
    const csv = [
      'kind,tradeDate,symbol,quantity,price,currency,amount',
      'DEPOSIT,2099-01-01,,,,CAD,100',
      `BUY,${today},RY.TO,1e13,1,CAD,`,
      `DEPOSIT,${today},,,,CAD,100.123456789`,
      'DEPOSIT,1800-01-01,,,,CAD,1',
      `DEPOSIT,${today},,,,CAD,1e999`,
      '',
    ].join('\n');
    let thrown: unknown;
    try {
      await importLedgerCsv(t.app.data, { portfolioId: PORTFOLIO, csv, source: 'hostile.csv' });
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(LedgerImportError);
    const problems = (thrown as LedgerImportError).problems;
    expect(problems.map((p) => [p.line, p.field, p.message])).toEqual([
      [2, 'tradeDate', expect.stringMatching(/^must be from 1900-01-01 through /)],
      [3, 'quantity', 'must be at most 1e12'],
      [4, 'amount', 'must have at most 8 decimal places'],
      [5, 'tradeDate', expect.stringMatching(/^must be from 1900-01-01 through /)],
      [6, 'amount', 'must be a finite number'],
    ]);
    expect((thrown as Error).message).toMatch(/^hostile\.csv: 5 problems, nothing imported\n/);
    expect(await ledgerState()).toEqual(before);
  });

  // Last: it moves the ledger's latest date to tomorrow, which the cases above write before.
  it('refuses a trade date two days ahead but takes one a day ahead (UTC tolerance), so the ledger still moves', async () => {
    const before = await ledgerState();
    const twoDays = await append([{ kind: 'DEPOSIT', tradeDate: addDays(today, 2), currency: 'CAD', amount: 1 }]);
    expect(twoDays.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['entries.0.tradeDate'] });
    expect(await ledgerState()).toEqual(before);

    const tomorrow = await append([{ kind: 'DEPOSIT', tradeDate: addDays(today, 1), currency: 'CAD', amount: 1 }]);
    expect(tomorrow.errors).toBeUndefined();
    const after = await ledgerState();
    expect(after.head).toBe(tomorrow.data!.appendLedgerEntries!.hash);
    expect(after.commits).toBe(before.commits + 1);
  });
});
