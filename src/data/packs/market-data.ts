import type { SqlExecutor } from '../../db/database';
import type { PrismaClient } from '../../generated/prisma/client';

export interface PriceRow {
  symbol: string;
  close: number;
  currency: string;
  source: string;
}

export interface FxRow {
  currency: string;
  rate: number;
  source: string;
}

export interface DailyMarketData {
  /** Business days that have a usable pack, ascending. */
  dates: string[];
  packIds: Map<string, string>;
  prices: Map<string, Map<string, PriceRow>>;
  fx: Map<string, Map<string, FxRow>>;
}

export interface SeriesRequest {
  policy: string;
  start: string;
  end: string;
  symbols: string[];
  /**
   * Only packs published no later than this (the pinned pack's creation time): a restatement
   * published after a result was computed can never change that result when it is rerun.
   */
  publishedBy: Date;
}

/**
 * The packs chosen for a day: the newest fresh, reconciled pack of the policy for that date
 * that was published by the cut-off. Two statements for any period and any portfolio size.
 */
const CHOSEN_PACKS = `
  SELECT DISTINCT ON (date) id, date
  FROM pricing_packs
  WHERE policy = $1 AND date BETWEEN $2::date AND $3::date AND created_at <= $4
    AND is_fresh AND NOT reconciliation_failed
  ORDER BY date, created_at DESC`;

export class MarketData {
  /**
   * `sql` carries the two series statements: a year of a portfolio's prices is thousands of rows,
   * and Prisma's raw-query path costs more to decode them than PostgreSQL takes to find them.
   */
  constructor(
    private readonly prisma: PrismaClient,
    private readonly sql: SqlExecutor,
  ) {}

  async packPrices(packId: string, symbols: string[]): Promise<PriceRow[]> {
    return this.prisma.packPrice.findMany({
      where: { packId, symbol: { in: symbols } },
      select: { symbol: true, close: true, currency: true, source: true },
    });
  }

  async packFx(packId: string): Promise<FxRow[]> {
    return this.prisma.packFxRate.findMany({ where: { packId }, select: { currency: true, rate: true, source: true } });
  }

  async dailySeries(request: SeriesRequest): Promise<DailyMarketData> {
    const params = [request.policy, request.start, request.end, request.publishedBy];
    // Dates as text: no Date objects per row, and no time zone between the database and the day.
    const [priceRows, fxRows] = await Promise.all([
      this.sql.query<{ date: string; pack_id: string; symbol: string | null; close: string | number; currency: string; source: string }>(
        `WITH chosen AS (${CHOSEN_PACKS})
         SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.id AS pack_id, p.symbol, p.close, p.currency, p.source
         FROM chosen c LEFT JOIN pack_prices p ON p.pack_id = c.id AND p.symbol = ANY($5::text[])
         ORDER BY c.date`,
        [...params, request.symbols],
      ),
      this.sql.query<{ date: string; currency: string; rate: string | number; source: string }>(
        `WITH chosen AS (${CHOSEN_PACKS})
         SELECT to_char(c.date, 'YYYY-MM-DD') AS date, f.currency, f.rate, f.source FROM chosen c JOIN pack_fx_rates f ON f.pack_id = c.id`,
        params,
      ),
    ]);
    const data: DailyMarketData = { dates: [], packIds: new Map(), prices: new Map(), fx: new Map() };
    for (const row of priceRows) {
      const date = row.date;
      if (!data.packIds.has(date)) {
        data.dates.push(date);
        data.packIds.set(date, row.pack_id);
        data.prices.set(date, new Map());
        data.fx.set(date, new Map());
      }
      if (row.symbol) data.prices.get(date)!.set(row.symbol, { symbol: row.symbol, close: Number(row.close), currency: row.currency, source: row.source });
    }
    for (const row of fxRows) {
      data.fx.get(row.date)?.set(row.currency, { currency: row.currency, rate: Number(row.rate), source: row.source });
    }
    return data;
  }
}
