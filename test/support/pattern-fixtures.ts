import {
  AppendLedgerEntriesDocument,
  CreatePortfolioDocument,
  CreatePricingPackDocument,
  MarkPackFreshDocument,
  UpsertSecuritiesDocument,
  type CreatePricingPackInput,
  type LedgerEntryInput,
} from '../generated/operations';
import type { TestServer } from './test-server';

/** A security of one pattern test file: symbols and policies unique to the file keep suites apart. */
export interface FixtureSecurity {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange: string;
}

/** A close in a pack: [symbol, close]. */
export type Price = [symbol: string, close: number];

/**
 * What the analysis-pattern tests build through the API: their own securities (as pack-builder),
 * packs on policies of their own, portfolios and ledgers (as demo-analyst), and the credits a run
 * was charged.
 */
export interface PatternFixtures {
  /** Upserts the file's securities. */
  registerSecurities(): Promise<void>;
  /** A policy no other test uses (prefix + counter + _CAD); the pack's FX rates convert into CAD. */
  newPolicy(): string;
  /** Publishes a fresh pack; `fx` maps currency → CAD per unit. */
  publish(policy: string, date: string, prices: Price[], fx?: Record<string, number>): Promise<string>;
  /** A new portfolio with these ledger entries (one commit). */
  portfolioWith(entries: LedgerEntryInput[], baseCurrency?: string): Promise<string>;
  /** The credit transactions of one execution, as (kind, amount) pairs. */
  chargesOf(executionId: string): Promise<{ kind: string; amount: number }[]>;
}

/** The fixtures of one test file, on its server. */
export function patternFixtures(t: () => TestServer, prefix: string, securities: FixtureSecurity[]): PatternFixtures {
  const currencyOf = new Map(securities.map((s) => [s.symbol, s.currency]));
  let policies = 0;
  return {
    async registerSecurities() {
      const upserted = await t().request(UpsertSecuritiesDocument, { input: securities }, { as: 'pack-builder' });
      expect(upserted.errors).toBeUndefined();
    },
    newPolicy: () => `${prefix}T${++policies}_CAD`,
    async publish(policy, date, prices, fx = {}) {
      const input: CreatePricingPackInput = {
        date,
        policy,
        prices: prices.map(([symbol, close]) => ({ symbol, close, currency: currencyOf.get(symbol)!, source: 'FMP' })),
        fxRates: Object.entries({ USD: 1.35, EUR: 1.5, ...fx }).map(([currency, rate]) => ({ currency, rate, source: 'FRED' })),
      };
      const created = await t().request(CreatePricingPackDocument, { input }, { as: 'pack-builder' });
      expect(created.errors).toBeUndefined();
      const id = created.data!.createPricingPack!.id;
      const fresh = await t().request(MarkPackFreshDocument, { id }, { as: 'pack-builder' });
      expect(fresh.errors).toBeUndefined();
      return id;
    },
    async portfolioWith(entries, baseCurrency = 'CAD') {
      const created = await t().request(CreatePortfolioDocument, { input: { name: prefix, baseCurrency } }, { as: 'demo-analyst' });
      expect(created.errors).toBeUndefined();
      const id = created.data!.createPortfolio!.id;
      if (entries.length > 0) {
        const appended = await t().request(
          AppendLedgerEntriesDocument,
          { portfolioId: id, entries, message: 'trades' },
          { as: 'demo-analyst' },
        );
        expect(appended.errors).toBeUndefined();
      }
      return id;
    },
    async chargesOf(executionId) {
      const rows = await t().app.db.sql.query<{ kind: string; amount: string }>(
        'SELECT kind, amount::text AS amount FROM credit_transactions WHERE execution_id = $1 ORDER BY id',
        [executionId],
      );
      return rows.map((r) => ({ kind: r.kind, amount: Number(r.amount) }));
    },
  };
}
