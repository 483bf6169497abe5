// The demo dataset seeded into an empty database: one year of daily pricing packs, two tenants with
// their users, and one portfolio per tenant with a year of ledger history. Everything is derived
// from fixed seeds, so every start produces the same pack and commit hashes — demos, screenshots
// and tests can refer to them.
import type { LedgerEntryContent, LedgerEntryKindName } from '../data/ledger/ledger-records';
import { computeCommitHash } from '../ledger/commit-hash';
import { computePackHash, packSources, type PackFxContent, type PackPriceContent } from '../packs/pack-hash';
import { createRandom, type Random } from './random';

/** The pricing policy of every demo pack. */
export const DEMO_POLICY = 'WM4PM_CAD';
/** The base currency of the demo policy and portfolios. */
export const DEMO_BASE_CURRENCY = 'CAD';
/** The first day of the demo year: packs and ledger history start here. */
export const DEMO_FIRST_DATE = '2025-11-21';
/** The last day of the demo year: the date of the latest pack. */
export const DEMO_LAST_DATE = '2026-11-20';
/** The day whose first pack carried a bad price and was restated by a second one. */
export const DEMO_RESTATED_DATE = '2026-05-14';

/**
 * Prefix of every random stream. This one was picked because its year looks ordinary: no
 * security ends more than ~1.7 σ from its drift. Changing it changes every pack and commit hash.
 */
const DATASET_SEED = 'demo-v2';

function stream(name: string): Random {
  return createRandom(`${DATASET_SEED}:${name}`);
}

/** The asset classes of the demo securities. */
export type AssetClass = 'EQUITY' | 'ETF' | 'FIXED_INCOME';
/** The currencies the demo securities trade in. */
export type DemoCurrency = 'CAD' | 'USD';
/** A role a demo user holds (the roles of src/auth/roles.ts). */
export type DemoRole = 'viewer' | 'analyst' | 'admin' | 'service';

/** A security of the demo universe, as seeded into `securities`. */
export interface DemoSecurity {
  symbol: string;
  name: string;
  currency: DemoCurrency;
  assetClass: AssetClass;
  exchange: string;
}

/** A pricing pack of the demo year, with the flags it ends up with and its prices and FX rates. */
export interface DemoPack {
  id: string;
  date: string; // YYYY-MM-DD
  policy: string;
  hash: string;
  supersededById: string | null;
  sources: string[];
  isFresh: boolean;
  prewarmDone: boolean;
  reconciliationPassed: boolean;
  reconciliationFailed: boolean;
  reconciliationErrorBps: number;
  errorMessage: string | null;
  createdAt: string; // ISO instant
  updatedAt: string; // ISO instant
  prices: PackPriceContent[];
  fxRates: PackFxContent[];
}

/** A demo tenant, with its starting credit balance. */
export interface DemoTenant {
  id: string;
  name: string;
  creditBalance: number;
  createdAt: string;
}

/** A demo user of one tenant, with the roles to try the API with. */
export interface DemoUser {
  id: string;
  tenantId: string;
  email: string;
  roles: DemoRole[];
  createdAt: string;
}

/** A demo portfolio, pointing at the last commit of its ledger history. */
export interface DemoPortfolio {
  id: string;
  tenantId: string;
  name: string;
  baseCurrency: string;
  ledgerHead: string;
  createdAt: string;
}

/**
 * Sign convention: every amount is positive; `kind` says which way money moves (BUY, WITHDRAWAL
 * and FEE take cash out, SELL, DEPOSIT and DIVIDEND bring it in). Trades: amount = quantity × price.
 */
export type DemoLedgerEntry = LedgerEntryContent;

/** A commit of a demo ledger, hashed and chained like one appended through the API. */
export interface DemoLedgerCommit {
  hash: string;
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string;
  authorId: string;
  createdAt: string;
  entries: DemoLedgerEntry[];
}

/** A made-up headline about a demo security. */
export interface DemoNewsItem {
  id: string;
  symbol: string;
  headline: string;
  url: string;
  publishedAt: string;
  source: string;
}

