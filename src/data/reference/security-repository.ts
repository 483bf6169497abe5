import type { DataHandle } from '../handle';
import { cutoffSql, type RunCutoff } from './run-cutoff';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** A security as packs price it and ledgers hold it. */
export interface SecurityRecord {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange: string | null;
}

/** Conditions on a listing of securities; each one given must hold. */
export interface SecurityListFilter {
  /** Symbols starting with this text, as written (case-sensitive). */
  symbolPrefix?: string | null;
  currency?: string | null;
  assetClass?: string | null;
}

const SELECT = { symbol: true, name: true, currency: true, assetClass: true, exchange: true } as const;

/** Securities (reference data, the same for every tenant): what packs price and ledgers hold. */
export class SecurityRepository {
  constructor(private readonly db: DataHandle) {}

  async findBySymbols(symbols: readonly string[]): Promise<SecurityRecord[]> {
    if (symbols.length === 0) return [];
    return this.db.prisma.security.findMany({ where: { symbol: { in: [...symbols] } }, select: SELECT });
  }

  /**
   * The securities as a run pinned to `at` reads them: each symbol's version in effect when the
   * later of the run's pack and its ledger commit was written (security_versions), so a change of
   * reference data after that never changes the run's result. A symbol first registered after that
   * (a bulk load that dated its packs and commits in the past) reads its first version.
   */
  async findAsOfRun(symbols: readonly string[], at: RunCutoff): Promise<SecurityRecord[]> {
    if (symbols.length === 0) return [];
    return this.db.sql.query<SecurityRecord>(
      `WITH cutoff AS (
         SELECT ${cutoffSql('$2', '$3')} AS at
       )
       SELECT DISTINCT ON (v.symbol) v.symbol, v.name, v.currency, v.asset_class AS "assetClass", v.exchange
         FROM security_versions v, cutoff
        WHERE v.symbol = ANY($1::text[])
        ORDER BY v.symbol,
                 v.recorded_at <= cutoff.at DESC,
                 CASE WHEN v.recorded_at <= cutoff.at THEN v.recorded_at END DESC NULLS LAST,
                 CASE WHEN v.recorded_at <= cutoff.at THEN v.id END DESC NULLS LAST,
                 v.recorded_at, v.id`,
      [[...symbols], at.packCreatedAt, at.ledgerCommitHash],
    );
  }

  /** Those of the symbols that exist, locked until the transaction ends (an upsert checks what it changes). */
  async lockBySymbols(symbols: readonly string[]): Promise<SecurityRecord[]> {
    if (symbols.length === 0) return [];
    return this.db.sql.query<SecurityRecord>(
      `SELECT symbol, name, currency, asset_class AS "assetClass", exchange
         FROM securities WHERE symbol = ANY($1::text[]) ORDER BY symbol FOR UPDATE`,
      [[...symbols]],
    );
  }

  /** By symbol, with keyset cursors. */
  async list(filter: SecurityListFilter, request: PageRequest): Promise<Page<SecurityRecord>> {
    const size = pageSize(request.first);
    const after = request.after ? String(decodeCursor(request.after, 1)[0]) : undefined;
    const symbol = {
      ...(filter.symbolPrefix ? { startsWith: filter.symbolPrefix } : {}),
      ...(after !== undefined ? { gt: after } : {}),
    };
    const rows = await this.db.prisma.security.findMany({
      where: {
        ...(Object.keys(symbol).length > 0 ? { symbol } : {}),
        ...(filter.currency ? { currency: filter.currency } : {}),
        ...(filter.assetClass ? { assetClass: filter.assetClass } : {}),
      },
      orderBy: { symbol: 'asc' },
      take: size + 1,
      select: SELECT,
    });
    return toPage(rows, size, (s) => encodeCursor([s.symbol]));
  }

  /** Inserts the new symbols and overwrites the others, in one statement; returns the rows in the order given. */
  async upsertMany(rows: readonly SecurityRecord[]): Promise<SecurityRecord[]> {
    if (rows.length === 0) return [];
    const written = await this.db.sql.query<SecurityRecord>(
      `INSERT INTO securities (symbol, name, currency, asset_class, exchange)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[])
       ON CONFLICT (symbol) DO UPDATE
         SET name = EXCLUDED.name, currency = EXCLUDED.currency, asset_class = EXCLUDED.asset_class, exchange = EXCLUDED.exchange
       RETURNING symbol, name, currency, asset_class AS "assetClass", exchange`,
      [
        rows.map((r) => r.symbol),
        rows.map((r) => r.name),
        rows.map((r) => r.currency),
        rows.map((r) => r.assetClass),
        rows.map((r) => r.exchange),
      ],
    );
    const bySymbol = new Map(written.map((r) => [r.symbol, r]));
    return rows.map((r) => bySymbol.get(r.symbol)!);
  }
}
