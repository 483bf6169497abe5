import { Readable } from 'node:stream';
import { importLedgerCsv } from '../../../src/cli/import-ledger';
import { LedgerImportError } from '../../../src/cli/ledger-csv';
import type { DataLayer, Repositories } from '../../../src/data/data-layer';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { APPEND_ATTEMPTS, appendLedgerEntries, computePositions, MAX_ENTRIES_PER_COMMIT, type Positions } from '../../../src/ledger';
import { computeCommitHash } from '../../../src/ledger/commit-hash';
import { todayUtc } from '../../../src/shared/dates';
import { appError } from '../../support/app-error';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';

let test: TestDatabase;
const GROWTH = 'pf-demo-growth';
const ROWS = 20_000;
const today = todayUtc();

beforeAll(async () => {
  test = await openTestDatabase();
  await seedDemoData(test.data);
});
afterAll(async () => {
  await test?.close();
});

/**
 * Eight rows that always follow the ledger rules, however often repeated. Per cycle: CAD cash
 * +1000 − 401 + 201.25 + 0.41 − 1.5 = +799.16, USD cash +500 − 250.1 + 251 = +500.9, RY.TO +1 share.
 */
const CYCLE = [
  `DEPOSIT,${today},,,,CAD,1000`,
  `BUY,${today},RY.TO,2,200.5,CAD,`,
  `SELL,${today},RY.TO,1,201.25,CAD,201.25`,
  `DIVIDEND,${today},RY.TO,,,CAD,0.41`,
  `FEE,${today},,,,CAD,1.5`,
  `DEPOSIT,${today},,,,USD,500`,
  `BUY,${today},AAPL,1,250.1,USD,`,
  `SELL,${today},AAPL,1,251,USD,`,
];
const HEADER = 'kind,tradeDate,symbol,quantity,price,currency,amount';

/** The CSV as a stream of many small chunks, like a file read from disk; `replace` swaps rows by 0-based row index. */
function csvSource(rows: number, replace: Record<number, string> = {}) {
  const opened = { count: 0 };
  const open = () => {
    opened.count++;
    return Readable.from(
      (function* () {
        yield `${HEADER}\n`;
        for (let i = 0; i < rows; i += 500) {
          let chunk = '';
          for (let j = i; j < Math.min(rows, i + 500); j++) chunk += `${replace[j] ?? CYCLE[j % CYCLE.length]}\n`;
          yield chunk;
        }
      })(),
    );
  };
  return { open, opened };
}

/** Row counts, the audit log and every head: any write shows up here. */
async function snapshot(): Promise<string> {
  const [row] = await test.db.sql.query<{ state: string }>(
    `SELECT (SELECT count(*) FROM ledger_commits) || '/' || (SELECT count(*) FROM ledger_entries) || '/' ||
            (SELECT count(*) FROM audit_log) || '/' || (SELECT string_agg(ledger_head, ',' ORDER BY id) FROM portfolios) AS state`,
  );
  return row.state;
}

async function positions(): Promise<Positions> {
  const head = (await test.data.ledger.head(GROWTH))!;
  return computePositions((await test.data.ledger.entriesUpTo(GROWTH, head.hash))!);
}

async function importError(promise: Promise<unknown>): Promise<LedgerImportError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerImportError);
    return error as LedgerImportError;
  }
  throw new Error('expected a LedgerImportError');
}

/** The stored chain of the portfolio is one line: seq 1, 2, 3 …, each commit's parent the one before, the head the last. */
async function expectLinearChain(): Promise<{ hash: string; seq: number }[]> {
  const commits = await test.db.sql.query<{ hash: string; parent_hash: string | null; seq: number }>(
    'SELECT hash, parent_hash, seq FROM ledger_commits WHERE portfolio_id = $1 ORDER BY seq',
    [GROWTH],
  );
  commits.forEach((commit, i) => {
    expect(Number(commit.seq)).toBe(i + 1);
    expect(commit.parent_hash).toBe(i === 0 ? null : commits[i - 1].hash);
  });
  expect((await test.data.ledger.head(GROWTH))!.hash).toBe(commits[commits.length - 1].hash);
  return commits.map((c) => ({ hash: c.hash, seq: Number(c.seq) }));
}