/** Everything the demo seed writes, table by table (see seedDemoData). */
export interface DemoDataset {
  securities: DemoSecurity[];
  businessDays: string[];
  packs: DemoPack[];
  tenants: DemoTenant[];
  users: DemoUser[];
  portfolios: DemoPortfolio[];
  commits: DemoLedgerCommit[];
  news: DemoNewsItem[];
}

// ---------------------------------------------------------------------------------------------
// Securities and their simulation parameters

interface SecuritySpec extends DemoSecurity {
  startPrice: number;
  /** Annualised drift and volatility of the geometric Brownian motion. */
  drift: number;
  vol: number;
  /** Per-share dividend paid each quarter, in the security's currency; null for non-payers. */
  quarterlyDividend: number | null;
}

const TSX = 'TSX';

// Start prices approximate late-2025 levels so the numbers look familiar in a demo.
const SECURITY_SPECS: readonly SecuritySpec[] = [
  spec('RY.TO', 'Royal Bank of Canada', 'CAD', 'EQUITY', TSX, 203, 0.08, 0.17, 1.64),
  spec('TD.TO', 'The Toronto-Dominion Bank', 'CAD', 'EQUITY', TSX, 112, 0.07, 0.19, 1.05),
  spec('BNS.TO', 'The Bank of Nova Scotia', 'CAD', 'EQUITY', TSX, 94, 0.06, 0.18, 1.1),
  spec('ENB.TO', 'Enbridge Inc.', 'CAD', 'EQUITY', TSX, 67, 0.06, 0.17, 0.9425),
  spec('SU.TO', 'Suncor Energy Inc.', 'CAD', 'EQUITY', TSX, 58, 0.07, 0.28, 0.6),
  spec('CNR.TO', 'Canadian National Railway Company', 'CAD', 'EQUITY', TSX, 135, 0.06, 0.2, 0.8875),
  spec('SHOP.TO', 'Shopify Inc.', 'CAD', 'EQUITY', TSX, 215, 0.15, 0.55, null),
  spec('BCE.TO', 'BCE Inc.', 'CAD', 'EQUITY', TSX, 32, 0.0, 0.22, 0.4375),
  spec('ATD.TO', 'Alimentation Couche-Tard Inc.', 'CAD', 'EQUITY', TSX, 74, 0.07, 0.22, 0.195),
  spec('XIU.TO', 'iShares S&P/TSX 60 Index ETF', 'CAD', 'ETF', TSX, 46, 0.07, 0.13, 0.3),
  spec('ZAG.TO', 'BMO Aggregate Bond Index ETF', 'CAD', 'FIXED_INCOME', TSX, 13.9, 0.02, 0.05, 0.12),
  spec('AAPL', 'Apple Inc.', 'USD', 'EQUITY', 'NASDAQ', 268, 0.1, 0.27, 0.26),
  spec('MSFT', 'Microsoft Corporation', 'USD', 'EQUITY', 'NASDAQ', 478, 0.11, 0.25, 0.91),
  spec('NVDA', 'NVIDIA Corporation', 'USD', 'EQUITY', 'NASDAQ', 180, 0.2, 0.5, 0.01),
  spec('AMZN', 'Amazon.com, Inc.', 'USD', 'EQUITY', 'NASDAQ', 220, 0.12, 0.32, null),
  spec('JNJ', 'Johnson & Johnson', 'USD', 'EQUITY', 'NYSE', 202, 0.05, 0.16, 1.3),
  spec('JPM', 'JPMorgan Chase & Co.', 'USD', 'EQUITY', 'NYSE', 305, 0.09, 0.24, 1.5),
  spec('XOM', 'Exxon Mobil Corporation', 'USD', 'EQUITY', 'NYSE', 118, 0.05, 0.25, 1.03),
  spec('KO', 'The Coca-Cola Company', 'USD', 'EQUITY', 'NYSE', 71, 0.05, 0.15, 0.51),
  spec('SPY', 'SPDR S&P 500 ETF Trust', 'USD', 'ETF', 'NYSE Arca', 660, 0.09, 0.16, 1.85),
  spec('AGG', 'iShares Core U.S. Aggregate Bond ETF', 'USD', 'FIXED_INCOME', 'NYSE Arca', 100.2, 0.02, 0.05, 1.0),
];

