import type { SqlExecutor } from '../../db/database';
import { CHOSEN_PACKS } from './chosen-packs';
import { fxRowsOf, type FxRow } from './quote-rows';

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
  /** Every symbol of the ledger: their prices mark the sources seen, held or not. */
  symbols: string[];
  holdings: HoldingInterval[];
}

/** One valuation day: the priced holdings' value per currency, before any FX. */
export interface ValuationDay {
  date: string;
  packId: string;
  /** Per currency, in currency order: Σ quantity × close of the held securities this pack prices. */
  holdingsValue: [currency: string, amount: number][];
  /** How many held securities this pack prices: fewer than were held means some close is missing. */
  priced: number;
  /** The pack's sources of the ledger symbols' prices (held or not). */
  priceSources: string[];
  fx: Map<string, FxRow>;
}

/** A held security that a day's pack does not price, with the close it carries forward (null: none). */
export interface CarriedClose {
  date: string;
  symbol: string;
  close: number | null;
}

/**
 * Values a portfolio's holdings on every business day of a period, where the prices are: the
 * holdings go in as intervals, and each day comes back as one sum per currency. The work grows with
 * holdings × days inside PostgreSQL; what crosses to JavaScript grows with the days only.
 *
 * Per day, the pack's rows for the ledger's symbols are joined to the intervals by symbol, and the
 * interval covering the day gives the quantity. Each quantity × close is summed as whole units
 * plus millionths, both integers: integer sums are exact, so they do not depend on the order
 * PostgreSQL adds in (the same inputs give the same bits on every run, whatever the plan), at a
 * cost of at most half a millionth of a unit per holding.
 */
export async function dailyValuation(sql: SqlExecutor, request: DailyValuationRequest, packSizes?: PackSizeMemo): Promise<ValuationDay[]> {
  // A ledger symbol held at no time of the period still joins, through an interval that covers no
  // day: its prices mark their sources as seen, as every ledger symbol's do.
  const withInterval = new Set(request.holdings.map((i) => i.symbol));
  const h = [
    ...request.holdings,
    ...request.symbols
      .filter((symbol) => !withInterval.has(symbol))
      .map((symbol) => ({ symbol, currency: '', from: request.start, until: request.start, quantity: 0 })),
  ];
  const byProbes = await readsByProbes(sql, request, packSizes);
  const rows = await sql.query<{ date: string; pack_id: string; local: string; fx: string }>(
    byProbes ? DAILY_VALUATION_BY_PROBES : DAILY_VALUATION,
    [
      ...packChoice(request),
      request.symbols,
      h.map((i) => i.symbol),
      h.map((i) => i.currency),
      h.map((i) => i.from),
      h.map((i) => i.until),
      h.map((i) => i.quantity),
    ],
  );
  return rows.map((row) => {
    const holdingsValue: [string, number][] = [];
    const priceSources = new Set<string>();
    let priced = 0;
    // Rows are per (currency, source), ordered: a currency priced by two sources adds in that order.
    for (const [currency, source, whole, millionths, count] of JSON.parse(row.local) as LocalRow[]) {
      priceSources.add(source);
      if (count === 0) continue;
      priced += count;
      const amount = Number(whole) + Number(millionths) / 1e6;
      const last = holdingsValue[holdingsValue.length - 1];
      if (last && last[0] === currency) last[1] += amount;
      else holdingsValue.push([currency, amount]);
    }
    const fx = new Map(fxRowsOf(row.fx).map((r) => [r.currency, r]));
    return { date: row.date, packId: row.pack_id, holdingsValue, priced, priceSources: [...priceSources].sort(), fx };
  });
}

/**
 * For (day, symbol) pairs held on days some close is missing: those the day's pack does not price,
 * each with its latest close in the period's packs before that day (null when there is none). Each
 * pair walks back one pack at a time until it finds a close, so the work is the length of the gaps.
 * Which pairs a pack does not price is found as the valuation reads rows (dailyValuation): by a probe
 * per pair when the ledger holds few of what a pack prices, else by reading each gap day's pack once.
 */
