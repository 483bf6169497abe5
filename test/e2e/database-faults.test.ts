import { Client } from 'pg';
import { CreatePricingPackDocument, PackHealthChangedDocument, type PackHealthFieldsFragment } from '../generated/operations';
import { samplePack } from '../support/packs';
import { SubscriptionProbe } from '../support/subscription-probe';
import { adminQuery, openTestDatabase, TEST_DATABASE_ROLE, usingPostgres, type TestDatabase } from '../support/test-database';
import type { Config } from '../../src/config';
import { startTestServer, type TestServer } from '../support/test-server';

const onPostgres = usingPostgres ? describe : describe.skip;

const RUN = 'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { id status } }';
const input = { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } };

interface OwnDatabase {
  database: TestDatabase;
  t: TestServer;
  /** The database's name, for what an administrator does to it. */
  name: string;
}

/**
 * A server on a database of its own for one describe block, so the faults it makes stay there:
 * `use` receives both before the tests, `undo` lifts the fault again before both are closed.
 */
function serverOnOwnDatabase(
  config: Partial<Config> | undefined,
  use: (own: OwnDatabase) => void,
  undo?: (own: OwnDatabase) => Promise<unknown>,
): void {
  let own: OwnDatabase;
  beforeAll(async () => {
    const database = await openTestDatabase();
    own = { database, name: new URL(database.url!).pathname.slice(1), t: await startTestServer({ database, config }) };
    use(own);
  });
  afterAll(async () => {
    await undo?.(own).catch(() => {});
    await own.t.close();
    await own.database.close();
  });
}

/**
 * PostgreSQL goes away under load (every backend of the test database terminated, new
 * connections refused), then comes back. freshgate must answer clearly while it is gone, lose
 * nothing, and recover without a restart.
 */