function spec(
  symbol: string,
  name: string,
  currency: DemoCurrency,
  assetClass: AssetClass,
  exchange: string,
  startPrice: number,
  drift: number,
  vol: number,
  quarterlyDividend: number | null,
): SecuritySpec {
  return { symbol, name, currency, assetClass, exchange, startPrice, drift, vol, quarterlyDividend };
}

/** Where each listing's closes come from: the pack's per-price source. */
function priceSource(currency: DemoCurrency): string {
  return currency === 'CAD' ? 'FMP' : 'Polygon';
}

// ---------------------------------------------------------------------------------------------
// Calendar

const DAY_MS = 86_400_000;

/** Mon–Fri between two dates inclusive, UTC. Exchange holidays are ignored on purpose: demo data. */
export function businessDaysBetween(first: string, last: string): string[] {
  const days: string[] = [];
  const end = Date.parse(`${last}T00:00:00Z`);
  for (let t = Date.parse(`${first}T00:00:00Z`); t <= end; t += DAY_MS) {
    const weekday = new Date(t).getUTCDay();
    if (weekday !== 0 && weekday !== 6) days.push(new Date(t).toISOString().slice(0, 10));
  }
  return days;
}

function at(date: string, time: string): string {
  return `${date}T${time}.000Z`;
}

function round(value: number, decimals: number): number {
  const factor = 10 ** decimals;
  return Math.round(value * factor) / factor;
}

// ---------------------------------------------------------------------------------------------
// Market: closes and FX per business day

const TRADING_DAYS_PER_YEAR = 252;

/** The correct (restated where applicable) market of each business day. */
interface Market {
  days: string[];
  /** symbol → close per day index, already rounded to cents. */
  closes: Map<string, number[]>;
  /** USD→CAD per day index, rounded to 5 decimals. */
  usdCad: number[];
}

function simulateCloses(security: SecuritySpec, dayCount: number, random: Random): number[] {
  const dt = 1 / TRADING_DAYS_PER_YEAR;
  const step = (security.drift - (security.vol * security.vol) / 2) * dt;
  const shock = security.vol * Math.sqrt(dt);
  const closes: number[] = [];
  let price = security.startPrice;
  for (let i = 0; i < dayCount; i++) {
    if (i > 0) price *= Math.exp(step + shock * random.normal());
    closes.push(round(price, 2));
  }
  return closes;
}

const USD_CAD_FLOOR = 1.36;
const USD_CAD_CEILING = 1.42;

/** Mean-reverting walk reflected into the band, so the demo rate never looks implausible. */
function simulateUsdCad(dayCount: number, random: Random): number[] {
  const mean = 1.39;
  const reversion = 0.02;
  const dailyVol = 0.0045;
  const rates: number[] = [];
  let rate = 1.405;
  for (let i = 0; i < dayCount; i++) {
    if (i > 0) rate += reversion * (mean - rate) + dailyVol * random.normal();
    if (rate > USD_CAD_CEILING) rate = 2 * USD_CAD_CEILING - rate;
    if (rate < USD_CAD_FLOOR) rate = 2 * USD_CAD_FLOOR - rate;
    rates.push(round(rate, 5));
  }
  return rates;
}

function simulateMarket(days: string[]): Market {
  // Each security gets its own stream so adding a security never reshuffles the others' prices.
  const closes = new Map<string, number[]>();
  for (const security of SECURITY_SPECS) {
    closes.set(security.symbol, simulateCloses(security, days.length, stream(`prices:${security.symbol}`)));
  }
  return { days, closes, usdCad: simulateUsdCad(days.length, stream('fx:USD')) };
}

function dayIndex(market: Market, date: string): number {
  const index = market.days.indexOf(date);
  if (index < 0) throw new Error(`demo dataset: ${date} is not a business day in the demo period`);
  return index;
}

