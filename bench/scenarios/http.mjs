import { httpLoad } from '../lib/http-load.mjs';
import { freePort, spawnNode, stop, waitForOk } from '../lib/processes.mjs';
import { graphql, PACK_HEALTH_QUERY, startFreshgate } from '../lib/freshgate.mjs';
import { ratio, summarize } from '../lib/stats.mjs';
import path from 'node:path';

const here = path.dirname(new URL(import.meta.url).pathname);

async function startBaseline(context, file, env) {
  const port = await freePort();
  const child = spawnNode([path.join(here, '..', 'servers', file)], {
    cores: context.plan.server,
    logFile: path.join(context.logDir, `${file}.log`),
    env: { PORT: String(port), ...env },
  });
  await waitForOk(`http://127.0.0.1:${port}/ready`, { child });
  return { child, port };
}

/** Interleaves targets (A B C … A B C …) for `rounds`, so drift on a shared machine hits all alike. */
async function interleave(context, targets, options) {
  const figures = Object.fromEntries(targets.map((t) => [t.name, { rps: [], p50: [], p99: [] }]));
  // JIT warm-up, not measured: the first seconds of a Node server are slower than its steady state.
  for (const target of targets) await httpLoad(context.tool, target.request, { ...options, durationS: 2, cores: context.plan.load });
  for (let round = 0; round < context.rounds; round++) {
    for (const target of targets) {
      const result = await httpLoad(context.tool, target.request, { ...options, cores: context.plan.load });
      figures[target.name].rps.push(result.rps);
      figures[target.name].p50.push(result.p50);
      figures[target.name].p99.push(result.p99);
      context.log(
        `  ${target.name.padEnd(28)} round ${round + 1}: ${Math.round(result.rps)} req/s, p50 ${result.p50} ms, p99 ${result.p99} ms`,
      );
    }
  }
  return Object.fromEntries(
    Object.entries(figures).map(([name, f]) => [name, { rps: summarize(f.rps), p50Ms: summarize(f.p50), p99Ms: summarize(f.p99) }]),
  );
}

const NO_RATE_LIMITS = { RATE_LIMIT_USER: '0', RATE_LIMIT_TENANT: '0', RATE_LIMIT_ANONYMOUS: '0' };

const post = (url, token) => ({
  url,
  method: 'POST',
  headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
  body: JSON.stringify({ query: PACK_HEALTH_QUERY, operationName: 'PackHealth' }),
});

/**
 * packHealth over HTTP: freshgate (anonymous, authenticated; tracing sampled as configured, at
 * 100 % and off) against raw node:http answering the same bytes and bare Apollo Server 5 on
 * fastify and express 5 with the same field and a constant resolver.
 */
