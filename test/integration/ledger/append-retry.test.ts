import type { DataLayer, Repositories } from '../../../src/data/data-layer';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { appendLedgerEntries, APPEND_ATTEMPTS } from '../../../src/ledger';
import { todayUtc } from '../../../src/shared/dates';
import { appError as conflictOf } from '../../support/app-error';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';

let test: TestDatabase;
const GROWTH = 'pf-demo-growth';

beforeAll(async () => {
  test = await openTestDatabase();
  await seedDemoData(test.data);
});
afterAll(async () => {
  await test?.close();
});

/**
 * The data layer as a writer that skips the portfolio lock would leave it: in every attempt, just
 * before the append's own write, that writer moves the head ('swap') or takes the next seq
 * ('unique') — real statements on the real database, so the append's compare-and-swap really
 * finds no row, or its insert really collides.
 */
function racingWriter(data: DataLayer, race: 'swap' | 'unique') {
  const stats = { transactions: 0, swaps: 0, inserts: 0 };
  const racing: DataLayer = {
    ...data,
    transaction: (fn, options) =>
      data.transaction((tx) => {
        stats.transactions++;
        const ledger: Repositories['ledger'] = Object.create(tx.ledger);
        ledger.swapHead = async (portfolioId, expected, next) => {
          stats.swaps++;
          if (race === 'swap') await tx.ledger.swapHead(portfolioId, expected, 'sha256:moved-by-another-writer');
          return tx.ledger.swapHead(portfolioId, expected, next);
        };
        ledger.insertCommit = async (commit) => {
          stats.inserts++;
          if (race === 'unique') await tx.ledger.insertCommit({ ...commit, hash: `sha256:rival-${stats.inserts}`, entries: [] });
          return tx.ledger.insertCommit(commit);
        };
        return fn({ ...tx, ledger });
      }, options),
  };
  return { racing, stats };
}

async function snapshot(): Promise<string> {
  const [row] = await test.db.sql.query<{ state: string }>(
    `SELECT (SELECT count(*) FROM ledger_commits) || '/' || (SELECT count(*) FROM ledger_entries) || '/' ||
            (SELECT count(*) FROM audit_log) || '/' || (SELECT ledger_head FROM portfolios WHERE id = '${GROWTH}') AS state`,
  );
  return row.state;
}

const input = () => ({
  tenantId: 'demo',
  authorId: null,
  portfolioId: GROWTH,
  entries: [{ kind: 'DEPOSIT' as const, tradeDate: todayUtc(), currency: 'CAD', amount: 1 }],
});

describe('appendLedgerEntries under a moving head', () => {
  it('retries the whole append when the compare-and-swap misses, then gives up with a retryable CONFLICT and writes nothing', async () => {
    const before = await snapshot();
    const { racing, stats } = racingWriter(test.data, 'swap');
    const error = await conflictOf(appendLedgerEntries(racing, input()));
    expect(error.code).toBe('CONFLICT');
    expect(error.extensions).toEqual({ retryable: true, portfolioId: GROWTH });
    expect(stats).toEqual({ transactions: APPEND_ATTEMPTS, swaps: APPEND_ATTEMPTS, inserts: 0 });
    expect(await snapshot()).toBe(before);
  });

  it('treats a taken seq (unique violation) the same way', async () => {
    const before = await snapshot();
    const { racing, stats } = racingWriter(test.data, 'unique');
    expect((await conflictOf(appendLedgerEntries(racing, input()))).code).toBe('CONFLICT');
    expect(stats).toEqual({ transactions: APPEND_ATTEMPTS, swaps: APPEND_ATTEMPTS, inserts: APPEND_ATTEMPTS });
    expect(await snapshot()).toBe(before);
  });

  it('succeeds on the next attempt when the race is over', async () => {
    const { racing, stats } = racingWriter(test.data, 'swap');
    let raced = 0;
    const once: DataLayer = { ...racing, transaction: (fn, options) => (raced++ === 0 ? racing : test.data).transaction(fn, options) };
    const commit = await appendLedgerEntries(once, input());
    expect(stats.transactions).toBe(1);
    expect((await test.data.ledger.head(GROWTH))!.hash).toBe(commit.hash);
  });
});