function closeOn(market: Market, symbol: string, date: string): number {
  const series = market.closes.get(symbol);
  if (!series) throw new Error(`demo dataset: unknown security ${symbol}`);
  return series[dayIndex(market, date)];
}

// ---------------------------------------------------------------------------------------------
// Pricing packs

function packPrices(market: Market, dayIdx: number): PackPriceContent[] {
  return SECURITY_SPECS.map((security) => ({
    symbol: security.symbol,
    close: market.closes.get(security.symbol)![dayIdx],
    currency: security.currency,
    source: priceSource(security.currency),
  }));
}

function makePack(
  id: string,
  date: string,
  prices: PackPriceContent[],
  fxRates: PackFxContent[],
  errorBps: number,
  createdAt: string,
): DemoPack {
  return {
    id,
    date,
    policy: DEMO_POLICY,
    hash: computePackHash({ date, policy: DEMO_POLICY, prices, fxRates }),
    supersededById: null,
    sources: packSources({ prices, fxRates }),
    isFresh: true,
    prewarmDone: true,
    reconciliationPassed: true,
    reconciliationFailed: false,
    reconciliationErrorBps: errorBps,
    errorMessage: null,
    createdAt,
    updatedAt: createdAt,
    prices,
    fxRates,
  };
}

/** The security whose close was mis-published on the restated day, and how wrong it was. */
const RESTATED_SYMBOL = 'SHOP.TO';
const RESTATED_ERROR_FACTOR = 1.1;

/**
 * The first publication of the restated day: identical except one bad close. Its updatedAt is
 * the moment the replacement superseded it.
 */
function supersededPack(correct: DemoPack, errorBps: number): DemoPack {
  // Copies, so the two packs never share rows a caller could mutate.
  const prices = correct.prices.map((p) =>
    p.symbol === RESTATED_SYMBOL ? { ...p, close: round(p.close * RESTATED_ERROR_FACTOR, 2) } : { ...p },
  );
  const fxRates = correct.fxRates.map((f) => ({ ...f }));
  const first = makePack(`PP_${correct.date}`, correct.date, prices, fxRates, errorBps, at(correct.date, '21:00:00'));
  return { ...first, supersededById: correct.id, updatedAt: correct.createdAt };
}

function buildPacks(market: Market): DemoPack[] {
  const random = stream('packs:reconciliation');
  const packs: DemoPack[] = [];
  market.days.forEach((date, i) => {
    const fxRates: PackFxContent[] = [{ currency: 'USD', rate: market.usdCad[i], source: 'FRED' }];
    const errorBps = round(random.between(0, 3), 2);
    if (date !== DEMO_RESTATED_DATE) {
      packs.push(makePack(`PP_${date}`, date, packPrices(market, i), fxRates, errorBps, at(date, '21:00:00')));
      return;
    }
    // The restatement landed two hours after the original 4 pm Toronto publication.
    const corrected = makePack(`PP_${date}_r2`, date, packPrices(market, i), fxRates, round(random.between(0, 3), 2), at(date, '23:00:00'));
    packs.push(supersededPack(corrected, errorBps), corrected);
  });
  return packs;
}

// ---------------------------------------------------------------------------------------------
// Tenants, users, portfolios

const DIRECTORY_CREATED_AT = at(DEMO_FIRST_DATE, '14:00:00');

const TENANTS: readonly Omit<DemoTenant, 'createdAt'>[] = [
  { id: 'demo', name: 'Demo Capital', creditBalance: 1000 },
  { id: 'other', name: 'Other Partners', creditBalance: 100 },
];

const USERS: readonly Omit<DemoUser, 'createdAt'>[] = [
  { id: 'demo-viewer', tenantId: 'demo', email: 'viewer@demo.example', roles: ['viewer'] },
  { id: 'demo-analyst', tenantId: 'demo', email: 'analyst@demo.example', roles: ['analyst'] },
  { id: 'demo-admin', tenantId: 'demo', email: 'admin@demo.example', roles: ['admin'] },
  { id: 'pack-builder', tenantId: 'demo', email: 'pack-builder@demo.example', roles: ['service'] },
  { id: 'other-analyst', tenantId: 'other', email: 'analyst@other.example', roles: ['analyst'] },
];

