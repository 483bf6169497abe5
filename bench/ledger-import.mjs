// node bench/ledger-import.mjs [--rows 1,10000,100000] [--databases pglite,postgres] [--bad-line 99000]
// Times `npm run ledger:import` (the CLI itself, run as operators run it: tsx, a process of its
// own) on generated CSV files of each size, on a freshly seeded embedded database and on a fresh
// PostgreSQL database (BENCH_ADMIN_DATABASE_URL, default postgres://postgres@127.0.0.1:5432/postgres),
// and prints wall time and peak RSS (/usr/bin/time -v) as a Markdown table for the README's
// "Ledger writes" section. The 1-row file shows the fixed cost: Node, tsx, Prisma and the database.
// With --bad-line, the largest file is imported once more with an oversold SELL on that line: the
// import must be refused, naming the line, and write nothing (on PostgreSQL the bench checks the
// ledger's counts and heads are unchanged; the integration tests check it on both).
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { root } from './lib/freshgate.mjs';

const PORTFOLIO = 'pf-demo-growth';

/**
 * Rows that always pass the ledger rules whatever their number: each cycle deposits more than it
 * spends and sells less than it bought, in the demo's securities and their currencies, all dated
 * today (UTC), which is after the demo ledger's last trade.
 */
export function ledgerCsvRows(count, { tradeDate = new Date().toISOString().slice(0, 10), badLine = null } = {}) {
  const cycle = [
    `DEPOSIT,${tradeDate},,,,CAD,1000`,
    `BUY,${tradeDate},RY.TO,2,200.5,CAD,`,
    `SELL,${tradeDate},RY.TO,1,201.25,CAD,201.25`,
    `DIVIDEND,${tradeDate},RY.TO,,,CAD,0.41`,
    `FEE,${tradeDate},,,,CAD,1.5`,
    `DEPOSIT,${tradeDate},,,,USD,500`,
    `BUY,${tradeDate},AAPL,1,250.1,USD,`,
    `SELL,${tradeDate},AAPL,1,251,USD,`,
  ];
  const lines = ['kind,tradeDate,symbol,quantity,price,currency,amount'];
  for (let i = 0; i < count; i++) lines.push(cycle[i % cycle.length]);
  if (badLine !== null) lines[badLine - 1] = `SELL,${tradeDate},RY.TO,1000000,1,CAD,`;
  return `${lines.join('\n')}\n`;
}

function option(name, fallback) {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : fallback;
}

/** Runs a TypeScript CLI of src/cli under /usr/bin/time -v: its output, wall seconds and peak RSS. */
function timed(script, args, env, scratch, { fails = false } = {}) {
  const report = path.join(scratch, 'time.txt');
  const started = performance.now();
  const run = spawnSync(
    '/usr/bin/time',
    ['-v', '-o', report, process.execPath, '--import', 'tsx', path.join('src', 'cli', script), ...args],
    {
      cwd: root,
      env: { ...process.env, ...env },
      encoding: 'utf8',
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const seconds = (performance.now() - started) / 1000;
  if ((run.status !== 0) !== fails) throw new Error(`${script} ${args.join(' ')} exited with ${run.status}:\n${run.stdout}\n${run.stderr}`);
  const peakKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(readFileSync(report, 'utf8'))[1]);
  return { stdout: run.stdout, stderr: run.stderr, seconds, peakMb: Math.round(peakKb / 1024) };
}

/** Every count and head a ledger write would change (checked on PostgreSQL, around a refused import). */
async function ledgerState(url) {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT (SELECT count(*) FROM ledger_commits) || '/' || (SELECT count(*) FROM ledger_entries) || '/' ||
              (SELECT count(*) FROM audit_log) || '/' || (SELECT string_agg(ledger_head, ',' ORDER BY id) FROM portfolios) AS state`,
    );
    return rows[0].state;
  } finally {
    await client.end();
  }
}

async function recreateDatabase(adminUrl, name) {
  const admin = new pg.Client({ connectionString: adminUrl });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
}

const sizes = option('rows', '1,10000,100000').split(',').map(Number);
const databases = option('databases', 'pglite,postgres').split(',');
const badLine = option('bad-line', null) === null ? null : Number(option('bad-line'));
const adminUrl = process.env.BENCH_ADMIN_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
const databaseName = process.env.BENCH_DATABASE ?? 'freshgate_bench_ledger';
const scratch = path.join(os.tmpdir(), `freshgate-ledger-import-${Date.now()}`);
mkdirSync(scratch, { recursive: true });

const results = [];
try {
  for (const database of databases) {
    const runs = sizes.map((rows) => ({ rows, badLine: null }));
    if (badLine !== null) runs.push({ rows: Math.max(...sizes), badLine });
    for (const { rows, badLine: bad } of runs) {
      const file = path.join(scratch, `ledger-${rows}-${bad ?? 'ok'}.csv`);
      writeFileSync(file, ledgerCsvRows(rows, { badLine: bad }));
      const env =
        database === 'pglite'
          ? { DATA_DIR: path.join(scratch, `pglite-${rows}`), DATABASE_URL: '' }
          : { DATABASE_URL: adminUrl.replace(/\/[^/]*$/, `/${databaseName}`) };
      if (database === 'postgres') await recreateDatabase(adminUrl, databaseName);
      timed('seed.ts', [], env, scratch);
      const before = database === 'postgres' ? await ledgerState(env.DATABASE_URL) : null;
      const run = timed('import-ledger.ts', [PORTFOLIO, file, '--message', `bench ${rows} rows`], env, scratch, { fails: bad !== null });
      if (bad === null && !run.stdout.startsWith(`appended ${rows} entries`)) throw new Error(`unexpected output: ${run.stdout}`);
      if (bad !== null && !run.stderr.includes(`1 problem, nothing imported\n  line ${bad}, quantity: sells 1000000 RY.TO`))
        throw new Error(`unexpected refusal: ${run.stderr}`);
      if (bad !== null && before !== null && (await ledgerState(env.DATABASE_URL)) !== before) throw new Error('the refused import wrote');
      results.push({ database, rows, bad, seconds: run.seconds, peakMb: run.peakMb });
      const what = bad === null ? 'imported' : `refused (line ${bad})`;
      process.stdout.write(`${database} ${rows} rows ${what}: ${run.seconds.toFixed(1)} s, peak RSS ${run.peakMb} MB\n`);
      if (database === 'pglite') rmSync(env.DATA_DIR, { recursive: true, force: true });
    }
  }
} finally {
  rmSync(scratch, { recursive: true, force: true });
}

const label = { pglite: 'PGlite (embedded)', postgres: 'PostgreSQL' };
process.stdout.write(
  [
    '',
    '| Database | Rows | Outcome | Wall time | Peak RSS |',
    '| --- | ---: | --- | ---: | ---: |',
    ...results.map(
      (r) =>
        `| ${label[r.database]} | ${r.rows.toLocaleString('en')} | ${r.bad === null ? 'one commit' : `refused: bad row on line ${r.bad.toLocaleString('en')}, nothing written`} | ${r.seconds.toFixed(1)} s | ${r.peakMb} MB |`,
    ),
    '',
  ].join('\n'),
);
