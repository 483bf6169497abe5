import { computeCommitHash } from '../../src/ledger/commit-hash';
import type { LedgerEntryContent } from '../../src/data/ledger/ledger-records';
import { computePackHash, packSources } from '../../src/packs/pack-hash';
import {
  buildDemoDataset,
  DEMO_FIRST_DATE,
  DEMO_LAST_DATE,
  DEMO_POLICY,
  DEMO_RESTATED_DATE,
  type DemoDataset,
  type DemoLedgerCommit,
  type DemoPack,
} from '../../src/demo/demo-dataset';
import { createRandom } from '../../src/demo/random';

const data: DemoDataset = buildDemoDataset();

const CASH_KINDS = new Set(['DEPOSIT', 'WITHDRAWAL', 'FEE']);
const TRADE_KINDS = new Set(['BUY', 'SELL']);
const INFLOW_KINDS = new Set(['DEPOSIT', 'SELL', 'DIVIDEND']);

const weekday = (date: string): number => new Date(`${date}T00:00:00Z`).getUTCDay();
const decimals = (value: number): number => (String(value).split('.')[1] ?? '').length;
const cents = (amount: number): number => Math.round(amount * 100);

function currentPacks(): DemoPack[] {
  return data.packs.filter((p) => p.supersededById === null);
}

function currentPackOn(date: string): DemoPack {
  const found = currentPacks().filter((p) => p.date === date);
  expect(found).toHaveLength(1);
  return found[0];
}

function commitsOf(portfolioId: string): DemoLedgerCommit[] {
  return data.commits.filter((c) => c.portfolioId === portfolioId);
}

describe('random', () => {
  it('repeats the same sequence for the same seed and differs across seeds', () => {
    const draw = (seed: string) => {
      const random = createRandom(seed);
      return Array.from({ length: 8 }, () => [random.next(), random.normal()]);
    };
    expect(draw('a')).toEqual(draw('a'));
    expect(draw('a')).not.toEqual(draw('b'));
  });

  it('produces standard normals', () => {
    const random = createRandom(42);
    const samples = Array.from({ length: 20_000 }, () => random.normal());
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const variance = samples.reduce((s, x) => s + (x - mean) ** 2, 0) / samples.length;
    expect(Math.abs(mean)).toBeLessThan(0.03);
    expect(Math.abs(variance - 1)).toBeLessThan(0.05);
  });
});

