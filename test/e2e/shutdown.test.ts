import { Client } from 'pg';
import { issueToken } from '../../src/auth/token-issuer';
import { onPostgres, runAsync, runToCheckPack, SECRET, startInstance, subscriber, type Instance } from '../support/process-instance';

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
    const refunds = await instance.query(`SELECT count(*)::int AS n FROM credit_transactions WHERE execution_id = $1 AND kind = 'REFUND'`, [
      id,
    ]);
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
    await runToCheckPack(instance, token);
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
