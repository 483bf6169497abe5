import { connect } from 'node:net';
import { Client } from 'pg';
import { issueToken } from '../../src/auth/token-issuer';
import { adminQuery } from '../support/test-database';
import { onPostgres, runAsync, runToCheckPack, SECRET, startInstance, type Instance } from '../support/process-instance';

/** Milliseconds from `since` until the process exits, and its exit code. */
async function exitOf(instance: Instance, since: number): Promise<{ code: number | null; afterMs: number }> {
  const code = await instance.exited;
  return { code, afterMs: Date.now() - since };
}

/** One HTTP request on its own connection: its status line and Connection header, or how the socket failed. */
function rawPost(port: number, body: string, connected: () => void): Promise<{ status?: number; connection?: string; failure?: string }> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    let wasConnected = false;
    socket.on('connect', () => {
      wasConnected = true;
      connected();
      socket.write(
        `POST /graphql HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
      );
    });
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', (error: NodeJS.ErrnoException) =>
      resolve({ failure: wasConnected ? (error.code ?? 'error') : `not connected: ${error.code}` }),
    );
    socket.on('close', () => {
      if (!data) return resolve({ failure: wasConnected ? 'closed without an answer' : 'not connected' });
      const status = Number(data.split(' ')[1]);
      const connection = /\r\nconnection: ([^\r]+)/i.exec(data)?.[1];
      resolve({ status, connection });
    });
    socket.setTimeout(20_000, () => socket.destroy(new Error('timeout')));
  });
}

describe('shutdown keeps its promises', () => {
  const instances: Instance[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.cleanup()));
  });

  it('answers requests that arrive as SIGTERM does: served, or 503 with Connection: close — never reset', async () => {
    const instance = await startInstance({ SHUTDOWN_GRACE: '5s' });
    instances.push(instance);
    const port = Number(new URL(instance.url).port);
    const body = JSON.stringify({ query: '{ packHealth { status } }' });
    let connectedCount = 0;
    let signalled = false;
    const answers = Array.from(
      { length: 200 },
      (_, i) =>
        new Promise<Awaited<ReturnType<typeof rawPost>>>((resolve) =>
          // Staggered over ~100 ms, with SIGTERM in the middle of them.
          setTimeout(
            () =>
              void rawPost(port, body, () => {
                connectedCount++;
                if (connectedCount === 100 && !signalled) {
                  signalled = true;
                  instance.child.kill('SIGTERM');
                }
              }).then(resolve),
            i / 2,
          ),
        ),
    );
    const results = await Promise.all(answers);
    const connected = results.filter((r) => !r.failure?.startsWith('not connected'));
    expect(connected.length).toBeGreaterThanOrEqual(100);
    for (const result of connected) {
      expect(result.failure).toBeUndefined();
      expect([200, 503]).toContain(result.status);
      if (result.status === 503) expect(result.connection).toBe('close');
    }
    expect((await exitOf(instance, Date.now())).code).toBe(0);
  });

  it('answers connections that queued while the process was held off the CPU past the drain pause: 503, never reset', async () => {
    const instance = await startInstance({ SHUTDOWN_GRACE: '5s' });
    instances.push(instance);
    const port = Number(new URL(instance.url).port);
    const body = JSON.stringify({ query: '{ packHealth { status } }' });
    instance.child.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 20));
    // Stopped for twice the listener's 500 ms drain pause while 50 clients connect (the kernel
    // completes their handshakes into the accept backlog): on waking, the pause has run out.
    instance.child.kill('SIGSTOP');
    const answers = Array.from({ length: 50 }, () => rawPost(port, body, () => {}));
    await new Promise((r) => setTimeout(r, 1_000));
    instance.child.kill('SIGCONT');
    const results = await Promise.all(answers);
    expect(results).toEqual(Array.from({ length: 50 }, () => ({ status: 503, connection: 'close' })));
    expect((await exitOf(instance, Date.now())).code).toBe(0);
  });

  it('exits on time when stdout is a pipe nobody reads (a parent that died)', async () => {
    const instance = await startInstance({ SHUTDOWN_GRACE: '1s', LOG_LEVEL: 'debug' }, { stopReadingStdout: true });
    instances.push(instance);
    // Every request logs a line; far more than a pipe holds, so log writes block.
    const body = JSON.stringify({ query: '{ packHealth { status packId asofDate isFresh prewarmDone reconciliationPassed updatedAt } }' });
    for (let round = 0; round < 40; round++) {
      await Promise.all(
        Array.from({ length: 50 }, () =>
          fetch(instance.url, { method: 'POST', headers: { 'content-type': 'application/json', 'x-request-id': 'x'.repeat(100) }, body })
            .then((r) => r.text())
            .catch(() => ''),
        ),
      );
    }
    const sent = Date.now();
    instance.child.kill('SIGTERM');
    const { code, afterMs } = await exitOf(instance, sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(1_000 + 3_000 + 2_000);
  });
});

onPostgres('shutdown under database faults', () => {
  const instances: Instance[] = [];
  afterAll(async () => {
    await Promise.all(instances.map((i) => i.cleanup()));
  });

  it('with a stalled query, ends on time: the run cut off is FAILED and refunded, and the process exits 0', async () => {
    const instance = await startInstance({ SHUTDOWN_GRACE: '2s', STEP_TIMEOUT: '60s' });
    instances.push(instance);
    const token = await issueToken(SECRET, 'demo-analyst');
    await runToCheckPack(instance, token);
    const blocker = new Client({ connectionString: instance.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE pack_fx_rates IN ACCESS EXCLUSIVE MODE');
    try {
      const id = await runAsync(instance, token, { idempotencyKey: 'stalled-1' });
      const sent = Date.now();
      instance.child.kill('SIGTERM');
      // The lock is held throughout: the stalled query never returns while the process lives.
      const { code, afterMs } = await exitOf(instance, sent);
      expect(code).toBe(0);
      expect(afterMs).toBeLessThan(2_000 + 3_000 + 1_500);
      const [run] = await instance.query('SELECT status, errors FROM executions WHERE id = $1', [id]);
      expect(run).toMatchObject({ status: 'FAILED', errors: [expect.objectContaining({ code: 'SHUTDOWN', retryable: true })] });
    } finally {
      await blocker.query('ROLLBACK');
      await blocker.end();
    }
  });

  it('during an outage, exits 0 on time, leaves the debited run RUNNING and says so; the sweep of the next instance ends it, and its key runs again', async () => {
    const first = await startInstance({ SHUTDOWN_GRACE: '2s', STEP_TIMEOUT: '60s' });
    instances.push(first);
    const name = new URL(first.databaseUrl).pathname.slice(1);
    const token = await issueToken(SECRET, 'demo-analyst');
    await runToCheckPack(first, token);
    const balance = async () => Number((await first.query(`SELECT credit_balance FROM tenants WHERE id = 'demo'`))[0].credit_balance);
    const before = await balance();
    const blocker = new Client({ connectionString: first.databaseUrl });
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE pack_fx_rates IN ACCESS EXCLUSIVE MODE');
    const id = await runAsync(first, token, { idempotencyKey: 'outage-1' });

    // The outage: no new connections, and every connection of freshgate's cut (the lock stays).
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> $2', [
      name,
      (blocker as unknown as { processID: number }).processID,
    ]);
    const sent = Date.now();
    first.child.kill('SIGTERM');
    const { code, afterMs } = await exitOf(first, sent);
    expect(code).toBe(0);
    expect(afterMs).toBeLessThan(2_000 + 3_000 + 1_500);
    expect(first.output()).toMatch(new RegExp(`"executionId":"${id}"[^\\n]*left RUNNING for the lost-run sweep`));

    await blocker.query('ROLLBACK');
    await blocker.end();
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    const [left] = await first.query('SELECT status FROM executions WHERE id = $1', [id]);
    expect(left.status).toBe('RUNNING');
    expect(await balance()).toBe(before - 1);

    // The next instance's sweep (the run is older than RUN_LOST_AFTER by now) ends it.
    await new Promise((r) => setTimeout(r, 1_100));
    const next = await startInstance({ DATABASE_URL: first.databaseUrl, RUN_LOST_AFTER: '1s', RUN_SWEEP_INTERVAL: '500ms' });
    instances.push(next);
    const [ended] = await next.query('SELECT status, errors FROM executions WHERE id = $1', [id]);
    expect(ended).toMatchObject({ status: 'FAILED', errors: [expect.objectContaining({ code: 'RUN_LOST', retryable: true })] });
    expect(await balance()).toBe(before);
    const retried = await runAsync(next, token, { idempotencyKey: 'outage-1' });
    expect(retried).not.toBe(id);

    // The invariants: nothing left RUNNING, each run started and finished once in the audit log,
    // and the balance is exactly what the credit entries say.
    for (let i = 0; i < 50; i++) {
      const [{ n }] = await next.query(`SELECT count(*)::int AS n FROM executions WHERE status = 'RUNNING'`);
      if (n === 0) break;
      await new Promise((r) => setTimeout(r, 100));
    }
    const runs = await next.query(`
      SELECT e.status,
        (SELECT count(*)::int FROM audit_log a WHERE a.resource = 'execution:' || e.id AND a.action = 'execution.start') AS starts,
        (SELECT count(*)::int FROM audit_log a WHERE a.resource = 'execution:' || e.id AND a.action = 'execution.finish') AS finishes
      FROM executions e`);
    for (const run of runs) expect(run).toMatchObject({ starts: 1, finishes: 1 });
    expect(runs.filter((r) => r.status === 'RUNNING')).toEqual([]);
    const [{ total }] = await next.query(
      `SELECT coalesce(sum(amount), 0)::float8 AS total FROM credit_transactions WHERE execution_id = ANY($1::uuid[])`,
      [[id, retried]],
    );
    expect(await balance()).toBeCloseTo(before + Number(total), 6);
  });
});
