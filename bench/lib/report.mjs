import { readFileSync, writeFileSync } from 'node:fs';

const START = '<!-- bench:table:start -->';
const END = '<!-- bench:table:end -->';

const fmt = (v, unit = '') =>
  v === null || v === undefined || Number.isNaN(v)
    ? '—'
    : `${Number(v).toLocaleString('en-US', { maximumFractionDigits: v >= 100 ? 0 : 2 })}${unit}`;
const check = (ok) => (ok === undefined ? '' : ok ? 'met' : '**missed**');

/**
 * The README's Performance table: per runtime, our figure, the baseline of the same run beside it
 * and the ratio; then the target and whether each runtime met it.
 */
export function renderTable(record) {
  const runs = record.runtimes ?? [{ node: record.versions.node, results: record.results }];
  const perRuntime = runs.map((run) => rowsOf(run.results, record));
  const scenarios = [...new Map(perRuntime.flat().map((row) => [row.what, row])).values()];
  const lines = scenarios.map(({ what, target }) => {
    const found = perRuntime.map((rows) => rows.find((row) => row.what === what));
    const cells = found.flatMap((row) => (row ? [row.ours, row.baseline, row.ratio] : ['—', '', '']));
    const met = found.map((row) => check(row?.met)).filter(Boolean);
    return `| ${what} | ${cells.join(' | ')} | ${target} | ${met.join(' / ')} |`;
  });
  const runtimeNames = runs.map((run) => `Node ${run.node.replace(/^v/, '').split('.')[0]}`);
  const header = [
    `Run ${record.startedAt.slice(0, 16).replace('T', ' ')} UTC, commit \`${record.commit.slice(0, 8)}\`${record.dirty ? ' (uncommitted changes)' : ''}; ${record.machine.cpus} × ${record.machine.cpuModel}; ${runs.map((run) => `Node ${run.node}`).join(' and ')}, PostgreSQL ${record.versions.postgres}; load by ${record.settings.tool}, ${record.machine.pinned.pinned ? 'server and load on separate cores' : 'unpinned'}; medians of ${record.settings.rounds} interleaved rounds (spread in the JSON), one runtime after the other; tracing sampled at ${record.settings.traceSampleRatio * 100} % and exported over OTLP, metrics and JSON logs on.`,
    '',
    `| Scenario | ${runtimeNames.map((n) => `${n}: freshgate | ${n}: baseline (same run) | ${n}: ratio`).join(' | ')} | Target | ${runtimeNames.join(' / ')} |`,
    `|---|${runtimeNames.map(() => '---|---|---|').join('')}---|---|`,
  ];
  return [...header, ...lines].join('\n');
}