// ---------------------------------------------------------------------------------------------
// Ledger plans: what each portfolio did during the year, in money terms. Quantities and amounts
// are derived from the simulated closes, so the plan stays valid whatever the prices turn out to be.

type PlanAction =
  | { kind: 'DEPOSIT' | 'WITHDRAWAL' | 'FEE'; currency: DemoCurrency; amount: number }
  /** Buy as many whole shares as `notional` (in the security's currency) pays for. */
  | { kind: 'BUY'; symbol: string; notional: number }
  /** Sell this fraction of the current holding, rounded down to whole shares. */
  | { kind: 'SELL'; symbol: string; fraction: number }
  /** One DIVIDEND entry per dividend payer held at the start of the day. */
  | { kind: 'DIVIDENDS' };

interface PlanStep {
  date: string;
  message: string;
  actions: PlanAction[];
}

interface PortfolioPlan {
  portfolio: Omit<DemoPortfolio, 'ledgerHead' | 'createdAt'>;
  authorId: string;
  steps: PlanStep[];
}

const deposit = (currency: DemoCurrency, amount: number): PlanAction => ({ kind: 'DEPOSIT', currency, amount });
const withdraw = (currency: DemoCurrency, amount: number): PlanAction => ({ kind: 'WITHDRAWAL', currency, amount });
const fee = (currency: DemoCurrency, amount: number): PlanAction => ({ kind: 'FEE', currency, amount });
const buy = (symbol: string, notional: number): PlanAction => ({ kind: 'BUY', symbol, notional });
const sell = (symbol: string, fraction: number): PlanAction => ({ kind: 'SELL', symbol, fraction });
const DIVIDENDS: PlanAction = { kind: 'DIVIDENDS' };

/** Dividend paydays, one per quarter, all business days. */
const DIVIDEND_DAYS: readonly [string, string][] = [
  ['2026-01-30', 'Q1 dividends'],
  ['2026-04-30', 'Q2 dividends'],
  ['2026-07-30', 'Q3 dividends'],
  ['2026-10-30', 'Q4 dividends'],
];

const dividendSteps = (): PlanStep[] => DIVIDEND_DAYS.map(([date, message]) => ({ date, message, actions: [DIVIDENDS] }));

