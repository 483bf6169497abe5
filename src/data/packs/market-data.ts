import { LRUCache } from 'lru-cache';
import type { SqlExecutor } from '../../db/database';
import type { DataHandle } from '../handle';
import { CHOSEN_PACKS } from './chosen-packs';
import { fxRowsOf, priceRowsOf, type FxRow, type PriceRow } from './quote-rows';
import { carriedCloses, dailyValuation, type CarriedClose, type DailyValuationRequest, type ValuationDay } from './daily-valuation';

/** Prices and FX rates of a period, one pack per business day: every map is keyed by date, and a day's prices by symbol, its rates by currency. */
export interface DailyMarketData {
  /** Business days that have a usable pack, ascending. */
  dates: string[];
  packIds: Map<string, string>;
  prices: Map<string, Map<string, PriceRow>>;
  fx: Map<string, Map<string, FxRow>>;
}

/** The series dailySeries reads: a policy's packs for the days start to end (both inclusive), priced for the given symbols. */
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

/** The FX rates in force on a trade date: those of the pack chosen for it, and that pack's date. */
export interface TradeDateFx {
  /** The chosen pack's date: on or before the trade date, or after it when no pack was that early. */
  packDate: string;
  rates: Map<string, number>;
}

/** What fxOnTradeDates reads: a policy's rates for each of some dates, from the packs published by a cut-off. */
export interface TradeDateFxRequest {
  policy: string;
  dates: string[];
  /** As for series: only packs published no later than the pinned pack (reproducibility). */
  publishedBy: Date;
}

/** Pack prices and FX rates for computations: one pack's, or a day-by-day series over a period. */
export class MarketData {
  /**
   * `sql` carries the two series statements: a year of a portfolio's prices is thousands of rows,
   * and Prisma's raw-query path costs more to decode them than PostgreSQL takes to find them.
   */
  private readonly prisma: DataHandle['prisma'];
  private readonly sql: SqlExecutor;
  /** The newest chosen pack's size per pack choice, which picks how a series reads its rows (see dailyValuation). */
  private readonly packSizes = new LRUCache<string, number>({ max: 1_000 });

  constructor(db: DataHandle) {
    this.prisma = db.prisma;
    this.sql = db.sql;
  }

  /** A pack's prices of `symbols` and all its FX rates, in one statement (a valuation's whole read of its pack). */
  async packQuotes(packId: string, symbols: string[]): Promise<{ prices: PriceRow[]; fx: FxRow[] }> {
    const [row] = await this.sql.query<{ prices: string; fx: string }>(
      `SELECT
         (SELECT coalesce(json_agg(json_build_array(symbol, close, currency, source) ORDER BY symbol), '[]')::text
            FROM pack_prices WHERE pack_id = $1 AND symbol = ANY($2::text[])) AS prices,
         (SELECT coalesce(json_agg(json_build_array(currency, rate, source) ORDER BY currency), '[]')::text
            FROM pack_fx_rates WHERE pack_id = $1) AS fx`,
      [packId, symbols],
    );
    return { prices: priceRowsOf(row.prices), fx: fxRowsOf(row.fx) };
  }

  async packFx(packId: string): Promise<FxRow[]> {
    return this.prisma.packFxRate.findMany({ where: { packId }, select: { currency: true, rate: true, source: true } });
  }

  /**
   * The FX rates of the policy on each date: of the newest fresh, reconciled pack dated on or before
   * it (the newest published of that date), else of the earliest one after it, among those
   * published by the cut-off. One statement for any number of dates; a date no pack covers at all
   * is absent from the map.
   */
  async fxOnTradeDates(request: TradeDateFxRequest): Promise<Map<string, TradeDateFx>> {
    if (request.dates.length === 0) return new Map();
    const rows = await this.sql.query<{ trade_date: string; pack_date: string; fx: string }>(
      // Two index walks per date (the newest on or before it; the earliest after it only when there is
      // none), not a sort of the policy's packs per date.
      `WITH wanted AS (SELECT DISTINCT unnest($2::date[]) AS d)
       SELECT to_char(w.d, 'YYYY-MM-DD') AS trade_date, to_char(coalesce(b.date, a.date), 'YYYY-MM-DD') AS pack_date,
         (SELECT coalesce(json_agg(json_build_array(f.currency, f.rate)), '[]')::text
            FROM pack_fx_rates f WHERE f.pack_id = coalesce(b.id, a.id)) AS fx
       FROM wanted w
       LEFT JOIN LATERAL (
         SELECT id, date FROM pricing_packs
         WHERE policy = $1 AND created_at <= $3 AND is_fresh AND NOT reconciliation_failed AND date <= w.d
         ORDER BY date DESC, created_at DESC LIMIT 1
       ) b ON true
       LEFT JOIN LATERAL (
         SELECT id, date FROM pricing_packs
         WHERE b.id IS NULL AND policy = $1 AND created_at <= $3 AND is_fresh AND NOT reconciliation_failed AND date > w.d
         ORDER BY date, created_at DESC LIMIT 1
       ) a ON true
       WHERE coalesce(b.id, a.id) IS NOT NULL`,
      [request.policy, request.dates, request.publishedBy],
    );
    return new Map(
      rows.map((row) => [
        row.trade_date,
        {
          packDate: row.pack_date,
          rates: new Map((JSON.parse(row.fx) as [string, number][]).map(([currency, rate]) => [currency, Number(rate)])),
        },
      ]),
    );
  }

  /** A portfolio's value per currency on each day of a period, computed where the prices are (see dailyValuation). */
  async dailyValuation(request: DailyValuationRequest): Promise<ValuationDay[]> {
    return dailyValuation(this.sql, request, this.packSizes);
  }

  /** The closes carried forward for held securities some day's pack does not price (see carriedCloses). */
  async carriedCloses(request: DailyValuationRequest, held: { date: string; symbol: string }[]): Promise<CarriedClose[]> {
    return carriedCloses(this.sql, request, held, this.packSizes);
  }

  async dailySeries(request: SeriesRequest): Promise<DailyMarketData> {
    const params = [request.policy, request.start, request.end, request.publishedBy];
    // One row per day, its prices and rates as one JSON text each: a year of a portfolio is
    // ~260 rows to decode instead of thousands of six-column ones. Dates as text: no Date objects
    // and no time zone between the database and the day.
    const rows = await this.sql.query<{ date: string; pack_id: string; prices: string; fx: string }>(
      `WITH chosen AS (${CHOSEN_PACKS})
       SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.id AS pack_id,
         (SELECT coalesce(json_agg(json_build_array(p.symbol, p.close, p.currency, p.source)), '[]')::text
            FROM pack_prices p WHERE p.pack_id = c.id AND p.symbol = ANY($5::text[])) AS prices,
         (SELECT coalesce(json_agg(json_build_array(f.currency, f.rate, f.source)), '[]')::text
            FROM pack_fx_rates f WHERE f.pack_id = c.id) AS fx
       FROM chosen c
       ORDER BY c.date`,
      [...params, request.symbols],
    );
    const data: DailyMarketData = { dates: [], packIds: new Map(), prices: new Map(), fx: new Map() };
    for (const row of rows) {
      const prices = new Map(priceRowsOf(row.prices).map((p) => [p.symbol, p]));
      const fx = new Map(fxRowsOf(row.fx).map((r) => [r.currency, r]));
      data.dates.push(row.date);
      data.packIds.set(row.date, row.pack_id);
      data.prices.set(row.date, prices);
      data.fx.set(row.date, fx);
    }
    return data;
  }
}
