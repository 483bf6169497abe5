// npm run bench [-- <scenario> ...]: measures freshgate against baselines in the same run and
// writes bench/results/<time>-<commit>.json (and, after a full run, the README's table).
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { corePlan, stop, useRuntime } from './lib/processes.mjs';
import { runtimesToMeasure } from './lib/runtimes.mjs';
import { loadTool } from './lib/http-load.mjs';
import { JWT_SECRET, root, startFreshgate } from './lib/freshgate.mjs';
import { renderTable, updateReadme } from './lib/report.mjs';
import { healthScenario, httpScenario } from './scenarios/http.mjs';
import { gateScenario, overviewScenario, patternsScenario } from './scenarios/execution.mjs';
import { fanoutScenario } from './scenarios/fanout.mjs';
import { coldStartScenario } from './scenarios/cold-start.mjs';
import { portfolioSizeScenario } from './scenarios/portfolio-size.mjs';

// Order matters: overview needs the demo's fresh latest pack; gate and fanout add a WARMING one
// (portfolio-size pins packs of its own policy, dated before the demo's latest).
const SCENARIOS = {
  'cold-start': coldStartScenario,
  http: httpScenario,
  health: healthScenario,
  overview: overviewScenario,
  patterns: patternsScenario,
  'portfolio-size': portfolioSizeScenario,
  gate: gateScenario,
  fanout: fanoutScenario,
};

const requested = process.argv.slice(2);
for (const name of requested)
  if (!SCENARIOS[name]) throw new Error(`unknown scenario "${name}"; one of: ${Object.keys(SCENARIOS).join(', ')}`);
const selected = requested.length ? Object.keys(SCENARIOS).filter((n) => requested.includes(n)) : Object.keys(SCENARIOS);

const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = process.env.BENCH_DATABASE ?? 'freshgate_bench';
const startedAt = new Date();
const logDir = path.join(os.tmpdir(), `freshgate-bench-${startedAt.getTime()}`);
mkdirSync(logDir, { recursive: true });

const sink = await otlpSink();
const plan = corePlan(os.cpus().length);
const context = {
  plan,
  tool: loadTool(),
  rounds: Number(process.env.BENCH_ROUNDS ?? 3),
  httpSeconds: Number(process.env.BENCH_HTTP_SECONDS ?? 5),
  execSeconds: Number(process.env.BENCH_EXEC_SECONDS ?? 4),
  fanoutSizes: (process.env.BENCH_FANOUT_SIZES ?? '1000,5000').split(',').map(Number),
  traceSampleRatio: Number(process.env.BENCH_TRACE_SAMPLE ?? 0.1),
  otlpEndpoint: sink.url,
  databaseUrl: adminUrl.replace(/\/[^/]*$/, `/${databaseName}`),
  logDir,
  log: (line) => process.stdout.write(`${line}\n`),
  tokens: {},
  instances: new Map(),
  async freshgate(name) {
    if (!this.instances.has(name)) this.instances.set(name, await startFreshgate(this, { name }));
    return this.instances.get(name);
  },
};

const require = createRequire(import.meta.url);
const { issueToken } = require(path.join(root, 'dist', 'auth', 'token-issuer.js'));
context.tokens.analyst = await issueToken(JWT_SECRET, 'demo-analyst', { expiresIn: '2h' });
context.tokens.admin = await issueToken(JWT_SECRET, 'demo-admin', { expiresIn: '2h' });

const runtimes = await runtimesToMeasure();
context.log(
  `freshgate bench: ${selected.join(', ')} on ${runtimes.map((r) => `Node ${r.node}`).join(', ')} — load by ${context.tool}, ${plan.pinned ? `server on core ${plan.server}, load on core ${plan.load}` : 'not pinned'}, ${context.rounds} interleaved rounds; logs in ${logDir}`,
);

// Each runtime in turn, on a database of its own making: the same scenarios, the same baselines
// (bare Apollo, raw node:http, plain ws) on the same runtime, so each ratio compares like with like.
const clock = performance.now();
const runs = [];
try {
  for (const runtime of runtimes) {
    useRuntime(runtime.binary);
    await recreateDatabase(adminUrl, databaseName);
    const results = {};
    try {
      for (const name of selected) {
        context.log(`\n# ${name} (Node ${runtime.node})`);
        const began = performance.now();
        results[name] = await SCENARIOS[name](context);
        results[name].seconds = Math.round((performance.now() - began) / 1000);
      }
    } finally {
      for (const instance of context.instances.values()) await stop(instance.child);
      context.instances.clear();
    }
    runs.push({ node: runtime.node, binary: runtime.binary, results });
  }
} finally {
  sink.close();
}

const record = {
  startedAt: startedAt.toISOString(),
  durationSeconds: Math.round((performance.now() - clock) / 1000),
  commit: git(['rev-parse', 'HEAD']),
  dirty: git(['status', '--porcelain']).length > 0,
  machine: {
    cpus: os.cpus().length,
    cpuModel: os.cpus()[0]?.model,
    memoryGiB: Math.round(os.totalmem() / 2 ** 30),
    kernel: os.release(),
    pinned: plan,
  },
  versions: { node: runs.map((r) => r.node).join(', '), postgres: await serverVersion(adminUrl), ...packageVersions() },
  settings: {
    tool: context.tool,
    rounds: context.rounds,
    httpSeconds: context.httpSeconds,
    execSeconds: context.execSeconds,
    fanoutSizes: context.fanoutSizes,
    traceSampleRatio: context.traceSampleRatio,
    otlpSpansReceivedBytes: sink.bytes(),
  },
  scenarios: selected,
  runtimes: runs,
};
mkdirSync(path.join(root, 'bench', 'results'), { recursive: true });
const file = path.join(root, 'bench', 'results', `${startedAt.toISOString().replace(/[:.]/g, '-')}-${record.commit.slice(0, 8)}.json`);
writeFileSync(file, `${JSON.stringify(record, null, 2)}\n`);
context.log(`\nresults: ${path.relative(root, file)}\n`);
const table = renderTable(record);
context.log(table);
if (selected.length === Object.keys(SCENARIOS).length) {
  updateReadme(path.join(root, 'README.md'), table, path.relative(root, file));
  context.log('README Performance table updated.');
}
process.exit(0);

async function recreateDatabase(url, name) {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

async function serverVersion(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query('SHOW server_version')).rows[0].server_version;
  } finally {
    await client.end();
  }
}

function packageVersions() {
  const names = ['@apollo/server', 'fastify', 'graphql', 'graphql-ws', 'ws', 'type-graphql', 'graphql-shield', '@prisma/client', 'express'];
  return Object.fromEntries(
    names.map((n) => [n, JSON.parse(readFileSync(path.join(root, 'node_modules', n, 'package.json'), 'utf8')).version]),
  );
}

function git(args) {
  try {
    return execFileSync('git', args, { cwd: root, encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
}

/** Stands in for an OpenTelemetry collector: accepts OTLP/HTTP exports and counts the bytes. */
async function otlpSink() {
  let received = 0;
  const server = createServer((request, response) => {
    request.on('data', (chunk) => (received += chunk.length));
    request.on('end', () => response.writeHead(200, { 'content-type': 'application/json' }).end('{}'));
  });
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${server.address().port}`, bytes: () => received, close: () => server.close() };
}