const DEMO_GROWTH_PLAN: PortfolioPlan = {
  portfolio: { id: 'pf-demo-growth', tenantId: 'demo', name: 'Demo Growth', baseCurrency: 'CAD' },
  authorId: 'demo-analyst',
  steps: [
    { date: '2025-11-21', message: 'Initial funding', actions: [deposit('CAD', 400_000), deposit('USD', 150_000)] },
    {
      date: '2025-11-24',
      message: 'Initial purchases: Canadian banks and energy',
      actions: [buy('RY.TO', 40_000), buy('TD.TO', 30_000), buy('BNS.TO', 20_000), buy('ENB.TO', 30_000), buy('SU.TO', 20_000)],
    },
    {
      date: '2025-11-26',
      message: 'Initial purchases: Canadian growth, index and bonds',
      actions: [
        buy('SHOP.TO', 35_000),
        buy('CNR.TO', 25_000),
        buy('ATD.TO', 20_000),
        buy('BCE.TO', 15_000),
        buy('XIU.TO', 40_000),
        buy('ZAG.TO', 40_000),
      ],
    },
    {
      date: '2025-12-01',
      message: 'Initial purchases: US equities',
      actions: [
        buy('AAPL', 20_000),
        buy('MSFT', 20_000),
        buy('NVDA', 15_000),
        buy('AMZN', 15_000),
        buy('JPM', 12_000),
        buy('JNJ', 10_000),
        buy('XOM', 8_000),
      ],
    },
    { date: '2025-12-03', message: 'Initial purchases: US index and bonds', actions: [buy('SPY', 25_000), buy('AGG', 10_000)] },
    { date: '2026-02-17', message: 'Rebalance: trim Shopify, add bonds', actions: [sell('SHOP.TO', 0.3), buy('ZAG.TO', 15_000)] },
    { date: '2026-03-31', message: 'Q1 custody fee', actions: [fee('CAD', 250)] },
    // Trades on the restated day, so the ledger shows which close is the correct one.
    { date: DEMO_RESTATED_DATE, message: 'Add to Shopify', actions: [buy('SHOP.TO', 8_000)] },
    { date: '2026-06-15', message: 'Rebalance: trim NVIDIA, add Johnson & Johnson', actions: [sell('NVDA', 0.25), buy('JNJ', 8_000)] },
    { date: '2026-06-30', message: 'Wire fee', actions: [fee('USD', 40)] },
    { date: '2026-08-14', message: 'Partial withdrawal', actions: [withdraw('CAD', 25_000)] },
    { date: '2026-09-15', message: 'Add to TSX 60', actions: [buy('XIU.TO', 20_000)] },
    { date: '2026-09-30', message: 'Q3 custody fee', actions: [fee('CAD', 250)] },
    { date: '2026-10-20', message: 'Trim Apple', actions: [sell('AAPL', 0.2)] },
    { date: '2026-11-18', message: 'Year-end rebalance', actions: [sell('SU.TO', 0.5), buy('CNR.TO', 10_000)] },
    ...dividendSteps(),
  ],
};

const OTHER_INCOME_PLAN: PortfolioPlan = {
  portfolio: { id: 'pf-other-income', tenantId: 'other', name: 'Other Income', baseCurrency: 'CAD' },
  authorId: 'other-analyst',
  steps: [
    { date: '2025-11-21', message: 'Initial funding', actions: [deposit('CAD', 120_000), deposit('USD', 40_000)] },
    {
      date: '2025-11-25',
      message: 'Initial purchases: Canadian income',
      actions: [
        buy('ENB.TO', 20_000),
        buy('BCE.TO', 15_000),
        buy('BNS.TO', 15_000),
        buy('SU.TO', 10_000),
        buy('XIU.TO', 15_000),
        buy('ZAG.TO', 25_000),
      ],
    },
    {
      date: '2025-12-02',
      message: 'Initial purchases: US income',
      actions: [buy('JNJ', 7_000), buy('XOM', 7_000), buy('KO', 6_000), buy('AGG', 12_000)],
    },
    { date: '2026-04-15', message: 'Add to bonds', actions: [buy('ZAG.TO', 5_000)] },
    { date: '2026-06-30', message: 'Annual account fee', actions: [fee('CAD', 125)] },
    { date: '2026-07-15', message: 'Trim BCE', actions: [sell('BCE.TO', 0.5)] },
    { date: '2026-09-01', message: 'Withdrawal', actions: [withdraw('CAD', 10_000)] },
    { date: '2026-10-06', message: 'Add to Enbridge', actions: [buy('ENB.TO', 5_000)] },
    ...dividendSteps(),
  ],
};

const PORTFOLIO_PLANS: readonly PortfolioPlan[] = [DEMO_GROWTH_PLAN, OTHER_INCOME_PLAN];

// ---------------------------------------------------------------------------------------------
// Ledger replay: turns plan actions into entries while enforcing the invariants a real ledger
// would (no short positions, no overdrawn cash in any currency). A plan that breaks them fails
// the build loudly instead of seeding nonsense.

interface LedgerState {
  holdings: Map<string, number>;
  /** Integer cents, so a balance of exactly zero really is zero. */
  cashCents: Map<string, number>;
}

const SPEC_BY_SYMBOL = new Map(SECURITY_SPECS.map((s) => [s.symbol, s]));

function securitySpec(symbol: string): SecuritySpec {
  const found = SPEC_BY_SYMBOL.get(symbol);
  if (!found) throw new Error(`demo dataset: unknown security ${symbol}`);
  return found;
}

