import { computeCommitHash } from '../../../src/ledger/commit-hash';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { buildDemoDataset } from '../../../src/demo/demo-dataset';
import {
  computePositions,
  createLedgerServices,
  type AppendLedgerEntriesInput,
  type LedgerCommitRecord,
  type LedgerEntryInput,
  type LedgerServices,
} from '../../../src/ledger';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';
import { appError } from '../../support/app-error';

let test: TestDatabase;
let ledger: LedgerServices;

const GROWTH = 'pf-demo-growth';
const INCOME = 'pf-other-income';

beforeAll(async () => {
  test = await openTestDatabase();
  await seedDemoData(test.data);
  ledger = createLedgerServices(test.data);
});
afterAll(async () => {
  await test?.close();
});

interface Snapshot {
  commits: number;
  entries: number;
  heads: Record<string, string>;
}

/** Row counts and every head: any write shows up here. */
async function snapshot(): Promise<Snapshot> {
  const [counts] = await test.db.sql.query<{ commits: number; entries: number }>(
    `SELECT (SELECT count(*)::int FROM ledger_commits) AS commits, (SELECT count(*)::int FROM ledger_entries) AS entries`,
  );
  const heads = await test.db.sql.query<{ id: string; ledger_head: string }>(`SELECT id, ledger_head FROM portfolios ORDER BY id`);
  return { ...counts, heads: Object.fromEntries(heads.map((h) => [h.id, h.ledger_head])) };
}

function append(entries: LedgerEntryInput[], overrides: Partial<AppendLedgerEntriesInput> = {}): Promise<LedgerCommitRecord> {
  return ledger.append({ tenantId: 'demo', authorId: 'demo-analyst', portfolioId: GROWTH, entries, message: 'test', ...overrides });
}

/** The chain of a portfolio as stored, oldest first. */
async function chain(portfolioId: string): Promise<{ hash: string; parent_hash: string | null; seq: number }[]> {
  return test.db.sql.query(`SELECT hash, parent_hash, seq FROM ledger_commits WHERE portfolio_id = $1 ORDER BY seq`, [portfolioId]);
}

/** Recomputes every commit hash of a portfolio from the stored rows and checks each link. */
async function verifyChain(portfolioId: string): Promise<void> {
  const commits = await test.db.prisma.ledgerCommit.findMany({ where: { portfolioId }, orderBy: { seq: 'asc' } });
  const head = commits[commits.length - 1];
  const entries = (await ledger.repository.entriesUpTo(portfolioId, head.hash)) ?? [];
  let parent: string | null = null;
  commits.forEach((commit, i) => {
    expect(commit.seq).toBe(i + 1);
    expect(commit.parentHash).toBe(parent);
    const own = entries
      .filter((e) => e.commitHash === commit.hash)
      .map(({ kind, tradeDate, symbol, quantity, price, currency, amount }) => ({
        kind,
        tradeDate,
        symbol,
        quantity,
        price,
        currency,
        amount,
      }));
    expect(computeCommitHash({ portfolioId, parentHash: commit.parentHash, seq: commit.seq, message: commit.message, entries: own })).toBe(
      commit.hash,
    );
    parent = commit.hash;
  });
  const [portfolio] = await test.db.sql.query<{ ledger_head: string }>(`SELECT ledger_head FROM portfolios WHERE id = $1`, [portfolioId]);
  expect(portfolio.ledger_head).toBe(parent);
}

