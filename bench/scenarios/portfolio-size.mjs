import path from 'node:path';
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import pg from 'pg';
import { grantBenchCredits, graphql, root } from '../lib/freshgate.mjs';
import { latencyLoop } from '../lib/latency.mjs';
import { latencySummary, median, ratio, round } from '../lib/stats.mjs';

/** A policy of its own: its packs are the only ones these runs see, and never the gate's latest. */
const POLICY = 'BENCHSIZE_CAD';
/** A day before the demo's last pack: the demo's stays the latest pack for the other scenarios. */
const LAST_DATE = '2026-11-19';
const FIRST_DATE = '2023-11-17';
const SIZES = [10, 100, 1000];
const YEARS = [1, 3];
const SYMBOL = (i) => `BSZ${String(i).padStart(4, '0')}`;

const EXECUTE = `mutation Overview($input: ExecutePatternInput!) {
  executePattern(input: $input) { id status resultSha256 steps { stepId durationMs } }
}`;

/**
 * portfolio_overview on portfolios of 10, 100 and 1,000 holdings over 1 and 3 years of daily packs,
 * at concurrency 1 on an instance of its own: p50/p95 per size beside the 10-holding, 1-year row of
 * the same rounds, and the server's peak RSS (VmHWM, reset before each row where the kernel allows).
 */
export async function portfolioSizeScenario(context) {
  const server = await context.freshgate('portfolio-size');
  await grantBenchCredits(server, context);
  const seeded = performance.now();
  const pinnedPack = await seedPacks(context.databaseUrl);
  const portfolios = {};
  for (const size of SIZES) portfolios[size] = await portfolioOf(server.url, context.tokens.analyst, size);
  context.log(`  seeded ${SIZES.join('/')}-holding portfolios and 3 years of packs in ${Math.round(performance.now() - seeded)} ms`);

  const pid = server.child.pid;
  const rows = [];
  for (const years of YEARS)
    for (const size of SIZES) rows.push({ name: `overview ${size.toLocaleString('en-US')} holdings × ${years}y`, size, years });
  const samples = Object.fromEntries(rows.map((r) => [r.name, { latencies: [], series: [], steps: {}, peakRssMb: [] }]));
  const startRssMb = rssMb(pid, 'VmRSS');
  for (let round_ = 0; round_ < context.rounds; round_++) {
    const line = [];
    for (const row of rows) {
      const inputs = { portfolioId: portfolios[row.size], ...(row.years === 1 ? {} : { start: yearsBefore(LAST_DATE, row.years) }) };
      const body = JSON.stringify({
        query: EXECUTE,
        operationName: 'Overview',
        variables: { input: { patternId: 'portfolio_overview', packId: pinnedPack, inputs } },
      });
      const resetPeak = resetHwm(pid);
      const run = await latencyLoop(context, {
        url: server.url,
        headers: { authorization: `Bearer ${context.tokens.analyst}` },
        body,
        concurrency: 1,
        durationS: Math.max(1, context.execSeconds / 2),
        warmupS: 0.3,
        collectSteps: true,
      });
      const sample = samples[row.name];
      sample.latencies.push(...run.latencies);
      sample.series.push(...(run.steps.series ?? []));
      for (const [step, durations] of Object.entries(run.steps)) (sample.steps[step] ??= []).push(...durations);
      sample.peakRssMb.push(resetPeak ? rssMb(pid, 'VmHWM') : Number.NaN);
      line.push(`${row.size}×${row.years}y ${round(median(run.latencies), 1)}`);
    }
    context.log(`  round ${round_ + 1} p50 ms: ${line.join(', ')}; peak RSS ${rssMb(pid, 'VmHWM')} MB`);
  }
  const reference = median(samples[rows[0].name].latencies);
  return {
    packs: pinnedPack,
    startRssMb,
    peakRssMb: rssMb(pid, 'VmHWM'),
    rows: Object.fromEntries(
      rows.map((row) => {
        const s = samples[row.name];
        return [
          row.name,
          {
            holdings: row.size,
            years: row.years,
            ...latencySummary(s.latencies),
            seriesStepP50: round(median(s.series)),
            // Where the rest of a run goes as the portfolio grows (each step's median).
            stepP50s: Object.fromEntries(Object.entries(s.steps).map(([step, durations]) => [step, round(median(durations))])),
            p50VsSmallest: ratio(median(s.latencies), reference),
            peakRssMb: round(Math.max(...s.peakRssMb.filter(Number.isFinite)), 0),
          },
        ];
      }),
    ),
  };
}

/**
 * Three years of business-day packs for 1,000 securities (a quarter in USD), written in one
 * transaction as the owner with triggers off (the frozen-pack guards would otherwise run a check
 * per price row); the pinned, latest pack gets its true hash, since runs verify it.
 */
