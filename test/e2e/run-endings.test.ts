import { Client } from 'pg';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const onPostgres = usingPostgres ? describe : describe.skip;

const FIELDS = 'id status retryOf errors { code message retryable } creditsConsumed';
const RUN = `mutation($input: ExecutePatternInput!) { executePattern(input: $input) { ${FIELDS} } }`;
type Run = { id: string; status: string; retryOf: string | null; errors: { code: string; message: string; retryable: boolean }[] };

async function balance(t: TestServer, tenant: string): Promise<number> {
  return Number((await t.app.db.sql.query<{ b: string }>('SELECT credit_balance::text AS b FROM tenants WHERE id = $1', [tenant]))[0].b);
}

function run(t: TestServer, as: string, portfolioId: string, extra: Record<string, unknown> = {}) {
  return t.request<{ executePattern: Run | null }, never>(
    RUN,
    { input: { patternId: 'portfolio_overview', inputs: { portfolioId }, ...extra } } as never,
    { as },
  );
}

/**
 * How a run ends when the server, not the request, is at fault — and what the same idempotency
 * key does afterwards (Stripe's rule: it replays a request that was processed, and only that).
 */
describe('runs the server could not finish', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await t.app.db.sql.query(`UPDATE tenants SET credit_balance = 100 WHERE id IN ('demo', 'other')`);
  });
  afterAll(async () => {
    await t.close();
  });

  it('a finish the database refuses for good fails the run at once (RESULT_NOT_STORED, refunded, audited), and the same key retries it', async () => {
    // The database refuses every finished result of tenant "other" as a full disk does (SQLSTATE
    // 53100: the database is up, and retrying at once would meet it again), but not a FAILED
    // finish without a result.
    await t.database.owner.exec(`
      CREATE FUNCTION test_refuse_results() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status <> 'RUNNING' AND NEW.result IS NOT NULL AND NEW.tenant_id = 'other' THEN
          RAISE EXCEPTION 'simulated: the result cannot be stored' USING ERRCODE = '53100';
        END IF;
        RETURN NEW;
      END $$;
      CREATE TRIGGER test_refuse_results BEFORE UPDATE ON executions FOR EACH ROW EXECUTE FUNCTION test_refuse_results();`);
    const before = await balance(t, 'other');
    const started = Date.now();
    const refused = await run(t, 'other-analyst', 'pf-other-income', { idempotencyKey: 'unstorable-1' });
    expect(Date.now() - started).toBeLessThan(10_000); // not the 30 s of an outage's retries
    expect(refused.errors).toBeUndefined();
    const first = refused.data!.executePattern!;
    expect(first.status).toBe('FAILED');
    expect(first.errors).toEqual([
      expect.objectContaining({ code: 'RESULT_NOT_STORED', retryable: true, message: expect.stringContaining('53100') }),
    ]);
    expect(await balance(t, 'other')).toBe(before);
    const credits = await t.app.db.sql.query<{ kind: string }>('SELECT kind FROM credit_transactions WHERE execution_id = $1 ORDER BY id', [
      first.id,
    ]);
    expect(credits.map((c) => c.kind)).toEqual(['DEBIT', 'REFUND']);
    const [audit] = await t.app.db.sql.query<{ changes: { sqlState: string; outcome: string } }>(
      `SELECT changes FROM audit_log WHERE resource = $1 AND action = 'execution.finish'`,
      [`execution:${first.id}`],
    );
    expect(audit.changes).toMatchObject({ sqlState: '53100', outcome: 'SUCCESS' });

    await t.database.owner.exec('DROP TRIGGER test_refuse_results ON executions; DROP FUNCTION test_refuse_results()');
    const retried = await run(t, 'other-analyst', 'pf-other-income', { idempotencyKey: 'unstorable-1' });
    const second = retried.data!.executePattern!;
    expect(second).toMatchObject({ status: 'SUCCESS', retryOf: first.id });
    expect(second.id).not.toBe(first.id);
    // Now processed: the key replays it.
    const replayed = await run(t, 'other-analyst', 'pf-other-income', { idempotencyKey: 'unstorable-1' });
    expect(replayed.data!.executePattern!.id).toBe(second.id);
    expect(await balance(t, 'other')).toBe(before - 1);
  });

  it("a run that failed on the request's own terms is replayed by its key, not retried", async () => {
    const input = {
      patternId: 'portfolio_risk',
      inputs: { portfolioId: 'pf-demo-growth', start: '2026-11-14', end: '2026-11-15' },
      idempotencyKey: 'own-terms-1',
    };
    const first = await t.request<{ executePattern: Run }, never>(RUN, { input } as never, { as: 'demo-analyst' });
    expect(first.data!.executePattern.status).toBe('FAILED');
    const again = await t.request<{ executePattern: Run }, never>(RUN, { input } as never, { as: 'demo-analyst' });
    expect(again.data!.executePattern).toEqual(first.data!.executePattern);
  });
});

onPostgres('the lost-run sweep, configurable', () => {
  let database: TestDatabase;
  let t: TestServer;

  beforeAll(async () => {
    database = await openTestDatabase();
    t = await startTestServer({
      database,
      config: { lostRuns: { afterMs: 1_000, sweepIntervalMs: 300 }, orchestrator: { maxConcurrency: 4, stepTimeoutMs: 60_000 } },
    });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  it('fails and refunds a run RUNNING longer than RUN_LOST_AFTER, and the same key then starts a new attempt', async () => {
    // A first run: the server has then checked the pack against its rows (once per pack), so
    // the lock below stalls the run's own reads, not that check before it starts.
    expect((await run(t, 'demo-analyst', 'pf-demo-growth', {})).data?.executePattern?.status).toBe('SUCCESS');
    const before = await balance(t, 'demo');
    // Hold the run: its reads of FX rates wait behind this lock.
    const blocker = new Client({ connectionString: database.ownerUrl }); // LOCK needs more than the application's rights
    await blocker.connect();
    await blocker.query('BEGIN');
    await blocker.query('LOCK TABLE pack_fx_rates IN ACCESS EXCLUSIVE MODE');
    const started = await run(t, 'demo-analyst', 'pf-demo-growth', { mode: 'ASYNC', idempotencyKey: 'lost-1' });
    const lost = started.data!.executePattern!;
    expect(lost.status).toBe('RUNNING');

    let row: { status: string; errors: { code: string }[] } | undefined;
    for (let i = 0; i < 50 && row?.status !== 'FAILED'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      [row] = await t.app.db.sql.query<{ status: string; errors: { code: string }[] }>(
        'SELECT status, errors FROM executions WHERE id = $1',
        [lost.id],
      );
    }
    expect(row).toMatchObject({ status: 'FAILED', errors: [expect.objectContaining({ code: 'RUN_LOST' })] });
    expect(await balance(t, 'demo')).toBe(before);

    await blocker.query('ROLLBACK');
    await blocker.end();
    await t.app.services.executePattern.drain();
    // Its own late finish changed nothing.
    const [still] = await t.app.db.sql.query<{ status: string }>('SELECT status FROM executions WHERE id = $1', [lost.id]);
    expect(still.status).toBe('FAILED');

    const retried = await run(t, 'demo-analyst', 'pf-demo-growth', { mode: 'ASYNC', idempotencyKey: 'lost-1' });
    expect(retried.data!.executePattern).toMatchObject({ retryOf: lost.id });
    expect(retried.data!.executePattern!.id).not.toBe(lost.id);
  });
});