export async function httpScenario(context) {
  const main = await context.freshgate('main');
  const traceAll = await startFreshgate(context, { name: 'trace-all', env: { OTEL_TRACES_SAMPLER: 'parentbased_always_on' } });
  // What tracing costs: the same server without an OTLP endpoint, so no OpenTelemetry code is loaded.
  const traceOff = await startFreshgate(context, { name: 'trace-off', env: { OTEL_EXPORTER_OTLP_ENDPOINT: '' } });
  // What each optional part of the path costs, turned off the way an operator would: the
  // per-request log line (LOG_LEVEL=warn), the request budgets (RATE_LIMIT_*=0), and all of them
  // together with the instrumentation.
  const noRequestLog = await startFreshgate(context, { name: 'no-request-log', env: { LOG_LEVEL: 'warn' } });
  const noRateLimit = await startFreshgate(context, { name: 'no-rate-limit', env: NO_RATE_LIMITS });
  const lean = await startFreshgate(context, {
    name: 'lean',
    env: { ...NO_RATE_LIMITS, LOG_LEVEL: 'warn', OTEL_EXPORTER_OTLP_ENDPOINT: '' },
  });
  const data = await graphql(main.url, PACK_HEALTH_QUERY, undefined, context.tokens.analyst);
  const bytes = JSON.stringify({ data });
  const raw = await startBaseline(context, 'raw-http.mjs', { BASELINE_BODY: bytes });
  const env = { BASELINE_HEALTH_JSON: JSON.stringify(data.packHealth) };
  const fastify = await startBaseline(context, 'apollo-fastify.mjs', env);
  const express = await startBaseline(context, 'apollo-express.mjs', env);
  try {
    const figures = await interleave(
      context,
      [
        { name: 'raw node:http', request: post(`http://127.0.0.1:${raw.port}/graphql`) },
        { name: 'bare Apollo 5 + fastify', request: post(`http://127.0.0.1:${fastify.port}/graphql`) },
        { name: 'bare Apollo 5 + express 5', request: post(`http://127.0.0.1:${express.port}/graphql`) },
        { name: 'freshgate anonymous', request: post(main.url) },
        { name: 'freshgate authenticated', request: post(main.url, context.tokens.analyst) },
        { name: 'freshgate auth, trace 100%', request: post(traceAll.url, context.tokens.analyst) },
        { name: 'freshgate auth, no instrumentation', request: post(traceOff.url, context.tokens.analyst) },
        { name: 'freshgate auth, no request log', request: post(noRequestLog.url, context.tokens.analyst) },
        { name: 'freshgate auth, no rate limit', request: post(noRateLimit.url, context.tokens.analyst) },
        { name: 'freshgate auth, all optional off', request: post(lean.url, context.tokens.analyst) },
      ],
      { connections: 50, durationS: context.httpSeconds },
    );
    const rps = (name) => figures[name].rps.median;
    return {
      figures,
      ratios: {
        anonymousVsFastify: ratio(rps('freshgate anonymous'), rps('bare Apollo 5 + fastify')),
        authenticatedVsFastify: ratio(rps('freshgate authenticated'), rps('bare Apollo 5 + fastify')),
        anonymousVsExpress: ratio(rps('freshgate anonymous'), rps('bare Apollo 5 + express 5')),
        authenticatedVsExpress: ratio(rps('freshgate authenticated'), rps('bare Apollo 5 + express 5')),
        anonymousVsRaw: ratio(rps('freshgate anonymous'), rps('raw node:http')),
        authenticatedVsRaw: ratio(rps('freshgate authenticated'), rps('raw node:http')),
        fastifyVsRaw: ratio(rps('bare Apollo 5 + fastify'), rps('raw node:http')),
        expressVsRaw: ratio(rps('bare Apollo 5 + express 5'), rps('raw node:http')),
        tracing100VsSampled: ratio(rps('freshgate auth, trace 100%'), rps('freshgate authenticated')),
        noInstrumentationVsSampled: ratio(rps('freshgate auth, no instrumentation'), rps('freshgate authenticated')),
        noInstrumentationVsFastify: ratio(rps('freshgate auth, no instrumentation'), rps('bare Apollo 5 + fastify')),
        noRequestLogVsSampled: ratio(rps('freshgate auth, no request log'), rps('freshgate authenticated')),
        noRateLimitVsSampled: ratio(rps('freshgate auth, no rate limit'), rps('freshgate authenticated')),
        allOptionalOffVsFastify: ratio(rps('freshgate auth, all optional off'), rps('bare Apollo 5 + fastify')),
      },
    };
  } finally {
    await Promise.all([raw, fastify, express, traceAll, traceOff, noRequestLog, noRateLimit, lean].map((server) => stop(server.child)));
  }
}

/** GET /health/pack (from the pack events kept in memory) against raw node:http with the same bytes. */
export async function healthScenario(context) {
  const main = await context.freshgate('main');
  const bytes = await (await fetch(`${main.base}/health/pack`)).text();
  const raw = await startBaseline(context, 'raw-http.mjs', { BASELINE_BODY: bytes });
  try {
    const figures = await interleave(
      context,
      [
        { name: 'raw node:http', request: { url: `http://127.0.0.1:${raw.port}/health/pack` } },
        { name: 'freshgate GET /health/pack', request: { url: `${main.base}/health/pack` } },
      ],
      { connections: 50, durationS: context.httpSeconds },
    );
    return {
      figures,
      ratios: { healthPackVsRaw: ratio(figures['freshgate GET /health/pack'].rps.median, figures['raw node:http'].rps.median) },
    };
  } finally {
    await stop(raw.child);
  }
}