function moveCash(state: LedgerState, currency: string, cents: number, context: string): void {
  const balance = (state.cashCents.get(currency) ?? 0) + cents;
  if (balance < 0) throw new Error(`demo dataset: ${context} overdraws ${currency} cash`);
  state.cashCents.set(currency, balance);
}

function moveShares(state: LedgerState, symbol: string, quantity: number, context: string): void {
  const held = (state.holdings.get(symbol) ?? 0) + quantity;
  if (held < 0) throw new Error(`demo dataset: ${context} sells more ${symbol} than held`);
  state.holdings.set(symbol, held);
}

const toCents = (amount: number): number => Math.round(amount * 100);

function entry(
  kind: LedgerEntryKindName,
  tradeDate: string,
  symbol: string | null,
  quantity: number | null,
  price: number | null,
  currency: string,
  amount: number,
): DemoLedgerEntry {
  return { kind, tradeDate, symbol, quantity, price, currency, amount };
}

function tradeEntry(
  state: LedgerState,
  market: Market,
  date: string,
  symbol: string,
  side: 'BUY' | 'SELL',
  quantity: number,
): DemoLedgerEntry {
  const security = securitySpec(symbol);
  const price = closeOn(market, symbol, date);
  const amount = round(quantity * price, 2);
  const context = `${side} ${symbol} on ${date}`;
  if (quantity <= 0) throw new Error(`demo dataset: ${context} has no whole shares`);
  const direction = side === 'BUY' ? 1 : -1;
  moveShares(state, symbol, direction * quantity, context);
  moveCash(state, security.currency, -direction * toCents(amount), context);
  return entry(side, date, symbol, quantity, price, security.currency, amount);
}

function dividendEntries(state: LedgerState, date: string): DemoLedgerEntry[] {
  const entries: DemoLedgerEntry[] = [];
  for (const security of SECURITY_SPECS) {
    const held = state.holdings.get(security.symbol) ?? 0;
    if (security.quarterlyDividend === null || held === 0) continue;
    const amount = round(held * security.quarterlyDividend, 2);
    moveCash(state, security.currency, toCents(amount), `dividend ${security.symbol} on ${date}`);
    entries.push(entry('DIVIDEND', date, security.symbol, null, null, security.currency, amount));
  }
  return entries;
}

function applyAction(state: LedgerState, market: Market, date: string, action: PlanAction): DemoLedgerEntry[] {
  switch (action.kind) {
    case 'DEPOSIT':
      moveCash(state, action.currency, toCents(action.amount), `deposit on ${date}`);
      return [entry('DEPOSIT', date, null, null, null, action.currency, action.amount)];
    case 'WITHDRAWAL':
    case 'FEE':
      moveCash(state, action.currency, -toCents(action.amount), `${action.kind} on ${date}`);
      return [entry(action.kind, date, null, null, null, action.currency, action.amount)];
    case 'BUY': {
      const quantity = Math.floor(action.notional / closeOn(market, action.symbol, date));
      return [tradeEntry(state, market, date, action.symbol, 'BUY', quantity)];
    }
    case 'SELL': {
      const quantity = Math.floor((state.holdings.get(action.symbol) ?? 0) * action.fraction);
      return [tradeEntry(state, market, date, action.symbol, 'SELL', quantity)];
    }
    case 'DIVIDENDS':
      return dividendEntries(state, date);
  }
}

function buildCommits(plan: PortfolioPlan, market: Market): DemoLedgerCommit[] {
  const state: LedgerState = { holdings: new Map(), cashCents: new Map() };
  // Sorting by date (stable) lets plans list recurring steps separately from one-off ones.
  const steps = [...plan.steps].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : 0));
  const commits: DemoLedgerCommit[] = [];
  let parentHash: string | null = null;
  for (const step of steps) {
    const entries = step.actions.flatMap((action) => applyAction(state, market, step.date, action));
    const seq = commits.length + 1;
    const portfolioId = plan.portfolio.id;
    const hash = computeCommitHash({ portfolioId, parentHash, seq, message: step.message, entries });
    commits.push({
      hash,
      portfolioId,
      parentHash,
      seq,
      message: step.message,
      authorId: plan.authorId,
      createdAt: at(step.date, '22:00:00'),
      entries,
    });
    parentHash = hash;
  }
  return commits;
}