export async function carriedCloses(
  sql: SqlExecutor,
  request: Pick<DailyValuationRequest, 'policy' | 'start' | 'end' | 'publishedBy' | 'symbols'>,
  held: { date: string; symbol: string }[],
  packSizes?: PackSizeMemo,
): Promise<CarriedClose[]> {
  if (held.length === 0) return [];
  const byProbes = await readsByProbes(sql, request, packSizes);
  return sql.query<CarriedClose>(byProbes ? CARRIED_CLOSES_BY_PROBES : CARRIED_CLOSES, [
    ...packChoice(request),
    held.map((p) => p.date),
    held.map((p) => p.symbol),
  ]);
}

/**
 * Remembers the newest chosen pack's size per pack choice. The size only picks how the rows are read
 * (both ways give the same rows), so a remembered size that a pack turning fresh has made stale
 * costs speed, never a different result; remembering it saves a statement on every run.
 */
export interface PackSizeMemo {
  get(choice: string): number | undefined;
  set(choice: string, prices: number): unknown;
}

/**
 * A pack's rows are read one of two ways: its whole range at once, or one index probe per ledger
 * symbol. A probe costs a few index pages, a row a fraction of one: the range wins when the ledger
 * holds a good share of what a pack prices (the demo: 20 of 21, ~1.5× faster), probes when it holds
 * few of many (10 of 1,000, ~2×). The newest chosen pack's size decides.
 */
async function readsByProbes(
  sql: SqlExecutor,
  request: Pick<DailyValuationRequest, 'policy' | 'start' | 'end' | 'publishedBy' | 'symbols'>,
  memo: PackSizeMemo | undefined,
): Promise<boolean> {
  return request.symbols.length * PROBE_FACTOR < (await latestPackSize(sql, request, memo));
}

async function latestPackSize(
  sql: SqlExecutor,
  request: Pick<DailyValuationRequest, 'policy' | 'start' | 'end' | 'publishedBy'>,
  memo: PackSizeMemo | undefined,
): Promise<number> {
  const choice = JSON.stringify(packChoice(request));
  const known = memo?.get(choice);
  if (known !== undefined) return known;
  const [latest] = await sql.query<{ prices: number }>(LATEST_PACK_SIZE, packChoice(request));
  const prices = latest?.prices ?? 0;
  memo?.set(choice, prices);
  return prices;
}

/** $1–$4 of every statement here: which packs of the policy are the period's (CHOSEN_PACKS). */
function packChoice(request: Pick<DailyValuationRequest, 'policy' | 'start' | 'end' | 'publishedBy'>): unknown[] {
  return [request.policy, request.start, request.end, request.publishedBy];
}

type LocalRow = [currency: string, source: string, whole: number | null, millionths: number | null, count: number];

/**
 * $1–$4 choose the packs (policy, start, end, published by); $5 the ledger's symbols; $6–$10 the
 * intervals, column by column. Dates travel as text: no Date objects and no time zone between the
 * database and the day. Each day's rows are read as the pack's whole index range (the OFFSET 0 keeps
 * the planner from turning the join into a probe per symbol, which it prefers even where it is
 * slower, and always when the tables have no statistics yet, as in a new embedded database).
 */
/** Probes are chosen when a pack prices more than this many securities per ledger symbol. */
const PROBE_FACTOR = 8;

/** $1–$4 choose the packs as below: how many prices the newest chosen pack holds. */
const LATEST_PACK_SIZE = `
  SELECT count(*)::int AS prices FROM pack_prices
  WHERE pack_id = (SELECT id FROM (${CHOSEN_PACKS}) c ORDER BY date DESC LIMIT 1)`;

const DAILY_VALUATION = `
  WITH chosen AS MATERIALIZED (${CHOSEN_PACKS}),
  held AS MATERIALIZED (
    SELECT * FROM unnest($6::text[], $7::text[], $8::date[], $9::date[], $10::float8[])
      AS h(symbol, currency, from_date, until_date, quantity)
    WHERE h.symbol = ANY($5::text[])
  )
  SELECT to_char(c.date, 'YYYY-MM-DD') AS date, c.id AS pack_id, d.local,
    (SELECT coalesce(json_agg(json_build_array(f.currency, f.rate, f.source) ORDER BY f.currency), '[]')::text
       FROM pack_fx_rates f WHERE f.pack_id = c.id) AS fx
  FROM chosen c
  CROSS JOIN LATERAL (
    SELECT coalesce(json_agg(json_build_array(g.currency, g.source, g.whole, g.millionths, g.priced) ORDER BY g.currency, g.source), '[]')::text AS local
    FROM (
      SELECT h.currency, p.source,
        sum(trunc(v.amount)::int8) FILTER (WHERE v.held) AS whole,
        sum(round((v.amount - trunc(v.amount)) * 1e6::float8)::int8) FILTER (WHERE v.held) AS millionths,
        count(*) FILTER (WHERE v.held) AS priced
      FROM (SELECT symbol, close, source FROM pack_prices WHERE pack_id = c.id /* the whole range: */ OFFSET 0) p
      JOIN held h ON h.symbol = p.symbol
      CROSS JOIN LATERAL (
        SELECT p.close * h.quantity AS amount, h.from_date <= c.date AND c.date < coalesce(h.until_date, 'infinity') AS held
      ) v
      GROUP BY h.currency, p.source
    ) g
  ) d
  ORDER BY c.date`;

