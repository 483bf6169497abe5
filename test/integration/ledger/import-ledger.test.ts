import { readFileSync } from 'node:fs';
import path from 'node:path';
import { importLedgerCsv } from '../../../src/cli/import-ledger';
import { LedgerImportError } from '../../../src/cli/ledger-csv';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { LedgerRepository } from '../../../src/data/ledger/ledger-repository';
import { computePositions } from '../../../src/ledger';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';

let test: TestDatabase;
let repository: LedgerRepository;
const GROWTH = 'pf-demo-growth';
const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures', name), 'utf8');

beforeAll(async () => {
  test = await openTestDatabase();
  await seedDemoData(test.data);
  repository = new LedgerRepository(test.db);
});
afterAll(async () => {
  await test?.close();
});

async function importError(promise: Promise<unknown>): Promise<LedgerImportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerImportError);
    return error as LedgerImportError;
  }
  throw new Error('expected a LedgerImportError');
}

async function state(): Promise<string> {
  const [row] = await test.db.sql.query<{ state: string }>(
    `SELECT (SELECT count(*) FROM ledger_commits) || '/' || (SELECT count(*) FROM ledger_entries) || '/' ||
            (SELECT string_agg(ledger_head, ',' ORDER BY id) FROM portfolios) AS state`,
  );
  return row.state;
}

describe('importLedgerCsv', () => {
  it('reports the bad fixture by CSV line and column, and writes nothing', async () => {
    const before = await state();
    const error = await importError(
      importLedgerCsv(test.data, { portfolioId: GROWTH, csv: fixture('ledger-bad.csv'), source: 'ledger-bad.csv' }),
    );
    expect(error.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'symbol'],
      [4, 'quantity'],
      [5, 'currency'],
      [6, 'tradeDate'],
    ]);
    expect(error.message).toMatch(/^ledger-bad\.csv: 4 problems, nothing imported\n/);
    expect(error.message).toContain('line 3, symbol: unknown symbol FOO.TO');
    expect(error.message).toContain('line 4, quantity: sells 500 AAPL but the ledger holds 63');
    expect(error.message).toContain('line 5, currency: RY.TO trades in CAD, not USD');
    expect(error.message).toContain('line 6, tradeDate: 2026-11-02 is before 2026-11-23');
    expect(await state()).toBe(before);
  });

  it('refuses an unknown portfolio and an author from another tenant', async () => {
    const before = await state();
    const csv = fixture('ledger-sample.csv');
    expect((await importError(importLedgerCsv(test.data, { portfolioId: 'pf-nope', csv }))).message).toContain('no portfolio pf-nope');
    expect((await importError(importLedgerCsv(test.data, { portfolioId: GROWTH, csv, authorId: 'other-analyst' }))).message).toContain(
      '--author: other-analyst is not a user of tenant demo',
    );
    expect(await state()).toBe(before);
  });

  it('appends every row of the sample fixture as one commit on the portfolio’s chain', async () => {
    const head = (await repository.head(GROWTH))!;
    const before = computePositions((await repository.entriesUpTo(GROWTH, head.hash))!);
    const commit = await importLedgerCsv(test.data, {
      portfolioId: GROWTH,
      csv: fixture('ledger-sample.csv'),
      message: 'November trades',
      authorId: 'demo-admin',
    });
    expect(commit).toMatchObject({
      parentHash: head.hash,
      seq: head.seq + 1,
      entryCount: 6,
      message: 'November trades',
      authorId: 'demo-admin',
    });
    expect((await repository.head(GROWTH))!.hash).toBe(commit.hash);

    const after = computePositions((await repository.entriesUpTo(GROWTH, commit.hash))!);
    const quantity = (p: typeof after, symbol: string) => p.holdings.find((h) => h.symbol === symbol)?.quantity ?? 0;
    expect(quantity(after, 'RY.TO')).toBe(quantity(before, 'RY.TO') + 20);
    expect(quantity(after, 'AAPL')).toBe(quantity(before, 'AAPL') - 13);
    expect(quantity(after, 'MSFT')).toBe(quantity(before, 'MSFT') + 5);
    const cash = (p: typeof after, currency: string) => p.cash.find((c) => c.currency === currency)!.amount;
    expect(cash(after, 'CAD') - cash(before, 'CAD')).toBeCloseTo(10_000 - 20 * 206.5, 6);
    expect(cash(after, 'USD') - cash(before, 'USD')).toBeCloseTo(3005.6 - 9.99 + 37.31 - 5 * 610.25, 6);

    // Importing the same file twice by mistake: its first day is now before the ledger's latest trade date.
    const snapshot = await state();
    const again = await importError(importLedgerCsv(test.data, { portfolioId: GROWTH, csv: fixture('ledger-sample.csv') }));
    expect(again.problems.map((p) => [p.line, p.field])).toEqual([2, 3, 4, 5].map((line) => [line, 'tradeDate']));
    expect(await state()).toBe(snapshot);
  });
});