// ---------------------------------------------------------------------------------------------
// News

const NEWS_HEADLINES: Readonly<Record<string, readonly string[]>> = {
  'RY.TO': [
    'Royal Bank of Canada to report fourth-quarter results in early December',
    'RBC economists publish updated outlook for Canadian housing',
    'Royal Bank of Canada announces redemption of preferred shares',
    'RBC expands wealth management team in the United States',
  ],
  'SHOP.TO': [
    'Shopify reports third-quarter revenue and merchant growth figures',
    'Shopify outlines new tools for merchants ahead of the holiday season',
    'Shopify announces partnership with a European payments provider',
    'Analysts review Shopify guidance after quarterly results',
  ],
  'ENB.TO': [
    'Enbridge reports third-quarter financial results',
    'Enbridge announces expansion project on its gas transmission network',
    'Enbridge declares quarterly dividend on common shares',
    'Enbridge provides update on Line 5 regulatory process',
  ],
  AAPL: [
    'Apple reports fourth-quarter fiscal results',
    'Apple announces updates to its Mac lineup',
    'Apple declares quarterly cash dividend',
    'Apple schedules annual shareholder meeting',
  ],
  NVDA: [
    'NVIDIA to announce third-quarter fiscal results',
    'NVIDIA unveils new data center platform at industry conference',
    'NVIDIA reports third-quarter fiscal results',
    'NVIDIA announces collaboration with automotive manufacturers',
  ],
};

const NEWS_WINDOW_START = '2026-09-21';

function buildNews(market: Market): DemoNewsItem[] {
  const random = stream('news');
  const window = market.days.filter((d) => d >= NEWS_WINDOW_START);
  const items: DemoNewsItem[] = [];
  for (const [symbol, headlines] of Object.entries(NEWS_HEADLINES)) {
    const times = headlines
      .map(() => {
        const date = window[random.int(0, window.length - 1)];
        const hour = String(random.int(11, 21)).padStart(2, '0');
        const minute = String(random.int(0, 59)).padStart(2, '0');
        return at(date, `${hour}:${minute}:00`);
      })
      .sort();
    headlines.forEach((headline, n) => {
      const id = `news-${symbol}-${n + 1}`;
      items.push({ id, symbol, headline, url: `https://newsapi.org/demo/${id}`, publishedAt: times[n], source: 'NewsAPI' });
    });
  }
  return items;
}

// ---------------------------------------------------------------------------------------------

function toSecurity({ symbol, name, currency, assetClass, exchange }: SecuritySpec): DemoSecurity {
  return { symbol, name, currency, assetClass, exchange };
}

/** The whole demo dataset. Pure: same output on every call, no clock, no I/O. */
export function buildDemoDataset(): DemoDataset {
  const businessDays = businessDaysBetween(DEMO_FIRST_DATE, DEMO_LAST_DATE);
  const market = simulateMarket(businessDays);
  const ledgers = PORTFOLIO_PLANS.map((plan) => ({ plan, commits: buildCommits(plan, market) }));
  return {
    securities: SECURITY_SPECS.map(toSecurity),
    businessDays,
    packs: buildPacks(market),
    tenants: TENANTS.map((t) => ({ ...t, createdAt: DIRECTORY_CREATED_AT })),
    users: USERS.map((u) => ({ ...u, roles: [...u.roles], createdAt: DIRECTORY_CREATED_AT })),
    portfolios: ledgers.map(({ plan, commits }) => ({
      ...plan.portfolio,
      ledgerHead: commits[commits.length - 1].hash,
      createdAt: DIRECTORY_CREATED_AT,
    })),
    commits: ledgers.flatMap(({ commits }) => commits),
    news: buildNews(market),
  };
}