async function seedPacks(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query('SET LOCAL session_replication_role = replica');
    await client.query(
      `INSERT INTO securities (symbol, name, currency, asset_class, exchange)
       SELECT 'BSZ' || lpad(i::text, 4, '0'), 'Bench size ' || i, CASE WHEN i % 4 = 0 THEN 'USD' ELSE 'CAD' END, 'EQUITY', NULL
       FROM generate_series(1, $1::int) i ON CONFLICT (symbol) DO NOTHING`,
      [Math.max(...SIZES)],
    );
    await client.query(
      `INSERT INTO pricing_packs (id, date, policy, hash, sources, status, is_fresh, prewarm_done, reconciliation_passed,
         reconciliation_error_bps, created_at, updated_at)
       SELECT 'PP_BSZ_' || to_char(d, 'YYYY-MM-DD'), d::date, $1, 'unverified', '["FMP","FRED"]'::jsonb, 'FRESH', true, true, true,
         0, d + time '21:00', d + time '21:00'
       FROM generate_series($2::date, $3::date, interval '1 day') d
       WHERE extract(isodow FROM d) < 6
       ON CONFLICT (id) DO NOTHING`,
      [POLICY, FIRST_DATE, LAST_DATE],
    );
    // Closes that wander per symbol and day. Gaps as markets have them: the USD quarter unpriced on
    // six days a year (its exchange's holidays), one security suspended for two weeks; carried forward.
    await client.query(
      `INSERT INTO pack_prices (pack_id, symbol, close, currency, source)
       SELECT p.id, s.symbol, round((40 + (s.n % 50) + 8 * sin(s.n + (p.date - $2::date) / 23.0))::numeric, 4)::float8, s.currency, 'FMP'
       FROM pricing_packs p
       CROSS JOIN (SELECT symbol, currency, substr(symbol, 4)::int AS n FROM securities WHERE symbol LIKE 'BSZ%') s
       WHERE p.policy = $1
         AND NOT (s.currency = 'USD' AND extract(doy FROM p.date) IN (15, 50, 148, 186, 245, 333))
         AND NOT (s.n = 7 AND p.date BETWEEN '2026-06-01' AND '2026-06-12')
       ON CONFLICT DO NOTHING`,
      [POLICY, FIRST_DATE],
    );
    await client.query(
      `INSERT INTO pack_fx_rates (pack_id, currency, rate, source)
       SELECT id, 'USD', round((1.34 + 0.03 * sin((date - $2::date) / 40.0))::numeric, 6)::float8, 'FRED'
       FROM pricing_packs WHERE policy = $1 ON CONFLICT DO NOTHING`,
      [POLICY, FIRST_DATE],
    );
    const pinned = `PP_BSZ_${LAST_DATE}`;
    const [pack] = (await client.query(`SELECT id, to_char(date, 'YYYY-MM-DD') AS date, policy FROM pricing_packs WHERE id = $1`, [pinned]))
      .rows;
    const prices = (await client.query(`SELECT symbol, close, currency, source FROM pack_prices WHERE pack_id = $1`, [pinned])).rows;
    const fxRates = (await client.query(`SELECT currency, rate, source FROM pack_fx_rates WHERE pack_id = $1`, [pinned])).rows;
    const { computePackHash } = createRequire(import.meta.url)(path.join(root, 'dist', 'packs', 'pack-hash.js'));
    await client.query(`UPDATE pricing_packs SET hash = $2 WHERE id = $1`, [
      pinned,
      computePackHash({ date: pack.date, policy: pack.policy, prices, fxRates }),
    ]);
    await client.query('COMMIT');
    return pinned;
  } finally {
    await client.end();
  }
}

/** A demo-tenant portfolio holding `size` securities since the first pack, funded in CAD and USD. */
async function portfolioOf(url, token, size) {
  const { createPortfolio } = await graphql(
    url,
    'mutation($input: CreatePortfolioInput!) { createPortfolio(input: $input) { id } }',
    { input: { name: `Bench ${size} holdings`, baseCurrency: 'CAD' } },
    token,
  );
  const tradeDate = '2023-11-20';
  const entries = [
    { kind: 'DEPOSIT', tradeDate, currency: 'CAD', amount: 50_000_000 },
    { kind: 'DEPOSIT', tradeDate, currency: 'USD', amount: 20_000_000 },
  ];
  for (let i = 1; i <= size; i++) {
    entries.push({ kind: 'BUY', tradeDate, symbol: SYMBOL(i), quantity: 10 + (i % 7), price: 45, currency: i % 4 === 0 ? 'USD' : 'CAD' });
  }
  await graphql(
    url,
    'mutation($p: ID!, $e: [LedgerEntryInput!]!, $m: String!) { appendLedgerEntries(portfolioId: $p, entries: $e, message: $m) { hash } }',
    { p: createPortfolio.id, e: entries, m: 'bench holdings' },
    token,
  );
  return createPortfolio.id;
}

function yearsBefore(date, years) {
  return `${Number(date.slice(0, 4)) - years}${date.slice(4)}`;
}

/** A line of /proc/<pid>/status (VmRSS, VmHWM) in MB. */
function rssMb(pid, field) {
  const match = new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return match ? Math.round(Number(match[1]) / 1024) : Number.NaN;
}

/** Resets the process's peak RSS to its current RSS (Linux clear_refs 5); false where not allowed. */
function resetHwm(pid) {
  try {
    writeFileSync(`/proc/${pid}/clear_refs`, '5');
    return true;
  } catch {
    return false;
  }
}
