import {
  LedgerEntryChecker,
  storedEntry,
  validateEntries,
  type LedgerEntryInput,
  type SecurityInfo,
} from '../../../src/ledger/entry-validation';
import type { ReplayEntry } from '../../../src/ledger/positions';

const securities = new Map<string, SecurityInfo>([
  ['RY.TO', { symbol: 'RY.TO', currency: 'CAD' }],
  ['AAPL', { symbol: 'AAPL', currency: 'USD' }],
]);

/** A ledger holding 10 AAPL, 1,000 CAD and 500 USD, last traded on 2026-03-02. */
const existing: ReplayEntry[] = [
  {
    seq: 1,
    ordinal: 0,
    kind: 'DEPOSIT',
    tradeDate: '2026-03-02',
    symbol: null,
    quantity: null,
    price: null,
    currency: 'CAD',
    amount: 1_000,
  },
  {
    seq: 1,
    ordinal: 1,
    kind: 'DEPOSIT',
    tradeDate: '2026-03-02',
    symbol: null,
    quantity: null,
    price: null,
    currency: 'USD',
    amount: 2_500,
  },
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

/** "Today" for every case: the rules read no clock. */
const today = '2026-03-10';

function issuesOf(entries: LedgerEntryInput[], ledger: ReplayEntry[] = existing): { path: string; message: string }[] {
  return validateEntries(entries, { securities, existing: ledger, today }).issues;
}
const pathsOf = (entries: LedgerEntryInput[], ledger: ReplayEntry[] = existing) => issuesOf(entries, ledger).map((i) => i.path);

describe('validateEntries', () => {
  it('accepts a valid batch and fills in trade amounts', () => {
    const result = validateEntries(
      [
        deposit(),
        buy(),
        { kind: 'SELL', tradeDate: '2026-03-04', symbol: 'AAPL', quantity: 10, price: 210, currency: 'USD', amount: 2_100 },
      ],
      { securities, existing, today },
    );
    expect(result.issues).toEqual([]);
    expect(result.contents[1]).toEqual({
      kind: 'BUY',
      tradeDate: '2026-03-03',
      symbol: 'RY.TO',
      quantity: 2,
      price: 150,
      currency: 'CAD',
      amount: 300,
    });
    expect(result.contents[0]).toEqual({
      kind: 'DEPOSIT',
      tradeDate: '2026-03-03',
      symbol: null,
      quantity: null,
      price: null,
      currency: 'CAD',
      amount: 100,
    });
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
    [
      'withdrawal with a quantity',
      { kind: 'WITHDRAWAL', tradeDate: '2026-03-03', currency: 'CAD', amount: 5, quantity: 1 },
      ['entries.0.quantity'],
    ],
    ['buy without symbol', buy({ symbol: null }), ['entries.0.symbol']],
    ['buy of an unknown symbol', buy({ symbol: 'NOPE.TO' }), ['entries.0.symbol']],
    ['buy without quantity', buy({ quantity: null }), ['entries.0.quantity']],
    ['buy with zero price', buy({ price: 0 }), ['entries.0.price']],
    ['buy with a mismatched amount', buy({ amount: 301 }), ['entries.0.amount']],
    ['buy in the wrong currency', buy({ currency: 'USD' }), ['entries.0.currency']],
    ['dividend without symbol', { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'USD', amount: 5 }, ['entries.0.symbol']],
    ['dividend without amount', { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'USD', symbol: 'AAPL' }, ['entries.0.amount']],
    [
      'dividend in the wrong currency',
      { kind: 'DIVIDEND', tradeDate: '2026-03-03', currency: 'CAD', symbol: 'AAPL', amount: 5 },
      ['entries.0.currency'],
    ],
    ['trade date before the ledger', { ...deposit(), tradeDate: '2026-03-01' }, ['entries.0.tradeDate']],
    [
      'overselling',
      { kind: 'SELL', tradeDate: '2026-03-03', symbol: 'AAPL', quantity: 11, price: 200, currency: 'USD' },
      ['entries.0.quantity'],
    ],
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
    const issues = issuesOf([
      { ...deposit(), tradeDate: '2026-03-05' },
      { ...deposit(), tradeDate: '2026-03-04' },
    ]);
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

describe('validateEntries: bounds', () => {
  const onDate = (tradeDate: string): LedgerEntryInput => ({ ...deposit(), tradeDate });

  it('accepts trade dates from 1900-01-01 through today (UTC) plus one day', () => {
    expect(pathsOf([onDate('1900-01-01')], [])).toEqual([]);
    expect(pathsOf([onDate(today)])).toEqual([]);
    expect(pathsOf([onDate('2026-03-11')])).toEqual([]);
  });

  it.each([
    ['two days ahead', '2026-03-12'],
    ['2099, the date that froze a portfolio', '2099-01-01'],
    ['before 1900', '1899-12-31'],
    ['the year 1800', '1800-06-01'],
  ])('refuses a trade date %s, with the range in the message', (_name, tradeDate) => {
    expect(issuesOf([onDate(tradeDate)], [])).toEqual([
      { path: 'entries.0.tradeDate', message: 'must be from 1900-01-01 through 2026-03-11 (today, UTC, plus 1 day)' },
    ]);
  });

  it('follows the given today, not the clock', () => {
    expect(validateEntries([onDate('2031-05-02')], { securities, existing: [], today: '2031-05-01' }).issues).toEqual([]);
    expect(validateEntries([onDate('2031-05-03')], { securities, existing: [], today: '2031-05-01' }).issues.map((i) => i.path)).toEqual([
      'entries.0.tradeDate',
    ]);
  });

  it('does not let an out-of-range date set the order of the entries after it', () => {
    expect(pathsOf([onDate('2099-01-01'), onDate('2026-03-04'), onDate('1800-01-01'), onDate('2026-03-05')])).toEqual([
      'entries.0.tradeDate',
      'entries.2.tradeDate',
    ]);
  });

  it('accepts quantities, prices and amounts up to 1e12 and 8 decimal places', () => {
    expect(pathsOf([deposit(1e12), deposit(0.00000001), deposit(12345.12345678)])).toEqual([]);
    expect(pathsOf([deposit(1_000), buy({ quantity: 0.12345678, price: 1.5e-7 })])).toEqual([]);
  });

  it.each<[string, LedgerEntryInput, string, string]>([
    ['a quantity of 1e13', buy({ quantity: 1e13 }), 'entries.0.quantity', 'must be at most 1e12'],
    ['a price just above 1e12', buy({ price: 1e12 + 1 }), 'entries.0.price', 'must be at most 1e12'],
    ['a deposit of 1e13', deposit(1e13), 'entries.0.amount', 'must be at most 1e12'],
    ['a quantity with 9 decimals', buy({ quantity: 0.123456789 }), 'entries.0.quantity', 'must have at most 8 decimal places'],
    ['a price of 1e-9', buy({ price: 1e-9 }), 'entries.0.price', 'must have at most 8 decimal places'],
    ['an amount with 9 decimals', deposit(100.000000001), 'entries.0.amount', 'must have at most 8 decimal places'],
    ['a float-arithmetic amount', deposit(0.1 + 0.2), 'entries.0.amount', 'must have at most 8 decimal places'],
    ['an infinite quantity', buy({ quantity: Infinity }), 'entries.0.quantity', 'must be a finite number'],
    ['a NaN amount', deposit(Number.NaN), 'entries.0.amount', 'must be a finite number'],
    [
      'a huge negative amount (one problem: its sign)',
      deposit(-1e13),
      'entries.0.amount',
      'must be greater than zero (direction comes from kind)',
    ],
    ['a negative trade amount', buy({ amount: -300 }), 'entries.0.amount', 'must be greater than zero (direction comes from kind)'],
    [
      'a trade whose quantity × price exceeds 1e12',
      buy({ quantity: 1e7, price: 1e6 }),
      'entries.0.amount',
      'quantity × price is 10000000000000, above 1e12',
    ],
  ])('refuses %s', (_name, entry, path, message) => {
    expect(issuesOf([entry])).toEqual([{ path, message }]);
  });

  it('reports each entry’s problems at its own path', () => {
    expect(
      pathsOf([
        onDate('2099-01-01'),
        buy({ quantity: 1e13 }),
        buy({ price: 150.123456789 }),
        onDate('1800-01-01'),
        { ...deposit(1e13), tradeDate: '2099-12-31' },
      ]),
    ).toEqual([
      'entries.0.tradeDate',
      'entries.1.quantity',
      'entries.2.price',
      'entries.3.tradeDate',
      'entries.4.amount',
      'entries.4.tradeDate',
    ]);
  });
});

describe('LedgerEntryChecker', () => {
  // Problems of every sort, and entries whose validity depends on those before them (cash, holdings, dates).
  const entries: LedgerEntryInput[] = [
    deposit(300),
    buy({ quantity: 3 }),
    { kind: 'SELL', tradeDate: '2026-03-03', symbol: 'RY.TO', quantity: 5, price: 150, currency: 'CAD' },
    buy({ symbol: 'NOPE' }),
    { kind: 'SELL', tradeDate: '2026-03-04', symbol: 'AAPL', quantity: 4, price: 210, currency: 'USD' },
    { kind: 'FEE', tradeDate: '2026-03-03', currency: 'CAD', amount: 1 },
    { kind: 'WITHDRAWAL', tradeDate: '2026-03-05', currency: 'USD', amount: 10_000 },
    buy({ tradeDate: '2026-03-06', quantity: 0.5, price: 101.25 }),
  ];

  it('finds, batch by batch, exactly what validateEntries finds in one call, with paths counted across batches', () => {
    const whole = validateEntries(entries, { securities, existing, today });
    expect(whole.issues.length).toBeGreaterThan(3);
    for (const size of [1, 2, 3, 5]) {
      const checker = new LedgerEntryChecker(today);
      checker.replay(existing);
      const issues = [];
      for (let start = 0; start < entries.length; start += size)
        issues.push(...checker.check(entries.slice(start, start + size), securities).issues);
      expect(issues).toEqual(whole.issues);
      expect(checker.entryCount).toBe(entries.length);
    }
  });

  it('stores an entry that passed exactly as the checks stored it (storedEntry)', () => {
    const valid = [
      deposit(300),
      buy({ quantity: 3 }),
      buy({ symbol: ' RY.TO ', amount: 300 }),
      { kind: 'DIVIDEND', tradeDate: '2026-03-04', symbol: 'AAPL', currency: 'USD', amount: 1.5 },
    ];
    const result = validateEntries(valid, { securities, existing, today });
    expect(result.issues).toEqual([]);
    expect(valid.map(storedEntry)).toEqual(result.contents);
  });
});
