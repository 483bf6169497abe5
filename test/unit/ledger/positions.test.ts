import { buildDemoDataset } from '../../../src/demo/demo-dataset';
import {
  cashEffect,
  computePositions,
  externalFlows,
  LedgerBook,
  LedgerReplayError,
  type ReplayEntry,
} from '../../../src/ledger/positions';

type Kind = ReplayEntry['kind'];

function e(seq: number, ordinal: number, kind: Kind, tradeDate: string, fields: Partial<ReplayEntry> = {}): ReplayEntry {
  return { seq, ordinal, kind, tradeDate, symbol: null, quantity: null, price: null, currency: 'CAD', amount: null, ...fields };
}
const trade = (
  seq: number,
  ordinal: number,
  kind: 'BUY' | 'SELL',
  date: string,
  symbol: string,
  quantity: number,
  price: number,
  currency = 'CAD',
) => e(seq, ordinal, kind, date, { symbol, quantity, price, currency, amount: quantity * price });
const cash = (seq: number, ordinal: number, kind: Kind, date: string, amount: number, currency = 'CAD', symbol: string | null = null) =>
  e(seq, ordinal, kind, date, { amount, currency, symbol });

/** A small two-currency ledger whose numbers are easy to follow by hand. */
const LEDGER: ReplayEntry[] = [
  cash(1, 0, 'DEPOSIT', '2026-01-02', 10_000),
  cash(1, 1, 'DEPOSIT', '2026-01-02', 5_000, 'USD'),
  trade(2, 0, 'BUY', '2026-01-05', 'AAA', 10, 100), // 10 @ 100 → avg 100
  trade(2, 1, 'BUY', '2026-01-06', 'AAA', 30, 120), // +30 @ 120 → 40, cost 4,600, avg 115
  trade(3, 0, 'SELL', '2026-01-10', 'AAA', 20, 130), // realises 20 × (130 − 115) = 300; avg stays 115
  cash(3, 1, 'FEE', '2026-01-10', 10),
  trade(4, 0, 'BUY', '2026-01-12', 'BBB', 5, 200, 'USD'),
  cash(4, 1, 'DIVIDEND', '2026-01-15', 25, 'CAD', 'AAA'),
  cash(4, 2, 'WITHDRAWAL', '2026-01-20', 500),
  trade(5, 0, 'SELL', '2026-01-25', 'AAA', 20, 110), // realises 20 × (110 − 115) = −100; closes AAA
];

describe('computePositions', () => {
  it('replays the whole ledger: weighted average cost, realised P&L, closed positions dropped, cash per currency', () => {
    const positions = computePositions(LEDGER);
    expect(positions.asOf).toBeNull();
    expect(positions.holdings).toEqual([
      { symbol: 'BBB', currency: 'USD', quantity: 5, averageCost: 200, costBasis: 1_000, realisedPnl: 0 },
    ]);
    expect(positions.cash).toEqual([
      { currency: 'CAD', amount: 10_000 - 1_000 - 3_600 + 2_600 - 10 + 25 - 500 + 2_200 },
      { currency: 'USD', amount: 4_000 },
    ]);
    expect(positions.realisedPnl).toEqual([{ currency: 'CAD', amount: 200 }]);
  });

  it('a SELL leaves the average cost unchanged and realises proceeds minus average cost', () => {
    const positions = computePositions(LEDGER, '2026-01-10');
    expect(positions.holdings).toEqual([
      { symbol: 'AAA', currency: 'CAD', quantity: 20, averageCost: 115, costBasis: 2_300, realisedPnl: 300 },
    ]);
    expect(positions.realisedPnl).toEqual([{ currency: 'CAD', amount: 300 }]);
  });

  it('cuts at the as-of date, inclusive', () => {
    const before = computePositions(LEDGER, '2026-01-05');
    expect(before.asOf).toBe('2026-01-05');
    expect(before.holdings).toEqual([{ symbol: 'AAA', currency: 'CAD', quantity: 10, averageCost: 100, costBasis: 1_000, realisedPnl: 0 }]);
    expect(before.cash).toEqual([
      { currency: 'CAD', amount: 9_000 },
      { currency: 'USD', amount: 5_000 },
    ]);
    const dayBefore = computePositions(LEDGER, '2026-01-04');
    expect(dayBefore.holdings).toEqual([]);
    expect(computePositions(LEDGER, '2026-01-01')).toEqual({ asOf: '2026-01-01', holdings: [], cash: [], realisedPnl: [] });
  });

  it('replays in ledger order (seq, then ordinal) whatever order the entries come in', () => {
    const shuffled = [...LEDGER].reverse();
    expect(computePositions(shuffled)).toEqual(computePositions(LEDGER));
    expect(computePositions(shuffled, '2026-01-10')).toEqual(computePositions(LEDGER, '2026-01-10'));
  });

  it('a position sold to zero reopens at the new price', () => {
    const ledger = [...LEDGER, trade(6, 0, 'BUY', '2026-02-02', 'AAA', 4, 90)];
    const aaa = computePositions(ledger).holdings.find((h) => h.symbol === 'AAA');
    expect(aaa).toEqual({ symbol: 'AAA', currency: 'CAD', quantity: 4, averageCost: 90, costBasis: 360, realisedPnl: 0 });
  });

  it('treats float dust as a closed position', () => {
    const ledger = [
      cash(1, 0, 'DEPOSIT', '2026-01-02', 100),
      trade(1, 1, 'BUY', '2026-01-02', 'FND', 0.1, 10),
      trade(1, 2, 'BUY', '2026-01-02', 'FND', 0.2, 10),
      trade(1, 3, 'SELL', '2026-01-03', 'FND', 0.3, 11),
    ];
    const positions = computePositions(ledger);
    expect(positions.holdings).toEqual([]);
    expect(positions.realisedPnl[0].amount).toBeCloseTo(0.3, 10);
  });

  it('uses quantity × price for a trade stored without an amount', () => {
    const ledger = [cash(1, 0, 'DEPOSIT', '2026-01-02', 1_000), e(1, 1, 'BUY', '2026-01-02', { symbol: 'AAA', quantity: 3, price: 50 })];
    expect(computePositions(ledger).cash).toEqual([{ currency: 'CAD', amount: 850 }]);
  });

  it('refuses a stored ledger that sells more than it holds', () => {
    const ledger = [trade(1, 0, 'BUY', '2026-01-02', 'AAA', 1, 10), trade(2, 0, 'SELL', '2026-01-03', 'AAA', 2, 10)];
    expect(() => computePositions(ledger)).toThrow(LedgerReplayError);
  });

  it('replays the demo ledgers into whole, positive holdings and non-negative cash', () => {
    const data = buildDemoDataset();
    for (const portfolio of data.portfolios) {
      const entries = data.commits
        .filter((c) => c.portfolioId === portfolio.id)
        .flatMap((c) => c.entries.map((entry, ordinal) => ({ ...entry, seq: c.seq, ordinal })));
      const positions = computePositions(entries);
      expect(positions.holdings.length).toBeGreaterThan(5);
      for (const holding of positions.holdings) {
        expect(Number.isInteger(holding.quantity)).toBe(true);
        expect(holding.quantity).toBeGreaterThan(0);
        expect(holding.averageCost).toBeGreaterThan(0);
      }
      for (const balance of positions.cash) expect(balance.amount).toBeGreaterThanOrEqual(0);
    }
  });
});

