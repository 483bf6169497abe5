import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { Client } from 'pg';
import WebSocket from 'ws';
import { adminQuery, TEST_DATABASE_URL, usingPostgres, withDatabase } from './test-database';

const root = path.join(__dirname, '..', '..');
export const SECRET = 'freshgate-shutdown-test-secret-32-bytes!';
export const onPostgres = usingPostgres ? describe : describe.skip;

type Row = Record<string, unknown>;

export interface Instance {
  child: ChildProcess;
  /** Everything the process wrote on stdout and stderr so far (until reading stopped). */
  output(): string;
  url: string;
  /** PostgreSQL only. */
  databaseUrl: string;
  /** The instance's DATA_DIR (its embedded database and, without JWT_SECRET, its signing secret). */
  dataDir: string;
  exited: Promise<number | null>;
  /** Runs SQL against the instance's database (after exit, for the embedded one). */
  query(sql: string, params?: unknown[]): Promise<Row[]>;
  cleanup(): Promise<void>;
}

/** The real entry point (src/main.ts) in its own process, on PostgreSQL or a new embedded data dir. */
export async function startInstance(env: Record<string, string>, options: { stopReadingStdout?: boolean } = {}): Promise<Instance> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freshgate-shutdown-'));
  let databaseUrl = env.DATABASE_URL ?? '';
  let dbName = '';
  // A DATABASE_URL given by the caller is another instance's database: used, never dropped here.
  if (usingPostgres && !databaseUrl) {
    dbName = `freshgate_shutdown_${process.pid}_${Date.now()}`;
    await adminQuery(`CREATE DATABASE "${dbName}"`);
    databaseUrl = withDatabase(TEST_DATABASE_URL!, dbName);
  }
  // node itself with tsx's loader, not the tsx CLI: the signal must reach freshgate, not a wrapper.
  const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'main.ts')], {
    cwd: root,
    env: {
      ...process.env,
      NODE_OPTIONS: '',
      DATA_DIR: dataDir,
      PORT: '0',
      HOST: '127.0.0.1',
      LOG_LEVEL: 'info',
      JWT_SECRET: SECRET,
      SEED_DEMO_DATA: 'true',
      ...env,
      DATABASE_URL: databaseUrl,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  // 'close' comes after the last output has been read ('exit' may come before it); a stdout that is
  // not read any more never closes, so then the exit itself is what is awaited.
  const exited = new Promise<number | null>((resolve) => child.once(options.stopReadingStdout ? 'exit' : 'close', (code) => resolve(code)));
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      out += chunk.toString();
      const match = /"url":"(http:\/\/[^"]+)"/.exec(out);
      if (match) {
        // A parent that died or stopped reading: stdout fills up and writes to it block.
        if (options.stopReadingStdout) {
          child.stdout!.off('data', onData);
          child.stdout!.pause();
        }
        resolve(match[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    void exited.then((code) => reject(new Error(`freshgate exited with ${code} before it was ready:\n${out}`)));
  });
  return {
    child,
    output: () => out,
    url,
    databaseUrl,
    dataDir,
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

/**
 * One SYNC run to its end: afterwards the instance has checked the latest pack against its rows
 * (once per pack per process), so a test that then stalls the pack's tables stalls the run's own
 * reads, not the check before it starts.
 */
export async function runToCheckPack(instance: Instance, token: string): Promise<void> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { status } }',
      variables: { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
    }),
  });
  const body = (await response.json()) as { data: { executePattern: { status: string } } };
  expect(body.data.executePattern.status).toBe('SUCCESS');
}

export async function runAsync(instance: Instance, token: string, extra: Record<string, unknown> = {}): Promise<string> {
  const response = await fetch(instance.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({
      query: 'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { id status } }',
      variables: { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' }, mode: 'ASYNC', ...extra } },
    }),
  });
  const body = (await response.json()) as { data: { executePattern: { id: string; status: string } } };
  expect(body.data.executePattern.status).toBe('RUNNING');
  return body.data.executePattern.id;
}

/** A subscribed graphql-ws socket and the promise of its close code. */
export async function subscriber(instance: Instance): Promise<{ closed: Promise<number> }> {
  const socket = new WebSocket(instance.url.replace('http', 'ws'), 'graphql-transport-ws');
  const closed = new Promise<number>((resolve) => socket.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve) => {
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init' })));
    socket.on('message', (data) => {
      const message = JSON.parse(String(data)) as { type: string };
      if (message.type === 'connection_ack')
        socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query: 'subscription { packHealthChanged { status } }' } }));
      if (message.type === 'next') resolve();
    });
  });
  return { closed };
}