/**
 * The same, each day's rows found by one index probe per ledger symbol: the subquery's fence is
 * dropped, so the pack's rows are looked up by (pack, symbol) instead of read whole.
 */
const DAILY_VALUATION_BY_PROBES = DAILY_VALUATION.replace(
  'FROM (SELECT symbol, close, source FROM pack_prices WHERE pack_id = c.id /* the whole range: */ OFFSET 0) p',
  'FROM (SELECT symbol, close, source FROM pack_prices WHERE pack_id = c.id AND symbol = ANY($5::text[])) p',
);
if (DAILY_VALUATION_BY_PROBES === DAILY_VALUATION)
  throw new Error('daily-valuation: the probe variant no longer differs from the range one');

/**
 * $1–$4 choose the packs as above; $5/$6 the (date, symbol) pairs held. By range, what a gap day's
 * pack prices is read once and anti-joined by hash (a probe per pair cost ~20 ms for 14,000 pairs);
 * by probes, each pair is looked up on its own, as the valuation does then. The walk then goes back one chosen pack per step, only for the pairs that have not
 * found a close yet: one index probe per pair a step, the pack found by its place in the
 * date-ordered ids (a join to the chosen packs rescanned them for every pair still walking: ~30 ms
 * at 1,000 holdings with 14 gap days).
 */
function carriedClosesSql(gapRows: 'range' | 'probes'): string {
  // Read by range, the gap days' rows are gathered once (a CTE has no index, so the anti-join below
  // hashes them); by probes, the anti-join looks each pair up in the table's primary key.
  const priced =
    gapRows === 'range'
      ? `priced AS MATERIALIZED (
    SELECT p.pack_id, p.symbol FROM pack_prices p WHERE p.pack_id = ANY ((SELECT array_agg(DISTINCT id) FROM pairs)::text[])
  ),`
      : '';
  return `
  WITH RECURSIVE chosen AS MATERIALIZED (
    SELECT id, date, row_number() OVER (ORDER BY date) AS idx FROM (${CHOSEN_PACKS}) c
  ),
  pack_ids AS MATERIALIZED (SELECT array_agg(id ORDER BY idx) AS ids FROM chosen),
  pairs AS MATERIALIZED (
    SELECT w.symbol, c.date, c.idx, c.id
    FROM unnest($5::date[], $6::text[]) AS w(date, symbol)
    JOIN chosen c ON c.date = w.date
  ),
  ${priced}
  missing AS (
    SELECT pr.symbol, pr.date, pr.idx FROM pairs pr
    WHERE NOT EXISTS (SELECT 1 FROM ${gapRows === 'range' ? 'priced' : 'pack_prices'} q WHERE q.pack_id = pr.id AND q.symbol = pr.symbol)
  ),
  walk(symbol, date, idx, close) AS (
    SELECT symbol, date, idx, NULL::float8 FROM missing
    UNION ALL
    SELECT w.symbol, w.date, w.idx - 1,
      (SELECT p.close FROM pack_prices p, pack_ids k WHERE p.pack_id = k.ids[w.idx - 1] AND p.symbol = w.symbol)
    FROM walk w
    WHERE w.close IS NULL AND w.idx > 1
  )
  SELECT to_char(date, 'YYYY-MM-DD') AS date, symbol, max(close) AS close
  FROM walk GROUP BY date, symbol ORDER BY date, symbol`;
}

const CARRIED_CLOSES = carriedClosesSql('range');
const CARRIED_CLOSES_BY_PROBES = carriedClosesSql('probes');