describe('buildDemoDataset', () => {
  it('is deterministic and shares no state between builds', () => {
    const again = buildDemoDataset();
    expect(again).toEqual(data);
    again.packs[0].prices[0].close = -1;
    again.commits[0].entries.pop();
    again.users[0].roles.push('admin');
    expect(buildDemoDataset()).toEqual(data);
  });

  describe('calendar', () => {
    it('lists every Monday–Friday of the period and nothing else', () => {
      expect(data.businessDays[0]).toBe(DEMO_FIRST_DATE);
      expect(data.businessDays[data.businessDays.length - 1]).toBe(DEMO_LAST_DATE);
      // 2025-11-21 and 2026-11-20 are Fridays 52 weeks apart: 52 × 5 + 1.
      expect(data.businessDays).toHaveLength(261);
      for (const date of data.businessDays) expect([1, 2, 3, 4, 5]).toContain(weekday(date));
      for (let i = 1; i < data.businessDays.length; i++) {
        const gapDays = (Date.parse(data.businessDays[i]) - Date.parse(data.businessDays[i - 1])) / 86_400_000;
        expect(gapDays).toBe(weekday(data.businessDays[i]) === 1 ? 3 : 1);
      }
    });
  });

  describe('securities', () => {
    it('are about half Canadian and half US, with valid asset classes', () => {
      const symbols = data.securities.map((s) => s.symbol);
      expect(new Set(symbols).size).toBe(symbols.length);
      expect(symbols.length).toBeGreaterThanOrEqual(18);
      expect(symbols.length).toBeLessThanOrEqual(24);
      const cad = data.securities.filter((s) => s.currency === 'CAD');
      const usd = data.securities.filter((s) => s.currency === 'USD');
      expect(cad.length + usd.length).toBe(symbols.length);
      expect(Math.abs(cad.length - usd.length)).toBeLessThanOrEqual(2);
      for (const s of cad) expect(s).toMatchObject({ exchange: 'TSX', symbol: expect.stringMatching(/\.TO$/) });
      for (const s of data.securities) expect(['EQUITY', 'ETF', 'FIXED_INCOME']).toContain(s.assetClass);
      expect(data.securities.find((s) => s.symbol === 'ZAG.TO')?.assetClass).toBe('FIXED_INCOME');
      expect(data.securities.find((s) => s.symbol === 'AGG')?.assetClass).toBe('FIXED_INCOME');
    });
  });

  describe('pricing packs', () => {
    it('has one current pack per business day and nothing on other days', () => {
      expect(currentPacks().map((p) => p.date)).toEqual(data.businessDays);
      for (const pack of currentPacks()) {
        expect(pack.id).toBe(pack.date === DEMO_RESTATED_DATE ? `PP_${pack.date}_r2` : `PP_${pack.date}`);
      }
      expect(new Set(data.packs.map((p) => p.id)).size).toBe(data.packs.length);
    });

    it('hashes every pack from its content', () => {
      for (const pack of data.packs) {
        const content = { date: pack.date, policy: pack.policy, prices: pack.prices, fxRates: pack.fxRates };
        expect(pack.hash).toBe(computePackHash(content));
        expect(pack.sources).toEqual(packSources(content));
      }
      expect(new Set(data.packs.map((p) => p.hash)).size).toBe(data.packs.length);
    });

    it('prices every security once, in its currency and from its listing source', () => {
      const bySymbol = new Map(data.securities.map((s) => [s.symbol, s]));
      const allSymbols = [...bySymbol.keys()].sort();
      const problems: string[] = [];
      for (const pack of data.packs) {
        if (pack.policy !== DEMO_POLICY) problems.push(`${pack.id} policy ${pack.policy}`);
        if (
          pack.prices
            .map((p) => p.symbol)
            .sort()
            .join() !== allSymbols.join()
        )
          problems.push(`${pack.id} symbols`);
        for (const price of pack.prices) {
          const security = bySymbol.get(price.symbol)!;
          const source = security.currency === 'CAD' ? 'FMP' : 'Polygon';
          if (price.currency !== security.currency) problems.push(`${pack.id} ${price.symbol} currency`);
          if (price.source !== source) problems.push(`${pack.id} ${price.symbol} source`);
          if (!(price.close > 0) || decimals(price.close) > 2) problems.push(`${pack.id} ${price.symbol} close ${price.close}`);
        }
      }
      expect(problems).toEqual([]);
    });

    it('carries one USD→CAD rate in a plausible band', () => {
      for (const pack of data.packs) {
        expect(pack.fxRates).toHaveLength(1);
        const [fx] = pack.fxRates;
        expect(fx).toMatchObject({ currency: 'USD', source: 'FRED' });
        expect(fx.rate).toBeGreaterThanOrEqual(1.36);
        expect(fx.rate).toBeLessThanOrEqual(1.42);
        expect(decimals(fx.rate)).toBeLessThanOrEqual(5);
      }
      // A walk, not a constant.
      expect(new Set(data.packs.map((p) => p.fxRates[0].rate)).size).toBeGreaterThan(100);
    });

    it('moves prices day to day like a market, not a constant or a wild jump', () => {
      const packs = currentPacks();
      for (const security of data.securities) {
        const closes = packs.map((p) => p.prices.find((x) => x.symbol === security.symbol)!.close);
        expect(new Set(closes).size).toBeGreaterThan(50);
        for (let i = 1; i < closes.length; i++) expect(Math.abs(Math.log(closes[i] / closes[i - 1]))).toBeLessThan(0.25);
      }
    });

    it('is healthy and published at 4 pm Toronto', () => {
      for (const pack of data.packs) {
        expect(pack).toMatchObject({
          isFresh: true,
          prewarmDone: true,
          reconciliationPassed: true,
          reconciliationFailed: false,
          errorMessage: null,
        });
        expect(pack.reconciliationErrorBps).toBeGreaterThanOrEqual(0);
        expect(pack.reconciliationErrorBps).toBeLessThanOrEqual(3);
        expect(decimals(pack.reconciliationErrorBps)).toBeLessThanOrEqual(2);
        if (pack.id === `PP_${pack.date}`) expect(pack.createdAt).toBe(`${pack.date}T21:00:00.000Z`);
      }
    });

    it('restates exactly one day: one wrong price, replaced two hours later', () => {
      const superseded = data.packs.filter((p) => p.supersededById !== null);
      expect(superseded).toHaveLength(1);
      const [first] = superseded;
      const replacement = data.packs.find((p) => p.id === first.supersededById);
      expect(replacement).toBeDefined();
      expect(first.id).toBe(`PP_${DEMO_RESTATED_DATE}`);
      expect(replacement!.id).toBe(`PP_${DEMO_RESTATED_DATE}_r2`);
      expect(replacement!.date).toBe(first.date);
      expect(replacement!.supersededById).toBeNull();
      expect(Date.parse(replacement!.createdAt) - Date.parse(first.createdAt)).toBe(2 * 3_600_000);
      expect(first.hash).not.toBe(replacement!.hash);
      const differing = first.prices.filter((p) => replacement!.prices.find((r) => r.symbol === p.symbol)!.close !== p.close);
      expect(differing).toHaveLength(1);
      expect(first.fxRates).toEqual(replacement!.fxRates);
    });
  });

  describe('directory', () => {
    it('has exactly the demo tenants, users and portfolios', () => {
      expect(data.tenants.map(({ id, name, creditBalance }) => ({ id, name, creditBalance }))).toEqual([
        { id: 'demo', name: 'Demo Capital', creditBalance: 1000 },
        { id: 'other', name: 'Other Partners', creditBalance: 100 },
      ]);
      expect(data.users.map(({ id, tenantId, roles }) => ({ id, tenantId, roles }))).toEqual([
        { id: 'demo-viewer', tenantId: 'demo', roles: ['viewer'] },
        { id: 'demo-analyst', tenantId: 'demo', roles: ['analyst'] },
        { id: 'demo-admin', tenantId: 'demo', roles: ['admin'] },
        { id: 'pack-builder', tenantId: 'demo', roles: ['service'] },
        { id: 'other-analyst', tenantId: 'other', roles: ['analyst'] },
      ]);
      for (const user of data.users) expect(user.email).toMatch(/^[a-z-]+@(demo|other)\.example$/);
      expect(data.portfolios.map(({ id, name, tenantId, baseCurrency }) => ({ id, name, tenantId, baseCurrency }))).toEqual([
        { id: 'pf-demo-growth', name: 'Demo Growth', tenantId: 'demo', baseCurrency: 'CAD' },
        { id: 'pf-other-income', name: 'Other Income', tenantId: 'other', baseCurrency: 'CAD' },
      ]);
    });
  });

  describe('ledger', () => {
    it('chains each portfolio’s commits by seq and parent hash, and every hash recomputes', () => {
      expect(data.commits.map((c) => c.portfolioId).every((id) => data.portfolios.some((p) => p.id === id))).toBe(true);
      for (const portfolio of data.portfolios) {
        const commits = commitsOf(portfolio.id);
        expect(commits.length).toBeGreaterThan(5);
        commits.forEach((commit, i) => {
          expect(commit.seq).toBe(i + 1);
          expect(commit.parentHash).toBe(i === 0 ? null : commits[i - 1].hash);
          expect(commit.hash).toBe(
            computeCommitHash({
              portfolioId: commit.portfolioId,
              parentHash: commit.parentHash,
              seq: commit.seq,
              message: commit.message,
              entries: commit.entries,
            }),
          );
        });
        expect(portfolio.ledgerHead).toBe(commits[commits.length - 1].hash);
      }
      expect(new Set(data.commits.map((c) => c.hash)).size).toBe(data.commits.length);
    });

    it('dates entries on business days, in order, with commits at 22:00Z of their trade date', () => {
      for (const portfolio of data.portfolios) {
        let previous = '';
        for (const commit of commitsOf(portfolio.id)) {
          expect(commit.entries.length).toBeGreaterThan(0);
          expect(commit.message.length).toBeGreaterThan(0);
          for (const entry of commit.entries) {
            expect(data.businessDays).toContain(entry.tradeDate);
            expect(entry.tradeDate >= previous).toBe(true);
            previous = entry.tradeDate;
          }
          expect(commit.createdAt).toBe(`${commit.entries[commit.entries.length - 1].tradeDate}T22:00:00.000Z`);
        }
      }
    });

    it('shapes every entry by its kind', () => {
      const currencyOf = new Map(data.securities.map((s) => [s.symbol, s.currency]));
      for (const entry of data.commits.flatMap((c) => c.entries)) {
        expect(Object.keys(entry).sort()).toEqual(['amount', 'currency', 'kind', 'price', 'quantity', 'symbol', 'tradeDate']);
        expect(entry.amount).toBeGreaterThan(0);
        expect(decimals(entry.amount!)).toBeLessThanOrEqual(2);
        if (CASH_KINDS.has(entry.kind)) {
          expect(entry.symbol).toBeNull();
        } else {
          expect(currencyOf.get(entry.symbol!)).toBe(entry.currency);
        }
        if (TRADE_KINDS.has(entry.kind)) {
          expect(Number.isInteger(entry.quantity)).toBe(true);
          expect(entry.quantity).toBeGreaterThan(0);
          expect(entry.amount).toBe(Math.round(entry.quantity! * entry.price! * 100) / 100);
        } else {
          expect(entry.quantity).toBeNull();
          expect(entry.price).toBeNull();
        }
      }
    });

    it('trades at the day’s close from the current (restated) pack', () => {
      const trades = data.commits.flatMap((c) => c.entries).filter((e) => TRADE_KINDS.has(e.kind));
      for (const trade of trades) {
        const close = currentPackOn(trade.tradeDate).prices.find((p) => p.symbol === trade.symbol)!.close;
        expect(trade.price).toBe(close);
      }
      expect(trades.some((t) => t.tradeDate === DEMO_RESTATED_DATE)).toBe(true);
    });

    it('replays without a short position or negative cash in any currency', () => {
      for (const portfolio of data.portfolios) {
        const holdings = new Map<string, number>();
        const cash = new Map<string, number>();
        const violations: string[] = [];
        for (const entry of commitsOf(portfolio.id).flatMap((c) => c.entries)) {
          applyToReplay(entry, holdings, cash);
          if (entry.symbol !== null && (holdings.get(entry.symbol) ?? 0) < 0) violations.push(`${entry.tradeDate} short ${entry.symbol}`);
          if (cash.get(entry.currency)! < 0) violations.push(`${entry.tradeDate} overdrawn ${entry.currency}`);
        }
        expect(violations).toEqual([]);
        // Positions were actually built.
        expect([...holdings.values()].filter((q) => q > 0).length).toBeGreaterThan(5);
      }
    });

    it('pays dividends on the quantity held at the time', () => {
      const dividends = data.commits.flatMap((c) => c.entries.map((e) => ({ e, c }))).filter(({ e }) => e.kind === 'DIVIDEND');
      expect(dividends.length).toBeGreaterThan(8);
      for (const { e, c } of dividends) {
        const held = commitsOf(c.portfolioId)
          .filter((other) => other.seq < c.seq)
          .flatMap((other) => other.entries)
          .filter((x) => x.symbol === e.symbol && TRADE_KINDS.has(x.kind))
          .reduce((q, x) => q + (x.kind === 'BUY' ? x.quantity! : -x.quantity!), 0);
        expect(held).toBeGreaterThan(0);
        // Implied per-share dividend: positive and a plausible quarterly amount.
        expect(e.amount! / held).toBeGreaterThan(0);
        expect(e.amount! / held).toBeLessThan(3);
      }
    });

    it('covers a realistic year: funding in both currencies, trades, dividends, fees and a withdrawal', () => {
      for (const portfolio of data.portfolios) {
        const entries = commitsOf(portfolio.id).flatMap((c) => c.entries);
        const has = (kind: string, currency?: string) =>
          entries.some((e) => e.kind === kind && (currency === undefined || e.currency === currency));
        expect(has('DEPOSIT', 'CAD') && has('DEPOSIT', 'USD')).toBe(true);
        expect(has('BUY') && has('SELL') && has('DIVIDEND') && has('FEE')).toBe(true);
        expect(entries.filter((e) => e.kind === 'WITHDRAWAL').map((e) => e.currency)).toEqual(['CAD']);
      }
      const demoBought = new Set(
        commitsOf('pf-demo-growth')
          .flatMap((c) => c.entries)
          .filter((e) => e.kind === 'BUY')
          .map((e) => e.symbol),
      );
      expect(demoBought.size).toBeGreaterThan(data.securities.length / 2);
    });
  });

  describe('news', () => {
    it('covers a few held securities over the last two months', () => {
      expect(data.news.length).toBeGreaterThanOrEqual(15);
      expect(data.news.length).toBeLessThanOrEqual(25);
      expect(new Set(data.news.map((n) => n.id)).size).toBe(data.news.length);
      const symbols = new Set(data.news.map((n) => n.symbol));
      expect(symbols.size).toBeGreaterThanOrEqual(4);
      expect(symbols.size).toBeLessThanOrEqual(6);
      const held = new Set(
        data.commits
          .flatMap((c) => c.entries)
          .filter((e) => e.kind === 'BUY')
          .map((e) => e.symbol),
      );
      const windowStart = Date.parse(`${DEMO_LAST_DATE}T23:59:59Z`) - 62 * 86_400_000;
      for (const item of data.news) {
        expect(held.has(item.symbol)).toBe(true);
        expect(item.source).toBe('NewsAPI');
        expect(item.id).toMatch(new RegExp(`^news-${item.symbol.replace('.', '\\.')}-\\d+$`));
        expect(item.url).toBe(`https://newsapi.org/demo/${item.id}`);
        expect(item.headline.length).toBeGreaterThan(10);
        const at = Date.parse(item.publishedAt);
        expect(at).toBeGreaterThanOrEqual(windowStart);
        expect(at).toBeLessThanOrEqual(Date.parse(`${DEMO_LAST_DATE}T23:59:59Z`));
      }
    });
  });
});

/** Independent replay (signed by kind, as the sign convention documents): quantities and cents. */
function applyToReplay(entry: LedgerEntryContent, holdings: Map<string, number>, cash: Map<string, number>): void {
  const sign = INFLOW_KINDS.has(entry.kind) ? 1 : -1;
  cash.set(entry.currency, (cash.get(entry.currency) ?? 0) + sign * cents(entry.amount!));
  if (TRADE_KINDS.has(entry.kind)) {
    const delta = entry.kind === 'BUY' ? entry.quantity! : -entry.quantity!;
    holdings.set(entry.symbol!, (holdings.get(entry.symbol!) ?? 0) + delta);
  }
}
