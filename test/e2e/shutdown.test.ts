import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import WebSocket from 'ws';
import { issueToken } from '../../src/auth/token-issuer';
import { adminQuery, TEST_DATABASE_URL, usingPostgres, withDatabase } from '../support/test-database';

const root = path.join(__dirname, '..', '..');
const SECRET = 'freshgate-shutdown-test-secret-32-bytes!';
const onPostgres = usingPostgres ? describe : describe.skip;

type Row = Record<string, unknown>;

interface Instance {
  child: ChildProcess;
  url: string;
  /** PostgreSQL only. */
  databaseUrl: string;
  exited: Promise<number | null>;
  /** Runs SQL against the instance's database (after exit, for the embedded one). */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

/** The real entry point (src/main.ts) in its own process, on PostgreSQL or a new embedded data dir. */
async function startInstance(env: Record<string, string>): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freshgate-shutdown-'));
  let databaseUrl = '';
  let dbName = '';
  if (usingPostgres) {
    dbName = `freshgate_shutdown_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE DATABASE "${dbName}"`);
    databaseUrl = withDatabase(TEST_DATABASE_URL!, dbName);
  }
  // node itself with tsx's loader, not the tsx CLI: the signal must reach freshgate, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts')], {
    cwd: root,
    env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info', JWT_SECRET: SECRET, DATABASE_URL: databaseUrl, SEED_DEMO_DATA: 'true', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const url = await new Promise<string>((resolve, reject) => {
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) resolve(match[1]);
    });
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => reject(new Error(`freshgate exited with ${code} before it was ready:\n${out}`)));
  });
  return {
    child,
    url,
    databaseUrl,
    exited,
    async query(sql, params = []) {
      if (usingPostgres) {
        const client = new Client({ connectionString: databaseUrl });
        await client.connect();
        try {
          return (await client.query(sql, params)).rows as Row[];
        } finally {
          await client.end();
        }
      }
      const pglite = new PGlite(path.join(dataDir, 'pglite'));
      try {
        return (await pglite.query<Row>(sql, params)).rows;
      } finally {
        await pglite.close();
      }
    },
    async cleanup() {
      if (child.exitCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
      if (dbName) await adminQuery(`DROP DATABASE IF EXISTS "${dbName}" WITH (FORCE)`);
    },
  };
}

async function runAsync(instance: Instance, token: string): Promise<string> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { id status } }',
      variables: { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' }, mode: 'ASYNC' } },
    }),
  });
  const body = (await response.json()) as { data: { executePattern: { id: string; status: string } } };
  expect(body.data.executePattern.status).toBe('RUNNING');
  return body.data.executePattern.id;
}

/** A subscribed graphql-ws socket and the promise of its close code. */
async function subscriber(instance: Instance): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(instance.url.replace('http', 'ws'), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { packHealthChanged { status } }' } }));
      if (message.type === 'next') resolve();
    });
  });
  return { closed };
}

describe('graceful shutdown on SIGTERM', () => {
  const instances: Instance[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.cleanup()));
  });

  it('lets an ASYNC run finish, closes WebSockets with 1001 and exits 0', async () => {
    const instance = await startInstance({ SHUTDOWN_GRACE: '20s' });
    instances.push(instance);
    const token = await issueToken(SECRET, 'demo-analyst');
    const { closed: wsClosed } = await subscriber(instance);
    const id = await runAsync(instance, token);
    instance.child.kill('SIGTERM');

    expect(await wsClosed).toBe(1001);
    expect(await instance.exited).toBe(0);
    const [run] = await instance.query('SELECT status FROM executions WHERE id = $1', [id]);
    expect(run.status).toBe('SUCCESS');
    const refunds = await instance.query(`SELECT count(*)::int AS n FROM credit_transactions WHERE execution_id = $1 AND kind = 'REFUND'`, [id]);
    expect(refunds[0].n).toBe(0);
  });
});

onPostgres('graceful shutdown past the grace period', () => {
  let instance: Instance;
  afterAll(async () => {
    await instance?.cleanup();
  });

  it('marks a run still going at the end of the grace FAILED, refunds and audits it, and exits 0', async () => {
    instance = await startInstance({ SHUTDOWN_GRACE: '1s', STEP_TIMEOUT: '60s' });
    const token = await issueToken(SECRET, 'demo-analyst');
    // Hold the run: its reads of FX rates wait behind this lock until the test lets go.
    const blocker = new Client({ connectionString: instance.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE pack_fx_rates IN ACCESS EXCLUSIVE MODE');
    const balance = async () => Number((await instance.query(`SELECT credit_balance FROM tenants WHERE id = 'demo'`))[0].credit_balance);
    const before = await balance();
    const id = await runAsync(instance, token);
    expect(await balance()).toBe(before - 1);

    instance.child.kill('SIGTERM');
    // The run is cut off once the grace is over; then the lock goes and the run's own finish
    // finds it no longer RUNNING, changing nothing.
    for (let i = 0; i < 100; i++) {
      const [run] = await instance.query('SELECT status FROM executions WHERE id = $1', [id]);
      if (run.status !== 'RUNNING') break;
      await new Promise((r) => setTimeout(r, 100));
    }
    await blocker.query('ROLLBACK');
    await blocker.end();
    expect(await instance.exited).toBe(0);

    const [run] = await instance.query('SELECT status, errors FROM executions WHERE id = $1', [id]);
    expect(run.status).toBe('FAILED');
    expect(run.errors).toEqual([expect.objectContaining({ code: 'SHUTDOWN', retryable: true })]);
    expect(await balance()).toBe(before);
    const credits = await instance.query('SELECT kind FROM credit_transactions WHERE execution_id = $1 ORDER BY id', [id]);
    expect(credits.map((c) => c.kind)).toEqual(['DEBIT', 'REFUND']);
    const audit = await instance.query(`SELECT action, result FROM audit_log WHERE resource = $1 ORDER BY id`, [`execution:${id}`]);
    expect(audit).toEqual([
      { action: 'execution.start', result: 'OK' },
      { action: 'execution.finish', result: 'FAILED' },
    ]);
  });
});