onPostgres('database outage during a stream of executions and a live subscription', () => {
  let database: TestDatabase;
  let t: TestServer;
  let name: string;

  // The outage counts against the agents' breakers (a database failure is a dependency's): a
  // short cool-down lets the test see recovery without waiting the default 30 s.
  serverOnOwnDatabase(
    { breaker: { failureThreshold: 5, halfOpenAfterMs: 1_000 } },
    (own) => ({ database, t, name } = own),
    (own) => adminQuery(`ALTER DATABASE "${own.name}" ALLOW_CONNECTIONS true`),
  );

  async function ready(): Promise<{ status: number; body: { database: boolean; packListener: boolean } }> {
    const response = await fetch(`http://127.0.0.1:${t.server.port}/health/ready`);
    return { status: response.status, body: (await response.json()) as { database: boolean; packListener: boolean } };
  }

  async function until<T>(probe: () => Promise<T>, ok: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (ok(value) || Date.now() > deadline) return value;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('fails in-flight calls with a retryable error, reports the outage, then recovers with every run complete and accounted for', async () => {
    const probe = new SubscriptionProbe<PackHealthFieldsFragment>(t.wsClient({ as: 'demo-viewer' }), PackHealthChangedDocument);
    await probe.next();
    const token = await t.token('demo-analyst');
    const balanceBefore = Number(
      (await database.db.sql.query<{ credit_balance: string }>(`SELECT credit_balance FROM tenants WHERE id = 'demo'`))[0].credit_balance,
    );

    // A stream of executions, 4 at a time, running through the outage.
    const answers: { ok: boolean; code?: string; retryable?: boolean }[] = [];
    let streaming = true;
    const stream = Promise.all(
      Array.from({ length: 4 }, async () => {
        while (streaming) {
          const r = await t.request(RUN, { input }, { token });
          if (r.errors)
            answers.push({
              ok: false,
              code: r.errors[0].extensions?.code as string,
              retryable: r.errors[0].extensions?.retryable as boolean,
            });
          else answers.push({ ok: true });
        }
      }),
    );
    await until(
      async () => answers.length,
      (n) => n >= 8,
    );

    // The outage: no new connections, every existing one cut.
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    const during = await until(ready, (r) => r.status === 503, 10_000);
    expect(during).toEqual({ status: 503, body: expect.objectContaining({ database: false }) });
    const refused = await t.request(RUN, { input }, { token });
    expect(refused.status).toBe(503);
    expect(refused.errors![0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });

    // Back again: no restart of freshgate.
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    const after = await until(ready, (r) => r.status === 200);
    expect(after.body).toMatchObject({ database: true, packListener: true });
    const okAgain = await until(
      () => t.request(RUN, { input }, { token }),
      (r) => !r.errors && (r.data as { executePattern?: { status?: string } }).executePattern?.status === 'SUCCESS',
    );
    expect(okAgain.data).toMatchObject({ executePattern: { status: 'SUCCESS' } });
    streaming = false;
    await stream;
    await t.app.services.executePattern.drain();

    // Calls of the stream that failed said so, retryably. (Most of the stream's calls are simply
    // held: a run in flight waits for the database to finish, then answers.)
    for (const answer of answers.filter((a) => !a.ok)) expect(answer).toEqual({ ok: false, code: 'SERVICE_UNAVAILABLE', retryable: true });

    // Complete or absent: no run left RUNNING; each debit has its finish, FAILED ones their refund.
    const runs = await database.db.sql.query<{
      id: string;
      status: string;
      debits: string;
      refunds: string;
      starts: string;
      finishes: string;
    }>(`
      SELECT e.id, e.status,
        (SELECT count(*) FROM credit_transactions c WHERE c.execution_id = e.id AND c.kind = 'DEBIT') AS debits,
        (SELECT count(*) FROM credit_transactions c WHERE c.execution_id = e.id AND c.kind = 'REFUND') AS refunds,
        (SELECT count(*) FROM audit_log a WHERE a.resource = 'execution:' || e.id AND a.action = 'execution.start') AS starts,
        (SELECT count(*) FROM audit_log a WHERE a.resource = 'execution:' || e.id AND a.action = 'execution.finish') AS finishes
      FROM executions e WHERE e.tenant_id = 'demo'`);
    expect(runs.length).toBeGreaterThan(8);
    for (const run of runs) {
      expect(run.status).not.toBe('RUNNING');
      expect([Number(run.debits), Number(run.starts), Number(run.finishes)]).toEqual([1, 1, 1]);
      expect(Number(run.refunds)).toBe(run.status === 'FAILED' ? 1 : 0);
    }
    const charged = runs.filter((r) => r.status !== 'FAILED').length;
    const balanceAfter = Number(
      (await database.db.sql.query<{ credit_balance: string }>(`SELECT credit_balance FROM tenants WHERE id = 'demo'`))[0].credit_balance,
    );
    expect(balanceAfter).toBeCloseTo(balanceBefore - charged, 6);

    // The listener is back: the subscription hears the next change.
    const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-24') }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    expect(await probe.next((h) => h.packId === 'PP_2026-11-24')).toMatchObject({ status: 'WARMING' });
    probe.close();
  });
});

/** An outage is not a sign-out: the WebSocket re-check that cannot reach the database keeps the connection. */
onPostgres('database outage while signed-in WebSockets are re-checked', () => {
  let t: TestServer;
  let name: string;

  serverOnOwnDatabase(
    { wsReauthIntervalMs: 200 },
    (own) => ({ t, name } = own),
    (own) => adminQuery(`ALTER DATABASE "${own.name}" ALLOW_CONNECTIONS true`),
  );

  it('keeps signed-in subscriptions through an outage longer than the user cache, and they hear the next change', async () => {
    const closes: number[] = [];
    const client = t.wsClient({ as: 'demo-analyst' });
    client.on('closed', (event) => closes.push((event as { code: number }).code));
    const probe = new SubscriptionProbe<PackHealthFieldsFragment>(client, PackHealthChangedDocument);
    await probe.next();

    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    // Longer than the 5 s the authenticator remembers a user: re-checks now reach for the database.
    await new Promise((r) => setTimeout(r, 7_000));
    expect(closes).toEqual([]);
    await adminQuery(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);

    const deadline = Date.now() + 20_000;
    let created;
    do {
      created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-25') }, { as: 'pack-builder' });
      if (created.errors) await new Promise((r) => setTimeout(r, 300));
    } while (created.errors && Date.now() < deadline);
    expect(created.errors).toBeUndefined();
    expect(await probe.next((h) => h.packId === 'PP_2026-11-25')).toMatchObject({ status: 'WARMING' });
    expect(closes).toEqual([]);
    probe.close();
  });
});

/** Readiness tells the truth under load: a busy pool is not a database that is down. */
onPostgres('readiness while every pooled connection is busy', () => {
  let database: TestDatabase;
  let t: TestServer;

  serverOnOwnDatabase(undefined, (own) => ({ database, t } = own));

  it('answers ready at once, and reports the saturated pool in /health/detailed and /metrics', async () => {
    const base = `http://127.0.0.1:${t.server.port}`;
    // More slow statements than the pool (8 in tests) has connections: the rest queue.
    const busy = Array.from({ length: 12 }, () => database.db.sql.query('SELECT pg_sleep(3)'));
    await new Promise((r) => setTimeout(r, 300));

    const started = Date.now();
    const ready = await fetch(`${base}/health/ready`);
    expect(ready.status).toBe(200);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(await ready.json()).toEqual({ status: 'ready', database: true, packListener: true });

    const detailed = (await (await fetch(`${base}/health/detailed`)).json()) as {
      database: { reachable: boolean; pool: { waiting: number; max: number; saturated: boolean } };
    };
    expect(detailed.database.reachable).toBe(true);
    expect(detailed.database.pool).toMatchObject({ max: 8, saturated: true });
    expect(detailed.database.pool.waiting).toBeGreaterThan(0);
    const metrics = await (await fetch(`${base}/metrics`)).text();
    expect(Number(/freshgate_db_pool_connections\{state="waiting"\} (\d+)/.exec(metrics)?.[1])).toBeGreaterThan(0);
    expect(metrics).toMatch(/freshgate_db_pool_connections\{state="max"\} 8/);
    await Promise.all(busy);
  });
});

/**
 * No connection slot to spare: the server's `max_connections` or, here, the database's own
 * connection limit refuses new connections (SQLSTATE 53300) while PostgreSQL itself is up. A
 * request that needs a new connection is told to retry (503), never given an internal error, and
 * service resumes by itself once slots free up. Superusers are exempt from the database's limit,
 * so this runs where the application has its own role (as in CI).
 */
(usingPostgres && TEST_DATABASE_ROLE ? describe : describe.skip)('database with no connection slot left', () => {
  let database: TestDatabase;
  let t: TestServer;
  let name: string;

  serverOnOwnDatabase(
    undefined,
    (own) => ({ database, t, name } = own),
    (own) => adminQuery(`ALTER DATABASE "${own.name}" CONNECTION LIMIT -1`),
  );

  const OPERATIONS: [string, string, Record<string, unknown> | undefined][] = [
    [
      'pack-builder',
      'mutation($m: String!) { markPackError(id: "PP_2026-11-20", message: $m) { id status } }',
      { m: 'reconciliation failed' },
    ],
    ['demo-viewer', '{ pricingPacks(first: 2) { edges { node { id status } } } }', undefined],
    ['demo-analyst', RUN, { input }],
    ['demo-viewer', '{ portfolio(id: "pf-demo-growth") { name } }', undefined],
  ];

  it('answers 503 SERVICE_UNAVAILABLE (retryable) while no connection can be opened, writes nothing, and serves again after', async () => {
    const tokens = new Map(await Promise.all(OPERATIONS.map(async ([user]) => [user, await t.token(user)] as const)));
    await adminQuery(`ALTER DATABASE "${name}" CONNECTION LIMIT 0`);
    // Every pooled connection goes (the user cache is cold after 5 s): each request needs a new one.
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    await new Promise((r) => setTimeout(r, 5_500));

    const answers = await Promise.all(
      Array.from({ length: 3 }, () => OPERATIONS).flatMap((operations) =>
        operations.map(async ([user, query, variables]) => {
          const response = await fetch(t.server.url, {
            method: 'POST',
            headers: { 'content-type': 'application/json', authorization: `Bearer ${tokens.get(user)}` },
            body: JSON.stringify({ query, variables }),
          });
          return { status: response.status, body: (await response.json()) as { errors?: { extensions?: Record<string, unknown> }[] } };
        }),
      ),
    );
    for (const answer of answers) {
      expect(answer.status).toBe(503);
      for (const error of answer.body.errors ?? [])
        expect(error.extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(answer.body.errors?.length).toBeGreaterThan(0);
    }

    await adminQuery(`ALTER DATABASE "${name}" CONNECTION LIMIT -1`);
    const deadline = Date.now() + 20_000;
    let health;
    do {
      health = await t.request('{ pricingPack(id: "PP_2026-11-20") { status errorMessage } }', undefined, { as: 'demo-viewer' });
      if (health.errors) await new Promise((r) => setTimeout(r, 200));
    } while (health.errors && Date.now() < deadline);
    // The refused mark never happened; nothing of it was audited.
    expect(health.data).toEqual({ pricingPack: { status: 'FRESH', errorMessage: null } });
    const audited = await database.owner.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'pack.markError'`);
    expect(Number(audited[0].n)).toBe(0);
    expect((await t.request(RUN, { input }, { as: 'demo-analyst' })).data).toMatchObject({ executePattern: { status: 'SUCCESS' } });
  });
});

/**
 * PostgreSQL breaks a deadlock by rolling one transaction back (SQLSTATE 40P01). When that is a
 * request's and no use-case retried it, the client hears CONFLICT (retryable) with nothing
 * written — not an internal error. The deadlock is made on purpose: another session holds the
 * gate's head row while the request's pack update waits for it, then asks for the pack row the
 * request holds; the request waited first, so its deadlock check finds the cycle.
 */
onPostgres('a deadlock the database breaks by rolling a request back', () => {
  let database: TestDatabase;
  let t: TestServer;
  let name: string;

  serverOnOwnDatabase(undefined, (own) => ({ database, t, name } = own));

  const MARK = 'mutation($m: String!) { markPackError(id: "PP_2026-11-19", message: $m) { id status } }';

  it('answers CONFLICT (retryable), writes nothing, and the same call succeeds after', async () => {
    const other = await database.ownerPool!.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM pricing_pack_head FOR UPDATE');
      const request = t.request(MARK, { m: 'reconciliation failed' }, { as: 'pack-builder' });
      const deadline = Date.now() + 10_000;
      while (Date.now() < deadline) {
        const waiting = await adminQuery(
          `SELECT count(*)::int AS n FROM pg_stat_activity WHERE datname = $1 AND wait_event_type = 'Lock'`,
          [name],
        );
        if (waiting[0].n === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      // Waits for the pack row until PostgreSQL rolls the request back.
      await other.query(`SELECT 1 FROM pricing_packs WHERE id = 'PP_2026-11-19' FOR UPDATE`);
      const answer = await request;
      expect(answer.status).toBe(200);
      expect(answer.data).toEqual({ markPackError: null });
      expect(answer.errors).toHaveLength(1);
      expect(answer.errors![0].extensions).toMatchObject({ code: 'CONFLICT', retryable: true });
      expect(JSON.stringify(answer.errors)).not.toMatch(/deadlock|Prisma|SELECT/i);
    } finally {
      await other.query('ROLLBACK');
      other.release();
    }

    const audited = await database.owner.query<{ n: string }>(`SELECT count(*) AS n FROM audit_log WHERE action = 'pack.markError'`);
    expect(Number(audited[0].n)).toBe(0);
    expect((await t.request('{ pricingPack(id: "PP_2026-11-19") { status } }', undefined, { as: 'demo-viewer' })).data).toEqual({
      pricingPack: { status: 'FRESH' },
    });
    expect((await t.request(MARK, { m: 'reconciliation failed' }, { as: 'pack-builder' })).data).toEqual({
      markPackError: { id: 'PP_2026-11-19', status: 'ERROR' },
    });
  });
});

/**
 * Time limits an operator sets on the database (lock_timeout, statement_timeout) end a statement
 * that waits too long: the client is told to retry (503), nothing is written, and the same call
 * succeeds once the limit is lifted and the row is free. Here the request waits for a pack row another session holds.
 */
onPostgres('time limits an operator set on the database', () => {
  let database: TestDatabase;
  let t: TestServer;
  let name: string;

  serverOnOwnDatabase(
    undefined,
    (own) => ({ database, t, name } = own),
    (own) => adminQuery(`ALTER DATABASE "${own.name}" RESET ALL`),
  );

  const MARK = 'mutation($id: ID!, $m: String!) { markPackError(id: $id, message: $m) { id status } }';

  /** New sessions take the database's settings: the server's pooled ones are cut, and the pool reconnects. */
  async function applyToNewSessions(): Promise<void> {
    await adminQuery('SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1', [name]);
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline) {
      const answer = await t.request('{ pricingPacks(first: 1) { edges { node { id } } } }', undefined, { as: 'demo-viewer' });
      if (!answer.errors) return;
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it.each([
    ['lock_timeout', 'PP_2026-11-18'],
    ['statement_timeout', 'PP_2026-11-17'],
  ])('answers 503 SERVICE_UNAVAILABLE (retryable) when %s ends the wait, writes nothing, and succeeds after', async (setting, packId) => {
    await adminQuery(`ALTER DATABASE "${name}" SET ${setting} = '300ms'`);
    await applyToNewSessions();
    const other = new Client({ connectionString: database.ownerUrl });
    await other.connect();
    try {
      await other.query('BEGIN');
      await other.query('SELECT 1 FROM pricing_packs WHERE id = $1 FOR UPDATE', [packId]);
      const answer = await t.request(MARK, { id: packId, m: 'reconciliation failed' }, { as: 'pack-builder' });
      expect(answer.status).toBe(503);
      expect(answer.data).toEqual({ markPackError: null });
      expect(answer.errors![0].extensions).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true });
    } finally {
      await other.query('ROLLBACK');
      await other.end();
    }
    await adminQuery(`ALTER DATABASE "${name}" RESET ${setting}`);
    await applyToNewSessions();

    const audited = await database.owner.query<{ n: string }>(
      `SELECT count(*) AS n FROM audit_log WHERE action = 'pack.markError' AND resource = 'pack:' || $1`,
      [packId],
    );
    expect(Number(audited[0].n)).toBe(0);
    expect((await t.request('query($id: ID!) { pricingPack(id: $id) { status } }', { id: packId }, { as: 'demo-viewer' })).data).toEqual({
      pricingPack: { status: 'FRESH' },
    });
    expect((await t.request(MARK, { id: packId, m: 'reconciliation failed' }, { as: 'pack-builder' })).data).toEqual({
      markPackError: { id: packId, status: 'ERROR' },
    });
  });
});
