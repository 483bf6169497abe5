import pg from 'pg';
import { latencyLoop } from '../lib/latency.mjs';
import { grantBenchCredits, graphql, PACK_HEALTH_QUERY } from '../lib/freshgate.mjs';
import { latencySummary, median, ratio, round, summarize } from '../lib/stats.mjs';

const OVERVIEW = `mutation Overview($input: ExecutePatternInput!) {
  executePattern(input: $input) { id status resultSha256 steps { stepId durationMs } }
}`;
const overviewBody = JSON.stringify({
  query: OVERVIEW,
  operationName: 'Overview',
  variables: { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
});
const packHealthBody = JSON.stringify({ query: PACK_HEALTH_QUERY, operationName: 'PackHealth' });

/** The floor every GraphQL call pays on this server: authenticated packHealth at concurrency 1. */
const baselineLoop = (main, token, durationS) => ({
  url: main.url,
  headers: { authorization: `Bearer ${token}` },
  body: packHealthBody,
  concurrency: 1,
  durationS,
  warmupS: 0.5,
});

/**
 * portfolio_overview on the demo portfolio: latency at concurrency 1 and throughput at 8, with
 * the per-step split from the executions' own step records; baseline: packHealth on the same
 * server, interleaved.
 */
export async function overviewScenario(context) {
  const main = await context.freshgate('main');
  await grantBenchCredits(main, context);
  const auth = { authorization: `Bearer ${context.tokens.analyst}` };
  const c1 = [],
    c1Baseline = [],
    c8 = [];
  const c1Rounds = [],
    c8Rounds = [];
  const steps = {};
  for (let round = 0; round < context.rounds; round++) {
    const one = await latencyLoop(context, {
      url: main.url,
      headers: auth,
      body: overviewBody,
      concurrency: 1,
      durationS: context.execSeconds,
      warmupS: 0.5,
      collectSteps: true,
    });
    c1.push(...one.latencies);
    c1Rounds.push(latencySummary(one.latencies));
    for (const [step, durations] of Object.entries(one.steps)) (steps[step] ??= []).push(...durations);
    const floor = await latencyLoop(context, baselineLoop(main, context.tokens.analyst, Math.max(1, context.execSeconds / 2)));
    c1Baseline.push(...floor.latencies);
    const eight = await latencyLoop(context, {
      url: main.url,
      headers: auth,
      body: overviewBody,
      concurrency: 8,
      durationS: context.execSeconds,
      warmupS: 0.5,
    });
    c8.push(...eight.latencies);
    c8Rounds.push(eight.rps);
    context.log(
      `  round ${round + 1}: c1 p50 ${round3(one.latencies, 50)} ms p95 ${round3(one.latencies, 95)} ms; baseline p50 ${round3(floor.latencies, 50)} ms; c8 ${Math.round(eight.rps)} runs/s`,
    );
  }
  return {
    concurrency1: { ...latencySummary(c1), p95Rounds: summarize(c1Rounds.map((r) => r.p95)) },
    baselinePackHealthConcurrency1: latencySummary(c1Baseline),
    concurrency8: { runsPerSecond: summarize(c8Rounds), ...latencySummary(c8) },
    stepMedianMs: Object.fromEntries(Object.entries(steps).map(([step, d]) => [step, round(median(d))])),
    ratios: { p50VsPackHealth: ratio(median(c1), median(c1Baseline)) },
  };
}

const round3 = (values, p) => round([...values].sort((a, b) => a - b)[Math.ceil((p / 100) * values.length) - 1] ?? NaN);

/**
 * A blocked executePattern: a WARMING pack newer than every other is written straight into the
 * database (as a nightly job would), then the refusal is timed at concurrency 1; baseline:
 * packHealth on the same server, interleaved.
 */
export async function gateScenario(context) {
  const main = await context.freshgate('main');
  await makeLatestPackWarming(context);
  // The hub hears the insert; wait until this instance says so.
  for (let i = 0; i < 200; i++) {
    const { packHealth } = await graphql(main.url, PACK_HEALTH_QUERY);
    if (packHealth.status === 'WARMING') break;
    await new Promise((r) => setTimeout(r, 25));
  }
  const auth = { authorization: `Bearer ${context.tokens.analyst}` };
  const refusals = [],
    floor = [],
    p99Rounds = [];
  for (let round = 0; round < context.rounds; round++) {
    const refused = await latencyLoop(context, {
      url: main.url,
      headers: auth,
      body: overviewBody,
      concurrency: 1,
      durationS: context.execSeconds,
      warmupS: 0.5,
      expect: 'PRICING_PACK_WARMING',
    });
    refusals.push(...refused.latencies);
    p99Rounds.push(latencySummary(refused.latencies).p99);
    const base = await latencyLoop(context, baselineLoop(main, context.tokens.analyst, context.execSeconds));
    floor.push(...base.latencies);
    context.log(
      `  round ${round + 1}: refusal p50 ${round3(refused.latencies, 50)} ms p99 ${round3(refused.latencies, 99)} ms; packHealth p99 ${round3(base.latencies, 99)} ms`,
    );
  }
  return {
    refusalConcurrency1: { ...latencySummary(refusals), p99Rounds: summarize(p99Rounds) },
    baselinePackHealthConcurrency1: latencySummary(floor),
    ratios: { p99VsPackHealth: ratio(latencySummary(refusals).p99, latencySummary(floor).p99) },
  };
}

export const WARMING_PACK_ID = 'PP_BENCH_WARMING';

export async function makeLatestPackWarming(context) {
  const client = new pg.Client({ connectionString: context.databaseUrl });
  await client.connect();
  try {
    await client.query(
      `INSERT INTO pricing_packs (id, date, policy, hash, sources)
       SELECT $1, date + 1, policy, 'bench-warming', sources FROM pricing_packs
       WHERE superseded_by IS NULL ORDER BY date DESC LIMIT 1
       ON CONFLICT (id) DO NOTHING`,
      [WARMING_PACK_ID],
    );
  } finally {
    await client.end();
  }
}

/** Every pattern of the library on the demo portfolio, with the inputs an analyst would give. */
export const PATTERN_RUNS = [
  ['portfolio_overview', {}],
  ['portfolio_risk', {}],
  ['portfolio_news', {}],
  ['currency_attribution', {}],
  ['holdings_detail', {}],
  ['performance_periods', {}],
  ['benchmark_comparison', { benchmark: 'XIU.TO' }],
  ['cash_flows_income', {}],
  ['concentration', { topN: 5 }],
  ['drawdowns', {}],
];

/**
 * Each pattern at concurrency 1 on the demo portfolio: p50 and p95 beside portfolio_overview's in
 * the same rounds (the latency class every pattern should stay in).
 */
export async function patternsScenario(context) {
  const main = await context.freshgate('main');
  await grantBenchCredits(main, context);
  const auth = { authorization: `Bearer ${context.tokens.analyst}` };
  const latencies = Object.fromEntries(PATTERN_RUNS.map(([id]) => [id, []]));
  for (let round = 0; round < context.rounds; round++) {
    const line = [];
    for (const [patternId, inputs] of PATTERN_RUNS) {
      const body = JSON.stringify({
        query: OVERVIEW,
        operationName: 'Overview',
        variables: { input: { patternId, inputs: { portfolioId: 'pf-demo-growth', ...inputs } } },
      });
      const run = await latencyLoop(context, {
        url: main.url,
        headers: auth,
        body,
        concurrency: 1,
        durationS: Math.max(1, context.execSeconds / 2),
        warmupS: 0.3,
      });
      latencies[patternId].push(...run.latencies);
      line.push(`${patternId} ${round3(run.latencies, 50)}`);
    }
    context.log(`  round ${round + 1} p50 ms: ${line.join(', ')}`);
  }
  const overviewP50 = median(latencies.portfolio_overview);
  return {
    patterns: Object.fromEntries(
      Object.entries(latencies).map(([id, values]) => [
        id,
        { ...latencySummary(values), p50VsOverview: ratio(median(values), overviewP50) },
      ]),
    ),
  };
}