describe('LedgerRepository', () => {
  it('reads the demo head and its whole ledger, in ledger order, as the seeder wrote it', async () => {
    const data = buildDemoDataset();
    const demoCommits = data.commits.filter((c) => c.portfolioId === GROWTH);
    const head = await ledger.repository.head(GROWTH);
    expect(head).toMatchObject({ hash: demoCommits[demoCommits.length - 1].hash, seq: demoCommits.length, portfolioId: GROWTH });
    const entries = await ledger.repository.entriesUpTo(GROWTH, head!.hash);
    expect(entries).toEqual(demoCommits.flatMap((c) => c.entries.map((e, ordinal) => ({ ...e, seq: c.seq, ordinal, commitHash: c.hash }))));
  });

  it('reads "as of" an older commit in one query, and only within the portfolio', async () => {
    const data = buildDemoDataset();
    const third = data.commits.filter((c) => c.portfolioId === GROWTH)[2];
    const spy = jest.spyOn(test.db.sql, 'query');
    try {
      const entries = await ledger.repository.entriesUpTo(GROWTH, third.hash);
      expect(spy).toHaveBeenCalledTimes(1);
      expect(new Set(entries!.map((e) => e.seq))).toEqual(new Set([1, 2, 3]));
    } finally {
      spy.mockRestore();
    }
    expect(await ledger.repository.entriesUpTo(INCOME, third.hash)).toBeNull();
    expect(await ledger.repository.entriesUpTo(GROWTH, 'sha256:nope')).toBeNull();
    expect(await ledger.repository.findCommit(INCOME, third.hash)).toBeNull();
    expect(await ledger.repository.findCommit(GROWTH, third.hash)).toMatchObject({
      seq: 3,
      entryCount: third.entries.length,
      message: third.message,
    });
    expect(await ledger.repository.head('pf-nope')).toBeNull();
  });
});