describe('LedgerBook.check', () => {
  it('reports overselling and overdrafts without applying anything', () => {
    const book = new LedgerBook();
    book.apply(cash(1, 0, 'DEPOSIT', '2026-01-02', 100));
    expect(book.check(trade(1, 1, 'SELL', '2026-01-02', 'AAA', 1, 10))).toEqual({ kind: 'OVERSOLD', symbol: 'AAA', held: 0, selling: 1 });
    expect(book.check(trade(1, 1, 'BUY', '2026-01-02', 'AAA', 11, 10))).toEqual({
      kind: 'OVERDRAWN',
      currency: 'CAD',
      balance: 100,
      withdrawing: 110,
    });
    expect(book.check(cash(1, 1, 'WITHDRAWAL', '2026-01-02', 100))).toBeNull();
    expect(book.check(cash(1, 1, 'FEE', '2026-01-02', 0.01, 'USD'))).toMatchObject({ kind: 'OVERDRAWN', currency: 'USD' });
    expect(book.cashOf('CAD')).toBe(100);
  });
});

describe('cashEffect', () => {
  it('signs each kind: DEPOSIT +, WITHDRAWAL −, BUY −, SELL +, DIVIDEND +, FEE −', () => {
    const effects = (['DEPOSIT', 'WITHDRAWAL', 'BUY', 'SELL', 'DIVIDEND', 'FEE'] as Kind[]).map((kind) =>
      cashEffect(cash(1, 0, kind, '2026-01-02', 7)),
    );
    expect(effects).toEqual([7, -7, -7, 7, 7, -7]);
  });
});

describe('externalFlows', () => {
  it('lists deposits (+) and withdrawals (−) per date and currency in [from, to]; dividends and fees are not external', () => {
    expect(externalFlows(LEDGER, '2026-01-02', '2026-01-20')).toEqual([
      { date: '2026-01-02', currency: 'CAD', amount: 10_000 },
      { date: '2026-01-02', currency: 'USD', amount: 5_000 },
      { date: '2026-01-20', currency: 'CAD', amount: -500 },
    ]);
    expect(externalFlows(LEDGER, '2026-01-03', null)).toEqual([{ date: '2026-01-20', currency: 'CAD', amount: -500 }]);
    expect(externalFlows(LEDGER, null, '2026-01-19')).toHaveLength(2);
    expect(externalFlows(LEDGER, '2026-01-21', '2026-12-31')).toEqual([]);
  });

  it('nets several flows of one day and currency', () => {
    const ledger = [
      cash(1, 0, 'DEPOSIT', '2026-03-02', 1_000),
      cash(2, 0, 'WITHDRAWAL', '2026-03-02', 250),
      cash(2, 1, 'DEPOSIT', '2026-03-02', 40, 'USD'),
    ];
    expect(externalFlows(ledger, null, null)).toEqual([
      { date: '2026-03-02', currency: 'CAD', amount: 750 },
      { date: '2026-03-02', currency: 'USD', amount: 40 },
    ]);
  });
});