/** One runtime's rows: what was measured, our figure, the baseline, the ratio, the target. */
function rowsOf(r, record) {
  const rows = [];
  const row = (what, ours, baseline, ratio, target, met) => rows.push({ what, ours, baseline, ratio, target, met });

  if (r.http) {
    const f = r.http.figures;
    const rps = (n) => f[n].rps.median;
    const line = (n) =>
      `${fmt(rps(n))} req/s (p50 ${fmt(f[n].p50Ms.median)} ms, p99 ${fmt(f[n].p99Ms.median)} ms; ${fmt(f[n].rps.min)}–${fmt(f[n].rps.max)})`;
    for (const who of ['anonymous', 'authenticated']) {
      const name = `freshgate ${who}`;
      const vsFastify = r.http.ratios[`${who}VsFastify`];
      const vsExpress = r.http.ratios[`${who}VsExpress`];
      row(
        `packHealth over HTTP, ${who}, full stack`,
        line(name),
        `Apollo+fastify ${fmt(rps('bare Apollo 5 + fastify'))}`,
        `${fmt(vsFastify)}×`,
        '≥ 0.85×',
        vsFastify >= 0.85,
      );
      row(
        `packHealth over HTTP, ${who}, vs express 5`,
        fmt(rps(name)),
        `Apollo+express 5 ${fmt(rps('bare Apollo 5 + express 5'))}`,
        `${fmt(vsExpress)}×`,
        '≥ 1.8×',
        vsExpress >= 1.8,
      );
    }
    row('raw node:http, same bytes (physical limit)', line('raw node:http'), '', '', '', undefined);
    row(
      'bare Apollo 5 + fastify, constant resolver',
      line('bare Apollo 5 + fastify'),
      'raw',
      `${fmt(r.http.ratios.fastifyVsRaw)}×`,
      '',
      undefined,
    );
    row(
      'bare Apollo 5 + express 5, constant resolver',
      line('bare Apollo 5 + express 5'),
      'raw',
      `${fmt(r.http.ratios.expressVsRaw)}×`,
      '',
      undefined,
    );
    row(
      'tracing: 100 % sampled and exported',
      line('freshgate auth, trace 100%'),
      `sampled ${fmt(record.settings.traceSampleRatio * 100)} %`,
      `${fmt(r.http.ratios.tracing100VsSampled)}×`,
      '',
      undefined,
    );
    row(
      'tracing off: no instrumentation loaded',
      line('freshgate auth, no instrumentation'),
      `sampled ${fmt(record.settings.traceSampleRatio * 100)} %`,
      `${fmt(r.http.ratios.noInstrumentationVsSampled)}×`,
      '',
      undefined,
    );
    // Runs before the variants were measured have no such figures.
    if (f['freshgate auth, no request log']) {
      row(
        'request log off (LOG_LEVEL=warn)',
        line('freshgate auth, no request log'),
        'authenticated, full stack',
        `${fmt(r.http.ratios.noRequestLogVsSampled)}×`,
        '',
        undefined,
      );
      row(
        'rate limits off (RATE_LIMIT_*=0)',
        line('freshgate auth, no rate limit'),
        'authenticated, full stack',
        `${fmt(r.http.ratios.noRateLimitVsSampled)}×`,
        '',
        undefined,
      );
      row(
        'all optional parts off (log, limits, instrumentation)',
        line('freshgate auth, all optional off'),
        `Apollo+fastify ${fmt(rps('bare Apollo 5 + fastify'))}`,
        `${fmt(r.http.ratios.allOptionalOffVsFastify)}×`,
        '',
        undefined,
      );
    }
  }
  if (r.health) {
    const f = r.health.figures;
    const ratio = r.health.ratios.healthPackVsRaw;
    row(
      'GET /health/pack',
      `${fmt(f['freshgate GET /health/pack'].rps.median)} req/s`,
      `raw ${fmt(f['raw node:http'].rps.median)}`,
      `${fmt(ratio)}×`,
      '≥ 0.5×',
      ratio >= 0.5,
    );
  }
  if (r.gate) {
    const g = r.gate.refusalConcurrency1;
    row(
      'freshness-gate refusal, concurrency 1',
      `p50 ${fmt(g.p50)} ms, p99 ${fmt(g.p99)} ms`,
      `packHealth p99 ${fmt(r.gate.baselinePackHealthConcurrency1.p99)} ms`,
      `${fmt(r.gate.ratios.p99VsPackHealth)}×`,
      'p99 ≤ 1.3× packHealth',
      r.gate.ratios.p99VsPackHealth <= 1.3,
    );
  }
  if (r.overview) {
    const o = r.overview;
    row(
      'portfolio_overview, concurrency 1',
      `p50 ${fmt(o.concurrency1.p50)} / p95 ${fmt(o.concurrency1.p95)} / p99 ${fmt(o.concurrency1.p99)} ms`,
      `packHealth p50 ${fmt(o.baselinePackHealthConcurrency1.p50)} ms`,
      `${fmt(o.ratios.p50VsPackHealth)}×`,
      'p95 ≤ 50 ms',
      o.concurrency1.p95 <= 50,
    );
    row(
      'portfolio_overview, concurrency 8',
      `${fmt(o.concurrency8.runsPerSecond.median)} runs/s (p99 ${fmt(o.concurrency8.p99)} ms)`,
      '',
      '',
      '≥ 60 runs/s',
      o.concurrency8.runsPerSecond.median >= 60,
    );
    row(
      'portfolio_overview step medians',
      Object.entries(o.stepMedianMs)
        .map(([s, ms]) => `${s} ${fmt(ms)} ms`)
        .join(', '),
      '',
      '',
      '',
      undefined,
    );
  }
  if (r.patterns) {
    for (const [id, p] of Object.entries(r.patterns.patterns)) {
      row(
        `pattern ${id}, concurrency 1`,
        `p50 ${fmt(p.p50)} / p95 ${fmt(p.p95)} ms`,
        id === 'portfolio_overview' ? '' : 'portfolio_overview p50',
        id === 'portfolio_overview' ? '' : `${fmt(p.p50VsOverview)}×`,
        'p95 ≤ 50 ms',
        p.p95 <= 50,
      );
    }
  }
  if (r['portfolio-size']) {
    const sizes = r['portfolio-size'];
    for (const [name, s] of Object.entries(sizes.rows)) {
      const smallest = s.holdings === 10 && s.years === 1;
      const bound = s.holdings === 1000 && s.years === 1;
      row(
        name,
        `p50 ${fmt(s.p50)} / p95 ${fmt(s.p95)} ms (series step p50 ${fmt(s.seriesStepP50)} ms; peak RSS ${fmt(s.peakRssMb)} MB)`,
        smallest ? '' : '10 holdings × 1y p50',
        smallest ? '' : `${fmt(s.p50VsSmallest)}×`,
        bound ? '≤ 5×' : '',
        bound ? s.p50VsSmallest <= 5 : undefined,
      );
    }
    row(
      'overview by portfolio size: server peak RSS',
      `${fmt(sizes.startRssMb)} MB at the start → ${fmt(sizes.peakRssMb)} MB peak`,
      '',
      '',
      'flat',
      undefined,
    );
  }
  if (r.fanout) {
    for (const [size, f] of Object.entries(r.fanout.sizes ?? {})) {
      const ours = f.targets.freshgate,
        base = f.targets['plain ws'],
        cross = f.targets['freshgate, second instance'];
      const big = Number(size) >= 5000;
      row(
        `fan-out, ${size} subscribers, commit → client`,
        `p50 ${fmt(ours.p50Ms.median)} / p99 ${fmt(ours.p99Ms.median)} / max ${fmt(ours.maxMs.median)} ms`,
        `plain ws p99 ${fmt(base.p99Ms.median)} ms`,
        `${fmt(f.ratios.p99VsPlainWs)}×`,
        big ? '≤ 1.6×' : '',
        big ? f.ratios.p99VsPlainWs <= 1.6 : undefined,
      );
      row(
        `fan-out, ${size}: RSS per idle subscriber`,
        `${fmt(ours.rssKBPerIdleSubscriber)} KB`,
        `plain ws ${fmt(base.rssKBPerIdleSubscriber)} KB`,
        '',
        big ? '≤ 20 KB' : '',
        big ? ours.rssKBPerIdleSubscriber <= 20 : undefined,
      );
      row(
        `fan-out, ${size}: query answered during it`,
        `median ${fmt(ours.queryDuringFanoutMs?.median)} ms, max ${fmt(ours.queryDuringFanoutMs?.max)} ms`,
        '',
        '',
        big ? '≤ 50 ms' : '',
        big ? ours.queryDuringFanoutMs?.max <= 50 : undefined,
      );
      row(
        `fan-out, ${size}: second instance`,
        `p99 ${fmt(cross.p99Ms.median)} ms`,
        `same instance ${fmt(ours.p99Ms.median)} ms`,
        `${fmt(f.ratios.crossInstanceP99VsSameInstance)}×`,
        big ? '≤ 1.3×' : '',
        big ? f.ratios.crossInstanceP99VsSameInstance <= 1.3 : undefined,
      );
      const routed = f.targets['through Hive Gateway'];
      if (routed) {
        const missed = routed.missed ? `; ${fmt(routed.missed)} deliveries missed` : '';
        row(
          `fan-out through Hive Gateway, ${size} subscribers: commit → client`,
          `p50 ${fmt(routed.p50Ms.median)} / p99 ${fmt(routed.p99Ms.median)} / max ${fmt(routed.maxMs.median)} ms${missed}`,
          `freshgate direct p99 ${fmt(ours.p99Ms.median)} ms`,
          `${fmt(f.ratios.gatewayP99VsDirect)}×`,
          '',
          undefined,
        );
        const seen = (routed.upstream ?? []).map(
          (u) => `${fmt(u.connections)} WebSocket${u.connections === 1 ? '' : 's'}, ${fmt(u.subscriptions)} operations`,
        );
        row(`fan-out through Hive Gateway, ${size}: what freshgate saw`, [...new Set(seen)].join('; ') || '—', '', '', '', undefined);
        // freshgate behind the gateway holds operations, not sockets: at 1,000 its growth can be below the GC's noise.
        const kb = (v) => (v < 0 ? 'below noise' : `${fmt(v)} KB`);
        row(
          `fan-out through Hive Gateway, ${size}: RSS per idle subscriber`,
          `gateway ${kb(routed.rssKBPerIdleSubscriber)}, freshgate behind it ${kb(routed.freshgateRssKBPerIdleSubscriber)}`,
          `freshgate direct ${fmt(ours.rssKBPerIdleSubscriber)} KB`,
          '',
          '',
          undefined,
        );
        row(
          `fan-out through Hive Gateway, ${size}: query through the gateway during it`,
          `median ${fmt(routed.queryDuringFanoutMs?.median)} ms, max ${fmt(routed.queryDuringFanoutMs?.max)} ms`,
          '',
          '',
          '',
          undefined,
        );
      }
    }
  }
  if (r['cold-start']) {
    const c = r['cold-start'];
    row(
      'cold start to ready, PostgreSQL',
      `${fmt(c.postgresReadyMs.median)} ms`,
      `bare Apollo ${fmt(c.bareApolloFastifyReadyMs.median)} ms`,
      `${fmt(c.ratios.postgresVsBare)}×`,
      '≤ 3× bare Apollo',
      c.ratios.postgresVsBare <= 3,
    );
    row(
      'cold start to ready, new embedded data dir',
      `${fmt(c.embeddedReadyMs.median)} ms`,
      '',
      '',
      '≤ 5,000 ms',
      c.embeddedReadyMs.median <= 5000,
    );
    if (c.existingEmbeddedReadyMs)
      row(
        'cold start to ready, existing embedded data dir',
        `${fmt(c.existingEmbeddedReadyMs.median)} ms`,
        `bare Apollo ${fmt(c.bareApolloFastifyReadyMs.median)} ms`,
        `${fmt(c.ratios.existingEmbeddedVsBare)}×`,
        '≤ 3× bare Apollo',
        c.ratios.existingEmbeddedVsBare <= 3,
      );
  }
  return rows;
}

export function updateReadme(file, table, resultsFile) {
  const readme = readFileSync(file, 'utf8');
  const start = readme.indexOf(START),
    end = readme.indexOf(END);
  if (start < 0 || end < 0) throw new Error(`README has no ${START} … ${END} markers`);
  const body = `${START}\n${table}\n\nFull figures: \`${resultsFile}\`.\n${END}`;
  writeFileSync(file, readme.slice(0, start) + body + readme.slice(end + END.length));
}
