import type { SqlExecutor } from '../../db/database';
import { CHOSEN_PACKS } from './chosen-packs';
import type { FxRow } from './market-data';

/**
 * A quantity of one security held from one date until another: a portfolio's holdings over a period
 * are a handful of these per ledger entry, not one per day.
 */
export interface HoldingInterval {
  symbol: string;
  /** The security's currency: its closes are in it. */
  currency: string;
  /** The first valuation date the quantity applies to. */
  from: string;
  /** The first valuation date it no longer applies to; null: to the end of the period. */
  until: string | null;
  quantity: number;
}

/** A cash balance in one currency, held from one date until another (as for HoldingInterval). */
export interface CashInterval {
  currency: string;
  from: string;
  until: string | null;
  amount: number;
}

/** What dailyValuation values: a policy's packs over a period, and what was held when. */
export interface DailyValuationRequest {
  policy: string;
  start: string;
  end: string;
  /** Only packs published no later than this (the pinned pack's creation time), as for dailySeries. */
  publishedBy: Date;
  /** Every symbol of the ledger: their prices mark the sources seen and seed the carry-forward, held or not. */
  symbols: string[];
  holdings: HoldingInterval[];
  cash: CashInterval[];
}

/** One valuation day: the holdings' and cash's value per currency, before any FX. */
export interface ValuationDay {
  date: string;
  packId: string;
  /** Per currency: Σ quantity × close of the securities held in it, plus its cash. */
  localValue: Map<string, number>;
  /** Held symbols with no close in this pack, valued at their latest close earlier in the period. */
  carried: string[];
  /** Held symbols with no close in this pack nor earlier in the period. */
  missing: string[];
  /** The pack's sources of the ledger symbols' prices (held or not). */
  priceSources: string[];
  fx: Map<string, FxRow>;
}

/**
 * Values a portfolio on every business day of a period where the prices are: the holdings as
 * intervals go in as arrays, and each day comes back as a few sums per currency. The work grows
 * with holdings × days inside PostgreSQL, but what crosses to JavaScript grows with days only.
 *
 * A close missing from a day's pack is carried forward: the symbol's latest close in the period's
 * chosen packs before that day. Sums are numeric, so they do not depend on the order PostgreSQL
 * adds in (the same inputs give the same bits on every run); each becomes a JavaScript number once,
 * when its JSON is parsed.
 */
export async function dailyValuation(sql: SqlExecutor, request: DailyValuationRequest): Promise<ValuationDay[]> {
  const h = request.holdings;
  const c = request.cash;
  const rows = await sql.query<{ date: string; pack_id: string; local: string; sources: string; fx: string }>(DAILY_VALUATION, [
    request.policy,
    request.start,
    request.end,
    request.publishedBy,
    request.symbols,
    h.map((i) => i.symbol),
    h.map((i) => i.currency),
    h.map((i) => i.from),
    h.map((i) => i.until),
    h.map((i) => i.quantity),
    c.map((i) => i.currency),
    c.map((i) => i.from),
    c.map((i) => i.until),
    c.map((i) => i.amount),
  ]);
  return rows.map((row) => {
    const localValue = new Map<string, number>();
    const carried: string[] = [];
    const missing: string[] = [];
    for (const [currency, amount, carriedHere, missingHere] of JSON.parse(row.local) as LocalRow[]) {
      localValue.set(currency, Number(amount));
      if (carriedHere) carried.push(...carriedHere);
      if (missingHere) missing.push(...missingHere);
    }
    const fx = new Map<string, FxRow>();
    for (const [currency, rate, source] of JSON.parse(row.fx) as [string, number, string][]) {
      fx.set(currency, { currency, rate: Number(rate), source });
    }
    return {
      date: row.date,
      packId: row.pack_id,
      localValue,
      carried,
      missing,
      priceSources: JSON.parse(row.sources) as string[],
      fx,
    };
  });
}

type LocalRow = [currency: string, amount: number, carried: string[] | null, missing: string[] | null];

/**
 * $1–$4 choose the packs (policy, start, end, published by); $5 the ledger's symbols; $6–$10 the
 * holding intervals and $11–$14 the cash intervals, column by column.
 *
 * The carried close is a subquery inside coalesce, so it runs only for the rare held symbol a
 * pack lacks. Dates travel as text: no Date objects and no time zone between the database and the day.
 */
const DAILY_VALUATION = `
  WITH chosen AS MATERIALIZED (${CHOSEN_PACKS}),
  held AS (
    SELECT * FROM unnest($6::text[], $7::text[], $8::date[], $9::date[], $10::float8[])
      AS h(symbol, currency, from_date, until_date, quantity)
  ),
  cash AS (
    SELECT * FROM unnest($11::text[], $12::date[], $13::date[], $14::float8[]) AS k(currency, from_date, until_date, amount)
  ),
  priced AS MATERIALIZED (
    SELECT c.date, p.symbol, p.close, p.source
    FROM chosen c JOIN pack_prices p ON p.pack_id = c.id
    WHERE p.symbol = ANY($5::text[])
  ),
  valued AS (
    SELECT c.date, h.symbol, h.currency, h.quantity, q.close AS today,
      coalesce(q.close, (
        SELECT e.close FROM chosen b JOIN pack_prices e ON e.pack_id = b.id AND e.symbol = h.symbol
        WHERE b.date < c.date ORDER BY b.date DESC LIMIT 1)) AS close
    FROM chosen c
    JOIN held h ON h.from_date <= c.date AND (h.until_date IS NULL OR c.date < h.until_date)
    LEFT JOIN priced q ON q.date = c.date AND q.symbol = h.symbol
  ),
  per_currency AS (
    SELECT date, currency, sum(amount) AS amount,
      array_agg(symbol) FILTER (WHERE carried) AS carried,
      array_agg(symbol) FILTER (WHERE missing) AS missing
    FROM (
      SELECT date, currency, (quantity * close)::numeric AS amount, symbol,
        today IS NULL AND close IS NOT NULL AS carried, close IS NULL AS missing
      FROM valued
      UNION ALL
      SELECT c.date, k.currency, k.amount::numeric, NULL, false, false
      FROM chosen c JOIN cash k ON k.from_date <= c.date AND (k.until_date IS NULL OR c.date < k.until_date)
    ) a
    GROUP BY date, currency
  ),
  per_day AS (
    SELECT date, json_agg(json_build_array(currency, amount, carried, missing) ORDER BY currency) AS local
    FROM per_currency GROUP BY date
  ),
  seen AS (
    SELECT date, json_agg(DISTINCT source) AS sources FROM priced GROUP BY date
  )
  SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.id AS pack_id,
    coalesce(d.local, '[]')::text AS local,
    coalesce(s.sources, '[]')::text AS sources,
    (SELECT coalesce(json_agg(json_build_array(f.currency, f.rate, f.source) ORDER BY f.currency), '[]')::text
       FROM pack_fx_rates f WHERE f.pack_id = c.id) AS fx
  FROM chosen c
  LEFT JOIN per_day d ON d.date = c.date
  LEFT JOIN seen s ON s.date = c.date
  ORDER BY c.date`;
