import type { SqlExecutor } from '../../db/database';
import type { LedgerEntryContent } from '../ledger/ledger-records';

/** A row of `securities`: a symbol that packs price and ledgers hold. */
export interface SecurityRow {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange: string | null;
}
/** A row of `tenants`, with its starting credit balance. */
export interface TenantRow {
  id: string;
  name: string;
  creditBalance: number;
  createdAt: string;
}
/** A row of `users`: a member of one tenant and the roles it acts with. */
export interface UserRow {
  id: string;
  tenantId: string;
  email: string | null;
  roles: string[];
  createdAt: string;
}
/** A row of `portfolios`, already pointing at the last commit of its ledger (see portfolios()). */
export interface PortfolioRow {
  id: string;
  tenantId: string;
  name: string;
  baseCurrency: string;
  ledgerHead: string;
  createdAt: string;
}
/** A row of `pricing_packs` with its final flags (a trigger derives the status from them), and its prices and FX rates. */
export interface PackRow {
  id: string;
  date: string;
  policy: string;
  hash: string;
  supersededById: string | null;
  sources: string[];
  isFresh: boolean;
  prewarmDone: boolean;
  reconciliationPassed: boolean;
  reconciliationFailed: boolean;
  reconciliationErrorBps: number | null;
  errorMessage: string | null;
  createdAt: string;
  updatedAt: string;
  prices: { symbol: string; close: number; currency: string; source: string }[];
  fxRates: { currency: string; rate: number; source: string }[];
}
/** A row of `ledger_commits` with its entries; hash and seq are computed by the caller and stored as given. */
export interface CommitRow {
  hash: string;
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
  authorId: string | null;
  createdAt: string;
  entries: readonly LedgerEntryContent[];
}
/** A row of `news_items`: a headline about one security. */
export interface NewsRow {
  id: string;
  symbol: string;
  headline: string;
  url: string;
  publishedAt: string;
  source: string;
}

/** Serialises seeders (instances starting together on one empty database) until the transaction ends. */
const SEED_LOCK_KEY = 0x5eed_de30;

const pick = <T, V>(rows: readonly T[], column: (row: T) => V): V[] => rows.map(column);

/**
 * Whole data sets in as few statements as there are tables: each table's rows go in as one
 * statement binding one array per column (`INSERT … SELECT FROM unnest(…)`), which PostgreSQL
 * takes in a fraction of the time row-by-row inserts (or Prisma's createMany, ~0.2 ms of JS a row)
 * would need. For loading fixed data (the demo seed) into an empty database, inside
 * DataLayer.transaction; status columns and the like are left to the database's triggers.
 */
export class BulkLoader {
  constructor(private readonly sql: SqlExecutor) {}