describe(`importLedgerCsv with ${ROWS.toLocaleString('en')} rows (twice the API's ${MAX_ENTRIES_PER_COMMIT} per commit)`, () => {
  it('starts again from the new head when its compare-and-swap misses, and gives up with CONFLICT writing nothing', async () => {
    // A writer that skips the lock: in the transactions chosen, it moves the head just before the import's swap.
    const racing = (moves: (attempt: number) => boolean) => {
      let attempt = 0;
      const data: DataLayer = {
        ...test.data,
        transaction: (fn, options) =>
          test.data.transaction((tx) => {
            const moved = moves(++attempt);
            const ledger: Repositories['ledger'] = Object.create(tx.ledger);
            ledger.swapHead = async (portfolioId, expected, next) => {
              if (moved) await tx.ledger.swapHead(portfolioId, expected, 'sha256:moved-by-another-writer');
              return tx.ledger.swapHead(portfolioId, expected, next);
            };
            return fn({ ...tx, ledger });
          }, options),
      };
      return { data, attempts: () => attempt };
    };

    // A smaller file: what is tested is the swap, and each lost attempt reads the file again.
    const rows = 2_000;
    const before = await snapshot();
    const always = racing(() => true);
    const source = csvSource(rows);
    const conflict = await appError(importLedgerCsv(always.data, { portfolioId: GROWTH, csv: source.open }));
    expect(conflict.code).toBe('CONFLICT');
    expect(conflict.extensions).toEqual({ retryable: true, portfolioId: GROWTH });
    expect(always.attempts()).toBe(APPEND_ATTEMPTS);
    expect(source.opened.count).toBe(APPEND_ATTEMPTS); // each attempt checked the file, none stored it
    expect(await snapshot()).toBe(before);

    const head = (await test.data.ledger.head(GROWTH))!;
    const once = racing((attempt) => attempt === 1);
    const retried = csvSource(rows);
    const commit = await importLedgerCsv(once.data, { portfolioId: GROWTH, csv: retried.open });
    expect(once.attempts()).toBe(2);
    expect(retried.opened.count).toBe(3);
    expect(commit).toMatchObject({ parentHash: head.hash, seq: head.seq + 1, entryCount: rows });
    await expectLinearChain();
  });

  it('appends them all as ONE commit whose positions, rows and hash add up', async () => {
    const head = (await test.data.ledger.head(GROWTH))!;
    const before = await positions();
    const { open, opened } = csvSource(ROWS);
    const commit = await importLedgerCsv(test.data, { portfolioId: GROWTH, csv: open, message: 'Bulk', authorId: 'demo-admin' });

    expect(commit).toMatchObject({ parentHash: head.hash, seq: head.seq + 1, entryCount: ROWS, message: 'Bulk', authorId: 'demo-admin' });
    expect(opened.count).toBe(2); // checked and hashed, then stored
    expect((await test.data.ledger.head(GROWTH))!.hash).toBe(commit.hash);

    // The rows as stored, summed by the database: every ordinal once, in the file's order.
    const [sums] = await test.db.sql.query<Record<string, number>>(
      `SELECT count(*)::int AS rows, count(DISTINCT ordinal)::int AS ordinals, min(ordinal) AS first, max(ordinal) AS last,
              sum(CASE WHEN kind = 'BUY' AND symbol = 'RY.TO' THEN quantity WHEN kind = 'SELL' AND symbol = 'RY.TO' THEN -quantity ELSE 0 END) AS "ryShares",
              round(sum(CASE WHEN kind = 'BUY' AND symbol = 'AAPL' THEN amount ELSE 0 END)::numeric, 6)::float8 AS "aaplBought",
              bool_and(ordinal % 8 <> 1 OR (kind = 'BUY' AND amount = 401)) AS "computedAmounts"
       FROM ledger_entries WHERE commit_hash = $1`,
      [commit.hash],
    );
    const cycles = ROWS / CYCLE.length;
    expect(sums).toEqual({
      rows: ROWS,
      ordinals: ROWS,
      first: 0,
      last: ROWS - 1,
      ryShares: cycles,
      aaplBought: 250.1 * cycles,
      computedAmounts: true,
    });

    const after = await positions();
    const quantity = (p: Positions, symbol: string) => p.holdings.find((h) => h.symbol === symbol)?.quantity ?? 0;
    const cash = (p: Positions, currency: string) => p.cash.find((c) => c.currency === currency)?.amount ?? 0;
    expect(quantity(after, 'RY.TO') - quantity(before, 'RY.TO')).toBe(cycles);
    expect(quantity(after, 'AAPL')).toBe(quantity(before, 'AAPL'));
    expect(cash(after, 'CAD') - cash(before, 'CAD')).toBeCloseTo(799.16 * cycles, 4);
    expect(cash(after, 'USD') - cash(before, 'USD')).toBeCloseTo(500.9 * cycles, 4);

    // The streamed hash is the hash of the stored entries, as any reader recomputes it.
    const stored = (await test.data.ledger.entriesUpTo(GROWTH, commit.hash))!.filter((e) => e.commitHash === commit.hash);
    const entries = stored.map(({ kind, tradeDate, symbol, quantity: q, price, currency, amount }) => ({
      kind,
      tradeDate,
      symbol,
      quantity: q,
      price,
      currency,
      amount,
    }));
    expect(computeCommitHash({ portfolioId: GROWTH, parentHash: head.hash, seq: commit.seq, message: 'Bulk', entries })).toBe(commit.hash);
    const [audit] = await test.db.sql.query<{ changes: { entries: number } }>(
      `SELECT changes FROM audit_log WHERE action = 'ledger.append' ORDER BY id DESC LIMIT 1`,
    );
    expect(audit.changes.entries).toBe(ROWS);
  });

  it('writes nothing when a row near the end breaks a ledger rule, and names its line', async () => {
    const before = await snapshot();
    const bad = ROWS - 10; // line ROWS - 8: the header is line 1
    const { open } = csvSource(ROWS, { [bad]: `SELL,${today},RY.TO,1000000,1,CAD,` });
    const error = await importError(importLedgerCsv(test.data, { portfolioId: GROWTH, csv: open, source: 'big.csv' }));
    expect(error.problems).toEqual([
      { line: bad + 2, field: 'quantity', message: expect.stringMatching(/^sells 1000000 RY.TO but the ledger holds /) },
    ]);
    expect(error.message).toMatch(/^big\.csv: 1 problem, nothing imported\n/);
    expect(await snapshot()).toBe(before);
  });

  it('writes nothing when the last row is malformed, and lists only the first problems of a file wrong throughout', async () => {
    const before = await snapshot();
    const last = csvSource(ROWS, { [ROWS - 1]: `DEPOSIT,${today},,,,CAD,lots` });
    const error = await importError(importLedgerCsv(test.data, { portfolioId: GROWTH, csv: last.open }));
    expect(error.problems).toEqual([{ line: ROWS + 1, field: 'amount', message: 'not a number: "lots"' }]);

    // Every FEE in a currency never deposited: hundreds of problems, the first 100 listed.
    const rows = 4_000;
    const everywhere = Object.fromEntries(Array.from({ length: rows / 8 }, (_, c) => [c * 8 + 4, `FEE,${today},,,,EUR,1`]));
    const many = await importError(importLedgerCsv(test.data, { portfolioId: GROWTH, csv: csvSource(rows, everywhere).open }));
    expect(many.problems).toHaveLength(100);
    expect(many.problems[0]).toMatchObject({ line: 6, field: 'amount', message: expect.stringMatching(/^takes EUR cash below zero/) });
    expect(many.omitted).toBe(rows / 8 - 100);
    expect(many.message).toMatch(new RegExp(`^ledger\\.csv: ${rows / 8} problems, nothing imported\\n`));
    expect(await snapshot()).toBe(before);
  });

  it('chains after an append that waited for it, never beside it', async () => {
    const head = (await test.data.ledger.head(GROWTH))!;
    const { open, opened } = csvSource(ROWS);
    let reading!: () => void;
    const started = new Promise<void>((resolve) => (reading = resolve));
    const importing = importLedgerCsv(test.data, {
      portfolioId: GROWTH,
      csv: () => {
        reading(); // the import holds the portfolio's lock from here on
        return open();
      },
    });
    await started;
    const appending = appendLedgerEntries(test.data, {
      tenantId: 'demo',
      authorId: 'demo-analyst',
      portfolioId: GROWTH,
      entries: [{ kind: 'DEPOSIT', tradeDate: today, currency: 'CAD', amount: 5 }],
    });
    const [imported, appended] = await Promise.all([importing, appending]);

    expect(opened.count).toBe(2);
    expect(imported).toMatchObject({ parentHash: head.hash, seq: head.seq + 1, entryCount: ROWS });
    expect(appended).toMatchObject({ parentHash: imported.hash, seq: head.seq + 2 });
    expect((await expectLinearChain()).slice(-2).map((c) => c.hash)).toEqual([imported.hash, appended.hash]);
  });
});
