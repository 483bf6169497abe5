import { validateEntries, type LedgerEntryInput, type SecurityInfo } from '../../../src/ledger/entry-validation';
import type { ReplayEntry } from '../../../src/ledger/positions';

const securities = new Map<string, SecurityInfo>([
  ['RY.TO', { symbol: 'RY.TO', currency: 'CAD' }],
  ['AAPL', { symbol: 'AAPL', currency: 'USD' }],
]);

/** A ledger holding 10 AAPL, 1,000 CAD and 500 USD, last traded on 2026-03-02. */
const existing: ReplayEntry[] = [
  { seq: 1, ordinal: 0, kind: 'DEPOSIT', tradeDate: '2026-03-02', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 1_000 },
  { seq: 1, ordinal: 1, kind: 'DEPOSIT', tradeDate: '2026-03-02', symbol: null, quantity: null, price: null, currency: 'USD', amount: 2_500 },
  { seq: 2, ordinal: 0, kind: 'BUY', tradeDate: '2026-03-02', symbol: 'AAPL', quantity: 10, price: 200, currency: 'USD', amount: 2_000 },
];

const deposit = (amount = 100, currency = 'CAD'): LedgerEntryInput => ({ kind: 'DEPOSIT', tradeDate: '2026-03-03', currency, amount });
const buy = (fields: Partial<LedgerEntryInput> = {}): LedgerEntryInput => ({
  kind: 'BUY',
  tradeDate: '2026-03-03',
  symbol: 'RY.TO',
  quantity: 2,
  price: 150,
  currency: 'CAD',
  ...fields,
});

function issuesOf(entries: LedgerEntryInput[]): { path: string; message: string }[] {
  return validateEntries(entries, { securities, existing }).issues;
}
const pathsOf = (entries: LedgerEntryInput[]) => issuesOf(entries).map((i) => i.path);

describe('validateEntries', () => {
  it('accepts a valid batch and fills in trade amounts', () => {
    const result = validateEntries(
      [deposit(), buy(), { kind: 'SELL', tradeDate: '2026-03-04', symbol: 'AAPL', quantity: 10, price: 210, currency: 'USD', amount: 2_100 }],
      { securities, existing },
    );
    expect(result.issues).toEqual([]);
    expect(result.contents[1]).toEqual({ kind: 'BUY', tradeDate: '2026-03-03', symbol: 'RY.TO', quantity: 2, price: 150, currency: 'CAD', amount: 300 });
    expect(result.contents[0]).toEqual({ kind: 'DEPOSIT', tradeDate: '2026-03-03', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 100 });
  });

  it('needs at least one entry', () => {
    expect(pathsOf([])).toEqual(['entries']);
  });

  it.each<[string, LedgerEntryInput, string[]]>([
    ['unknown kind', { kind: 'TRANSFER', tradeDate: '2026-03-03', currency: 'CAD', amount: 1 }, ['entries.0.kind']],
    ['bad date', { ...deposit(1), tradeDate: '2026-02-30' }, ['entries.0.tradeDate']],
    ['non-ISO currency', deposit(1, 'CAX'), ['entries.0.currency']],
    ['lower-case currency', deposit(1, 'cad'), ['entries.0.currency']],
    ['deposit without amount', { kind: 'DEPOSIT', tradeDate: '2026-03-03', currency: 'CAD' }, ['entries.0.amount']],
    ['negative deposit', deposit(-5), ['entries.0.amount']],
    ['fee with a symbol', { kind: 'FEE', tradeDate: '2026-03-03', currency: 'CAD', amount: 5, symbol: 'RY.TO' }, ['entries.0.symbol']],
    ['withdrawal with a quantity', { kind: 'WITHDRAWAL', tradeDate: '2026-03-03', currency: 'CAD', amount: 5, quantity: 1 }, ['entries.0.quantity']],
    ['buy without symbol', buy({ symbol: null }), ['entries.0.symbol']],
    ['buy of an unknown symbol', buy({ symbol: 'NOPE.TO' }), ['entries.0.symbol']],
    ['buy without quantity', buy({ quantity: null }), ['entries.0.quantity']],
    ['buy with zero price', buy({ price: 0 }), ['entries.0.price']],
    ['buy with a mismatched amount', buy({ amount: 301 }), ['entries.0.amount']],
    ['buy in the wrong currency', buy({ currency: 'USD' }), ['entries.0.currency']],
    ['dividend without symbol', { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'USD', amount: 5 }, ['entries.0.symbol']],
    ['dividend without amount', { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'USD', symbol: 'AAPL' }, ['entries.0.amount']],
    ['dividend in the wrong currency', { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'CAD', symbol: 'AAPL', amount: 5 }, ['entries.0.currency']],
    ['trade date before the ledger', { ...deposit(), tradeDate: '2026-03-01' }, ['entries.0.tradeDate']],
    ['overselling', { kind: 'SELL', tradeDate: '2026-03-03', symbol: 'AAPL', quantity: 11, price: 200, currency: 'USD' }, ['entries.0.quantity']],
    ['overdrawing cash', { kind: 'WITHDRAWAL', tradeDate: '2026-03-03', currency: 'CAD', amount: 1_000.01 }, ['entries.0.amount']],
    ['buying beyond cash', buy({ quantity: 7 }), ['entries.0.amount']],
    ['a fee in a currency never deposited', { kind: 'FEE', tradeDate: '2026-03-03', currency: 'EUR', amount: 1 }, ['entries.0.amount']],
  ])('rejects %s', (_name, entry, paths) => {
    expect(pathsOf([entry])).toEqual(paths);
  });

  it('accepts a given amount within the relative tolerance, and a trade date equal to the latest', () => {
    expect(pathsOf([buy({ amount: 300.0000001, tradeDate: '2026-03-02' })])).toEqual([]);
  });

  it('checks the batch in order: entries later in the batch see earlier ones', () => {
    // Cash from the deposit pays for the buy; the buy makes the sell possible.
    expect(
      pathsOf([
        deposit(5_000),
        buy({ quantity: 30 }),
        { kind: 'SELL', tradeDate: '2026-03-04', symbol: 'RY.TO', quantity: 30, price: 151, currency: 'CAD' },
      ]),
    ).toEqual([]);
    // The other way round, the sell comes first and sells what is not held yet.
    expect(
      pathsOf([{ kind: 'SELL', tradeDate: '2026-03-03', symbol: 'RY.TO', quantity: 1, price: 151, currency: 'CAD' }, buy({ quantity: 1 })]),
    ).toEqual(['entries.0.quantity']);
  });

  it('keeps dates in order within the batch', () => {
    const issues = issuesOf([{ ...deposit(), tradeDate: '2026-03-05' }, { ...deposit(), tradeDate: '2026-03-04' }]);
    expect(issues).toEqual([{ path: 'entries.1.tradeDate', message: expect.stringContaining('an earlier entry') }]);
  });

  it('reports every problem at once, each with its path', () => {
    expect(pathsOf([buy({ symbol: 'NOPE' }), deposit(-1), buy({ price: -1, currency: 'usd' })])).toEqual([
      'entries.0.symbol',
      'entries.1.amount',
      'entries.2.currency',
      'entries.2.price',
    ]);
  });
});