  async lockForSeeding(): Promise<void> {
    await this.sql.query(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})::text`);
  }

  async securities(rows: readonly SecurityRow[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO securities (symbol, name, currency, asset_class, exchange)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])`,
      [
        pick(rows, (r) => r.symbol),
        pick(rows, (r) => r.name),
        pick(rows, (r) => r.currency),
        pick(rows, (r) => r.assetClass),
        pick(rows, (r) => r.exchange),
      ],
    );
  }

  async tenants(rows: readonly TenantRow[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO tenants (id, name, credit_balance, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::numeric[], $4::timestamptz[])`,
      [pick(rows, (r) => r.id), pick(rows, (r) => r.name), pick(rows, (r) => r.creditBalance), pick(rows, (r) => r.createdAt)],
    );
  }

  async users(rows: readonly UserRow[]): Promise<void> {
    // Roles travel as one comma-separated text per user: arrays of arrays do not bind as text[][].
    await this.sql.query(
      `INSERT INTO users (id, tenant_id, email, roles, created_at)
       SELECT id, tenant_id, email, string_to_array(roles, ','), created_at
       FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[]) AS t(id, tenant_id, email, roles, created_at)`,
      [
        pick(rows, (r) => r.id),
        pick(rows, (r) => r.tenantId),
        pick(rows, (r) => r.email),
        pick(rows, (r) => r.roles.join(',')),
        pick(rows, (r) => r.createdAt),
      ],
    );
  }

  /** Portfolios carry their final head: ledger_head is a plain column, the commits go in after. */
  async portfolios(rows: readonly PortfolioRow[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO portfolios (id, tenant_id, name, base_currency, ledger_head, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[])`,
      [
        pick(rows, (r) => r.id),
        pick(rows, (r) => r.tenantId),
        pick(rows, (r) => r.name),
        pick(rows, (r) => r.baseCurrency),
        pick(rows, (r) => r.ledgerHead),
        pick(rows, (r) => r.createdAt),
      ],
    );
  }

  /** Packs, then their prices and rates. status is left out: a trigger derives it from the flags. */
  async packs(rows: readonly PackRow[]): Promise<void> {
    // Superseded packs reference their replacement (checked at commit): replacements first anyway.
    const ordered = [...rows.filter((p) => p.supersededById === null), ...rows.filter((p) => p.supersededById !== null)];
    await this.sql.query(
      `INSERT INTO pricing_packs (id, date, policy, hash, superseded_by, sources, is_fresh, prewarm_done, reconciliation_passed,
         reconciliation_failed, reconciliation_error_bps, error_message, created_at, updated_at)
       SELECT id, day, policy, hash, superseded_by, sources::jsonb, is_fresh, prewarm_done, reconciliation_passed,
         reconciliation_failed, error_bps, error_message, created_at, updated_at
       FROM unnest($1::text[], $2::date[], $3::text[], $4::text[], $5::text[], $6::text[], $7::boolean[], $8::boolean[], $9::boolean[],
         $10::boolean[], $11::float8[], $12::text[], $13::timestamptz[], $14::timestamptz[])
         AS t(id, day, policy, hash, superseded_by, sources, is_fresh, prewarm_done, reconciliation_passed,
           reconciliation_failed, error_bps, error_message, created_at, updated_at)`,
      [
        pick(ordered, (p) => p.id),
        pick(ordered, (p) => p.date),
        pick(ordered, (p) => p.policy),
        pick(ordered, (p) => p.hash),
        pick(ordered, (p) => p.supersededById),
        pick(ordered, (p) => JSON.stringify(p.sources)),
        pick(ordered, (p) => p.isFresh),
        pick(ordered, (p) => p.prewarmDone),
        pick(ordered, (p) => p.reconciliationPassed),
        pick(ordered, (p) => p.reconciliationFailed),
        pick(ordered, (p) => p.reconciliationErrorBps),
        pick(ordered, (p) => p.errorMessage),
        pick(ordered, (p) => p.createdAt),
        pick(ordered, (p) => p.updatedAt),
      ],
    );
    const prices = ordered.flatMap((pack) => pack.prices.map((price) => ({ packId: pack.id, ...price })));
    await this.sql.query(
      `INSERT INTO pack_prices (pack_id, symbol, close, currency, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[], $5::text[])`,
      [
        pick(prices, (r) => r.packId),
        pick(prices, (r) => r.symbol),
        pick(prices, (r) => r.close),
        pick(prices, (r) => r.currency),
        pick(prices, (r) => r.source),
      ],
    );
    const rates = ordered.flatMap((pack) => pack.fxRates.map((fx) => ({ packId: pack.id, ...fx })));
    await this.sql.query(
      `INSERT INTO pack_fx_rates (pack_id, currency, rate, source)
       SELECT * FROM unnest($1::text[], $2::text[], $3::float8[], $4::text[])`,
      [pick(rates, (r) => r.packId), pick(rates, (r) => r.currency), pick(rates, (r) => r.rate), pick(rates, (r) => r.source)],
    );
  }

  /** Commits and their entries, as append-only rows with their final values. */
  async ledgerCommits(rows: readonly CommitRow[]): Promise<void> {
    await this.sql.query(
      `INSERT INTO ledger_commits (hash, portfolio_id, parent_hash, seq, message, author_id, created_at)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[])`,
      [
        pick(rows, (c) => c.hash),
        pick(rows, (c) => c.portfolioId),
        pick(rows, (c) => c.parentHash),
        pick(rows, (c) => c.seq),
        pick(rows, (c) => c.message),
        pick(rows, (c) => c.authorId),
        pick(rows, (c) => c.createdAt),
      ],
    );
    const entries = rows.flatMap((commit) => commit.entries.map((entry, ordinal) => ({ ...entry, commitHash: commit.hash, ordinal })));
    await this.sql.query(
      `INSERT INTO ledger_entries (commit_hash, ordinal, kind, symbol, quantity, price, currency, amount, trade_date)
       SELECT commit_hash, ordinal, kind::"LedgerEntryKind", symbol, quantity, price, currency, amount, trade_date
       FROM unnest($1::text[], $2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::float8[], $9::date[])
         AS t(commit_hash, ordinal, kind, symbol, quantity, price, currency, amount, trade_date)`,
      [
        pick(entries, (e) => e.commitHash),
        pick(entries, (e) => e.ordinal),
        pick(entries, (e) => e.kind),
        pick(entries, (e) => e.symbol),
        pick(entries, (e) => e.quantity),
        pick(entries, (e) => e.price),
        pick(entries, (e) => e.currency),
        pick(entries, (e) => e.amount),
        pick(entries, (e) => e.tradeDate),
      ],
    );
  }

  async news(rows: readonly NewsRow[]): Promise<void> {
    await this.sql.query(
      // History loaded in bulk counts as known before any run (as the items that predate
      // recorded_at): only news written afterwards is held back from the runs before it.
      `INSERT INTO news_items (id, symbol, headline, url, published_at, source, recorded_at)
       SELECT *, '1970-01-01T00:00:00Z'::timestamptz FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::timestamptz[], $6::text[])`,
      [
        pick(rows, (n) => n.id),
        pick(rows, (n) => n.symbol),
        pick(rows, (n) => n.headline),
        pick(rows, (n) => n.url),
        pick(rows, (n) => n.publishedAt),
        pick(rows, (n) => n.source),
      ],
    );
  }
}