describe('appendLedgerEntries', () => {
  it('appends one commit chained to the previous head and advances the head', async () => {
    const before = await snapshot();
    const oldHead = (await ledger.repository.head(GROWTH))!;
    const commit = await append(
      [
        { kind: 'DEPOSIT', tradeDate: '2026-11-23', currency: 'CAD', amount: 5_000 },
        { kind: 'BUY', tradeDate: '2026-11-23', symbol: 'RY.TO', quantity: 10, price: 206.37, currency: 'CAD' },
      ],
      { message: '  First append  ' },
    );
    expect(commit).toMatchObject({
      parentHash: oldHead.hash,
      seq: oldHead.seq + 1,
      message: 'First append',
      portfolioId: GROWTH,
      entryCount: 2,
      authorId: 'demo-analyst',
    });
    expect(commit.createdAt).toBeInstanceOf(Date);
    expect(commit.hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(commit.hash).toBe(
      computeCommitHash({
        portfolioId: GROWTH,
        parentHash: oldHead.hash,
        seq: oldHead.seq + 1,
        message: 'First append',
        entries: [
          { kind: 'DEPOSIT', tradeDate: '2026-11-23', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 5_000 },
          { kind: 'BUY', tradeDate: '2026-11-23', symbol: 'RY.TO', quantity: 10, price: 206.37, currency: 'CAD', amount: 10 * 206.37 },
        ],
      }),
    );
    const after = await snapshot();
    expect(after).toEqual({ commits: before.commits + 1, entries: before.entries + 2, heads: { ...before.heads, [GROWTH]: commit.hash } });
    expect(await ledger.repository.head(GROWTH)).toEqual(commit);
    await verifyChain(GROWTH);
  });

  it('recomputes positions as of an older commit without the later ones', async () => {
    const old = (await ledger.repository.head(GROWTH))!;
    const oldPositions = computePositions((await ledger.repository.entriesUpTo(GROWTH, old.hash))!);
    const commit = await append([{ kind: 'BUY', tradeDate: '2026-11-24', symbol: 'TD.TO', quantity: 3, price: 115, currency: 'CAD' }]);
    const asOfOld = computePositions((await ledger.repository.entriesUpTo(GROWTH, old.hash))!);
    const asOfNew = computePositions((await ledger.repository.entriesUpTo(GROWTH, commit.hash))!);
    expect(asOfOld).toEqual(oldPositions);
    const td = (p: typeof asOfOld) => p.holdings.find((h) => h.symbol === 'TD.TO')!.quantity;
    expect(td(asOfNew)).toBe(td(asOfOld) + 3);
    // The date cut is independent: the newest ledger, as of before the new trade's date.
    expect(computePositions((await ledger.repository.entriesUpTo(GROWTH, commit.hash))!, '2026-11-23')).toEqual({
      ...oldPositions,
      asOf: '2026-11-23',
    });
  });

  describe('rejects invalid entries with BAD_USER_INPUT, a path per problem, and writes nothing', () => {
    const day = '2026-11-25';
    it.each<[string, LedgerEntryInput[], string[]]>([
      ['no entries', [], ['entries']],
      [
        'an unknown symbol',
        [{ kind: 'BUY', tradeDate: day, symbol: 'NOPE.TO', quantity: 1, price: 10, currency: 'CAD' }],
        ['entries.0.symbol'],
      ],
      [
        'selling more than held',
        [{ kind: 'SELL', tradeDate: day, symbol: 'AAPL', quantity: 64, price: 230, currency: 'USD' }],
        ['entries.0.quantity'],
      ],
      [
        'a date before the latest in the ledger',
        [{ kind: 'DEPOSIT', tradeDate: '2026-11-02', currency: 'CAD', amount: 10 }],
        ['entries.0.tradeDate'],
      ],
      [
        'a currency that is not the security’s',
        [{ kind: 'BUY', tradeDate: day, symbol: 'AAPL', quantity: 1, price: 230, currency: 'CAD' }],
        ['entries.0.currency'],
      ],
      ['a currency that is not ISO', [{ kind: 'DEPOSIT', tradeDate: day, currency: 'XYZ', amount: 10 }], ['entries.0.currency']],
      ['a BUY without price', [{ kind: 'BUY', tradeDate: day, symbol: 'AAPL', quantity: 1, currency: 'USD' }], ['entries.0.price']],
      [
        'an amount that is not quantity × price',
        [{ kind: 'BUY', tradeDate: day, symbol: 'AAPL', quantity: 1, price: 230, currency: 'USD', amount: 231 }],
        ['entries.0.amount'],
      ],
      ['a DEPOSIT with a symbol', [{ kind: 'DEPOSIT', tradeDate: day, symbol: 'AAPL', currency: 'USD', amount: 10 }], ['entries.0.symbol']],
      ['a DIVIDEND without amount', [{ kind: 'DIVIDEND', tradeDate: day, symbol: 'AAPL', currency: 'USD' }], ['entries.0.amount']],
      ['a withdrawal beyond cash', [{ kind: 'WITHDRAWAL', tradeDate: day, currency: 'USD', amount: 1_000_000 }], ['entries.0.amount']],
      [
        'one bad entry among good ones',
        [
          { kind: 'DEPOSIT', tradeDate: day, currency: 'CAD', amount: 10 },
          { kind: 'DEPOSIT', tradeDate: day, currency: 'CAD', amount: 10 },
          { kind: 'DEPOSIT', tradeDate: day, currency: 'CAD', amount: 10 },
          { kind: 'BUY', tradeDate: day, symbol: 'ZZZ', quantity: 1, price: 1, currency: 'CAD' },
        ],
        ['entries.3.symbol'],
      ],
    ])('%s', async (_name, entries, paths) => {
      const before = await snapshot();
      const error = await appError(append(entries));
      expect(error.code).toBe('BAD_USER_INPUT');
      expect(error.extensions.path).toEqual(paths);
      expect(error.extensions.issues).toEqual(paths.map((path) => ({ path, message: expect.any(String) })));
      expect(await snapshot()).toEqual(before);
    });

    it('a message that is too long', async () => {
      const before = await snapshot();
      const error = await appError(
        append([{ kind: 'DEPOSIT', tradeDate: day, currency: 'CAD', amount: 10 }], { message: 'x'.repeat(1_001) }),
      );
      expect(error.extensions.path).toEqual(['message']);
      expect(await snapshot()).toEqual(before);
    });
  });

  it("answers another tenant's portfolio exactly like an unknown one, and writes nothing", async () => {
    const before = await snapshot();
    const entries: LedgerEntryInput[] = [{ kind: 'DEPOSIT', tradeDate: '2026-11-25', currency: 'CAD', amount: 10 }];
    const foreign = await appError(append(entries, { portfolioId: INCOME }));
    const unknown = await appError(append(entries, { portfolioId: 'pf-unknown' }));
    const invalidForeign = await appError(append([], { portfolioId: INCOME }));
    for (const [error, id] of [
      [foreign, INCOME],
      [unknown, 'pf-unknown'],
      [invalidForeign, INCOME],
    ] as const) {
      expect(error.code).toBe('NOT_FOUND');
      expect(error.message.replace(id, '<id>')).toBe('No portfolio <id>');
      expect(error.extensions).toEqual({ portfolioId: id });
    }
    // The owner's tenant can append to it.
    expect(await snapshot()).toEqual(before);
    const own = await ledger.append({ tenantId: 'other', authorId: 'other-analyst', portfolioId: INCOME, entries, message: null });
    expect(own).toMatchObject({ parentHash: before.heads[INCOME], message: null });
  });

  describe('concurrency', () => {
    const PORTFOLIO = 'pf-concurrency';

    beforeAll(async () => {
      // A portfolio of its own, opened with a root commit, so its chain is easy to check.
      const entries = [
        { kind: 'DEPOSIT' as const, tradeDate: '2026-11-23', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 10_000 },
      ];
      const root = computeCommitHash({ portfolioId: PORTFOLIO, parentHash: null, seq: 1, message: 'Open', entries });
      await test.db.prisma.portfolio.create({
        data: { id: PORTFOLIO, tenantId: 'demo', name: 'Concurrency', baseCurrency: 'CAD', ledgerHead: root },
      });
      await test.db.prisma.ledgerCommit.create({
        data: {
          hash: root,
          portfolioId: PORTFOLIO,
          parentHash: null,
          seq: 1,
          message: 'Open',
          entries: { create: entries.map((e, ordinal) => ({ ...e, ordinal, tradeDate: new Date(`${e.tradeDate}T00:00:00Z`) })) },
        },
      });
    });

    it('five concurrent appends make five commits on one chain: contiguous seq, each parent the previous hash', async () => {
      const otherHeads = (await snapshot()).heads;
      const commits = await Promise.all(
        Array.from({ length: 5 }, (_, i) =>
          append([{ kind: 'BUY', tradeDate: '2026-11-24', symbol: 'RY.TO', quantity: 1, price: 200 + i, currency: 'CAD' }], {
            portfolioId: PORTFOLIO,
            message: `writer ${i}`,
          }),
        ),
      );
      expect(commits.map((c) => c.seq).sort()).toEqual([2, 3, 4, 5, 6]);
      const stored = await chain(PORTFOLIO);
      expect(stored.map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6]);
      stored.slice(1).forEach((commit, i) => expect(commit.parent_hash).toBe(stored[i].hash));
      const heads = (await snapshot()).heads;
      expect(heads[PORTFOLIO]).toBe(stored[stored.length - 1].hash);
      // Other portfolios' heads never moved.
      expect({ ...heads, [PORTFOLIO]: undefined }).toEqual({ ...otherHeads, [PORTFOLIO]: undefined });
      await verifyChain(PORTFOLIO);
      const positions = computePositions((await ledger.repository.entriesUpTo(PORTFOLIO, heads[PORTFOLIO]))!);
      expect(positions.holdings).toEqual([expect.objectContaining({ symbol: 'RY.TO', quantity: 5, averageCost: 202 })]);
    });

    it('each concurrent append is validated against the ledger its predecessors left', async () => {
      // 5 RY.TO held; eight writers each sell 1: exactly five can.
      const results = await Promise.allSettled(
        Array.from({ length: 8 }, () =>
          append([{ kind: 'SELL', tradeDate: '2026-11-25', symbol: 'RY.TO', quantity: 1, price: 210, currency: 'CAD' }], {
            portfolioId: PORTFOLIO,
          }),
        ),
      );
      const fulfilled = results.filter((r) => r.status === 'fulfilled');
      const rejected = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(fulfilled).toHaveLength(5);
      for (const r of rejected) expect(r.reason).toMatchObject({ code: 'BAD_USER_INPUT', extensions: { path: ['entries.0.quantity'] } });
      expect((await chain(PORTFOLIO)).map((c) => c.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
      await verifyChain(PORTFOLIO);
      const head = (await ledger.repository.head(PORTFOLIO))!;
      expect(computePositions((await ledger.repository.entriesUpTo(PORTFOLIO, head.hash))!).holdings).toEqual([]);
    });
  });
});
