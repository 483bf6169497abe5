// The rules of prisma/migrations/20261121000100_rules_and_triggers, exercised with raw SQL the way
// any writer (a nightly job, psql) would: the database itself must keep them.
import type { NotificationListener } from '../../src/db/database';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let test: TestDatabase;

beforeAll(async () => {
  test = await openTestDatabase();
});
afterAll(async () => {
  await test?.close();
});

const query = <Row = Record<string, unknown>>(sql: string, params: unknown[] = []) => test.db.sql.query<Row>(sql, params);

/** The SQLSTATE and message a statement fails with (fails the test if it succeeds). */
async function failure(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    const { code, message } = error as { code?: string; message: string };
    return { code: String(code), message };
  }
  throw new Error('expected the statement to fail');
}

/** Runs statements in one transaction on one connection; rolls back and rethrows on any failure. */
function inTransaction(statements: string[]): Promise<void> {
  return test.db.withConnection(async (sql) => {
    await sql.exec('BEGIN');
    try {
      for (const statement of statements) await sql.exec(statement);
      await sql.exec('COMMIT');
    } catch (error) {
      await sql.exec('ROLLBACK').catch(() => {});
      throw error;
    }
  });
}

// Each test works on its own dates, so tests never trip over each other's packs.
let day = 0;
function nextDate(): string {
  const date = new Date(Date.UTC(2030, 0, 1 + day++));
  return date.toISOString().slice(0, 10);
}

interface PackColumns {
  id: string;
  date: string;
  policy?: string;
  hash?: string;
  status?: string;
  is_fresh?: boolean;
  reconciliation_failed?: boolean;
  superseded_by?: string | null;
  updated_at?: string;
}

async function insertPack(pack: PackColumns): Promise<void> {
  const row: Record<string, unknown> = { policy: 'WM4PM_CAD', hash: `sha256:${pack.id}`, ...pack };
  const columns = Object.keys(row);
  await query(
    `INSERT INTO pricing_packs (${columns.map((c) => `"${c}"`).join(', ')}) VALUES (${columns.map((_, i) => `$${i + 1}`).join(', ')})`,
    columns.map((c) => row[c]),
  );
}

interface PackRow {
  id: string;
  date: string;
  status: string;
  is_fresh: boolean;
  superseded_by: string | null;
  hash: string;
  updated_at: Date;
}

async function pack(id: string): Promise<PackRow> {
  const [row] = await query<PackRow>(
    `SELECT id, date::text AS date, status, is_fresh, superseded_by, hash, updated_at FROM pricing_packs WHERE id = $1`,
    [id],
  );
  expect(row).toBeDefined();
  return row;
}

const statusOf = async (id: string) => (await pack(id)).status;

describe('pricing_packs.status is derived from the flags by the database', () => {
  it.each<[string, string, Partial<PackColumns>]>([
    ['a new pack', 'WARMING', {}],
    ['a pack claiming FRESH without is_fresh', 'WARMING', { status: 'FRESH' }],
    ['a fresh pack claiming WARMING', 'FRESH', { is_fresh: true, status: 'WARMING' }],
    ['a failed pack that is also fresh', 'ERROR', { reconciliation_failed: true, is_fresh: true, status: 'FRESH' }],
  ])('on insert: %s is %s', async (_what, expected, flags) => {
    const id = `PP_insert_${day}`;
    await insertPack({ id, date: nextDate(), ...flags });
    expect(await statusOf(id)).toBe(expected);
  });

  it('on insert: a superseded pack is STALE', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_ins_new', date });
    await insertPack({ id: 'PP_ins_old', date, superseded_by: 'PP_ins_new', is_fresh: true, status: 'FRESH' });
    expect(await statusOf('PP_ins_old')).toBe('STALE');
  });

  it('on update: WARMING → FRESH → ERROR as the flags change, whatever status the writer sets', async () => {
    const id = 'PP_update_flags';
    await insertPack({ id, date: nextDate() });

    await query(`UPDATE pricing_packs SET is_fresh = true, status = 'WARMING' WHERE id = $1`, [id]);
    expect(await statusOf(id)).toBe('FRESH');

    await query(`UPDATE pricing_packs SET status = 'WARMING' WHERE id = $1`, [id]);
    expect(await statusOf(id)).toBe('FRESH');

    await query(`UPDATE pricing_packs SET reconciliation_failed = true, status = 'FRESH' WHERE id = $1`, [id]);
    expect(await statusOf(id)).toBe('ERROR');

    await query(`UPDATE pricing_packs SET reconciliation_failed = false WHERE id = $1`, [id]);
    expect(await statusOf(id)).toBe('FRESH');
  });

  it('on update: pointing a pack at its replacement makes it STALE', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_upd_replacement', date: nextDate() });
    await insertPack({ id: 'PP_upd_old', date, is_fresh: true });
    await query(`UPDATE pricing_packs SET superseded_by = 'PP_upd_replacement', status = 'FRESH' WHERE id = 'PP_upd_old'`);
    expect(await statusOf('PP_upd_old')).toBe('STALE');
  });

  it('has a check constraint on status for writers that get around the trigger', async () => {
    const date = nextDate();
    const error = await failure(
      inTransaction([
        `ALTER TABLE pricing_packs DISABLE TRIGGER pricing_packs_before_write`,
        `INSERT INTO pricing_packs (id, date, policy, hash, status) VALUES ('PP_bogus', '${date}', 'WM4PM_CAD', 'h', 'BOGUS')`,
      ]),
    );
    expect(error.code).toBe('23514'); // check_violation
    expect(error.message).toMatch(/pricing_packs_status_check/);
    // The rollback restored the trigger, and nothing was written.
    expect(await query(`SELECT 1 FROM pricing_packs WHERE id = 'PP_bogus'`)).toEqual([]);
    await insertPack({ id: 'PP_after_check', date, status: 'BOGUS' });
    expect(await statusOf('PP_after_check')).toBe('WARMING');
  });
});

describe('one current pack per (date, policy)', () => {
  it('refuses a second non-superseded pack for the same date and policy', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_first', date });
    const error = await failure(insertPack({ id: 'PP_second', date }));
    expect(error.code).toBe('23505'); // unique_violation
    expect(await query(`SELECT 1 FROM pricing_packs WHERE id = 'PP_second'`)).toEqual([]);
  });

  it('lets superseded packs share the date with the current one', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_share_current', date });
    await insertPack({ id: 'PP_share_old1', date, superseded_by: 'PP_share_current' });
    await insertPack({ id: 'PP_share_old2', date, superseded_by: 'PP_share_current' });
    const rows = await query<{ n: number }>(`SELECT count(*)::int AS n FROM pricing_packs WHERE date = $1`, [date]);
    expect(rows[0].n).toBe(3);
  });

  it('lets another policy have its own current pack on the same date', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_policy_cad', date, policy: 'WM4PM_CAD' });
    await insertPack({ id: 'PP_policy_usd', date, policy: 'WM4PM_USD' });
    expect(await statusOf('PP_policy_usd')).toBe('WARMING');
  });
});

describe('superseded_by', () => {
  it('is checked at commit, so a pack can point at its replacement before the replacement is inserted', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_swap_old', date });
    await inTransaction([
      `UPDATE pricing_packs SET superseded_by = 'PP_swap_new' WHERE id = 'PP_swap_old'`,
      `INSERT INTO pricing_packs (id, date, policy, hash) VALUES ('PP_swap_new', '${date}', 'WM4PM_CAD', 'sha256:new')`,
    ]);
    expect((await pack('PP_swap_old')).status).toBe('STALE');
    expect((await pack('PP_swap_new')).status).toBe('WARMING');
  });

  it('refuses a reference to a pack that does not exist, leaving the pack as it was', async () => {
    await insertPack({ id: 'PP_dangling', date: nextDate() });
    const error = await failure(inTransaction([`UPDATE pricing_packs SET superseded_by = 'PP_nowhere' WHERE id = 'PP_dangling'`]));
    expect(error.code).toBe('23503'); // foreign_key_violation
    const row = await pack('PP_dangling');
    expect(row.superseded_by).toBeNull();
    expect(row.status).toBe('WARMING');
  });
});

describe("what a pack NOTIFY carries stays within PostgreSQL's 8,000 bytes", () => {
  it('refuses a 4,000-character policy or a 200-character id from any writer (check constraints), not a NOTIFY overflow', async () => {
    const longPolicy = await failure(
      query(`INSERT INTO pricing_packs (id, date, policy, hash) VALUES ('PP_long', '2026-01-05', $1, 'sha256:x')`, [
        `${'P'.repeat(3996)}_CAD`,
      ]),
    );
    expect(longPolicy).toMatchObject({ code: '23514', message: expect.stringContaining('pricing_packs_policy_length') });
    const longId = await failure(
      query(`INSERT INTO pricing_packs (id, date, policy, hash) VALUES ($1, '2026-01-05', 'WM4PM_CAD', 'sha256:x')`, ['P'.repeat(200)]),
    );
    expect(longId).toMatchObject({ code: '23514', message: expect.stringContaining('pricing_packs_id_length') });
  });

  it('announces a pack with the longest id, policy and error message allowed', async () => {
    const id = `PP_${'X'.repeat(125)}`;
    await query(
      `INSERT INTO pricing_packs (id, date, policy, hash, error_message, reconciliation_failed) VALUES ($1, '2026-01-06', $2, 'sha256:x', $3, true)`,
      [id, `${'P'.repeat(60)}_CAD`, 'e'.repeat(2_000)],
    );
    const [row] = await query<{ status: string }>('SELECT status FROM pricing_packs WHERE id = $1', [id]);
    expect(row.status).toBe('ERROR');
  });
});

describe('a fresh pack is immutable', () => {
  it('refuses a change of hash once fresh', async () => {
    await insertPack({ id: 'PP_immutable', date: nextDate(), hash: 'sha256:original', is_fresh: true });
    const error = await failure(query(`UPDATE pricing_packs SET hash = 'sha256:tampered' WHERE id = 'PP_immutable'`));
    expect(error.code).toBe('23514');
    expect(error.message).toMatch(/PP_immutable is fresh and immutable/);
    expect((await pack('PP_immutable')).hash).toBe('sha256:original');
  });

  it('refuses it even when the same update tries to clear is_fresh', async () => {
    await insertPack({ id: 'PP_immutable2', date: nextDate(), hash: 'sha256:original', is_fresh: true });
    await failure(query(`UPDATE pricing_packs SET hash = 'sha256:tampered', is_fresh = false WHERE id = 'PP_immutable2'`));
    const row = await pack('PP_immutable2');
    expect(row).toMatchObject({ hash: 'sha256:original', is_fresh: true, status: 'FRESH' });
  });

  it('lets a warming pack still change its hash', async () => {
    await insertPack({ id: 'PP_mutable', date: nextDate(), hash: 'sha256:draft' });
    await query(`UPDATE pricing_packs SET hash = 'sha256:final' WHERE id = 'PP_mutable'`);
    expect((await pack('PP_mutable')).hash).toBe('sha256:final');
  });
});

describe('updated_at', () => {
  it('is set by the database on every update, whatever the writer sends', async () => {
    await insertPack({ id: 'PP_touch', date: nextDate(), updated_at: '2026-01-01T00:00:00Z' });
    expect((await pack('PP_touch')).updated_at).toEqual(new Date('2026-01-01T00:00:00Z'));

    await query(`UPDATE pricing_packs SET prewarm_done = true, updated_at = '2000-01-01T00:00:00Z' WHERE id = 'PP_touch'`);
    const [{ updated_at, now }] = await query<{ updated_at: Date; now: Date }>(
      `SELECT updated_at, clock_timestamp() AS now FROM pricing_packs WHERE id = 'PP_touch'`,
    );
    expect(updated_at.getTime()).toBeGreaterThan(new Date('2026-01-01T00:00:00Z').getTime());
    expect(now.getTime() - updated_at.getTime()).toBeLessThan(60_000);
    expect(now.getTime()).toBeGreaterThanOrEqual(updated_at.getTime());
  });

  it('advances with each update', async () => {
    await insertPack({ id: 'PP_touch2', date: nextDate() });
    await query(`UPDATE pricing_packs SET prewarm_done = true WHERE id = 'PP_touch2'`);
    const first = (await pack('PP_touch2')).updated_at;
    await new Promise((resolve) => setTimeout(resolve, 5));
    await query(`UPDATE pricing_packs SET reconciliation_passed = true WHERE id = 'PP_touch2'`);
    expect((await pack('PP_touch2')).updated_at.getTime()).toBeGreaterThan(first.getTime());
  });
});

describe('append-only tables', () => {
  beforeAll(async () => {
    await query(`INSERT INTO tenants (id, name, credit_balance) VALUES ('t-append', 'Append', 100)`);
    await query(
      `INSERT INTO portfolios (id, tenant_id, name, base_currency, ledger_head) VALUES ('pf-append', 't-append', 'P', 'CAD', 'c1')`,
    );
    // A commit's entries are written by the transaction that writes the commit (see 'a sealed ledger commit').
    await inTransaction([
      `INSERT INTO ledger_commits (hash, portfolio_id, seq, message) VALUES ('c1', 'pf-append', 1, 'first')`,
      `INSERT INTO ledger_entries (commit_hash, ordinal, kind, currency, amount, trade_date) VALUES ('c1', 0, 'DEPOSIT', 'CAD', 1000, '2026-01-02')`,
    ]);
    await query(
      `INSERT INTO credit_transactions (tenant_id, amount, kind, balance_after, reason) VALUES ('t-append', 100, 'GRANT', 100, 'start')`,
    );
    await query(`INSERT INTO audit_log (actor_id, tenant_id, action, result) VALUES ('demo-admin', 't-append', 'grantCredits', 'OK')`);
    await query(
      `INSERT INTO patterns (pattern_id, version, sha256, description, cost, definition) VALUES ('append_only_pattern', '1.0.0', 'sha256:p', 'as published', 1, '{}')`,
    );
  });

  async function expectRejected(sql: string, table: string) {
    const error = await failure(query(sql));
    expect(error.code).toBe('42501'); // insufficient_privilege
    expect(error.message).toMatch(new RegExp(`${table} is append-only`));
  }

  it('audit_log rejects UPDATE, DELETE and TRUNCATE, and keeps the row', async () => {
    await expectRejected(`UPDATE audit_log SET result = 'DENIED'`, 'audit_log');
    await expectRejected(`DELETE FROM audit_log`, 'audit_log');
    await expectRejected(`TRUNCATE audit_log`, 'audit_log');
    expect(await query(`SELECT actor_id, action, result FROM audit_log`)).toEqual([
      { actor_id: 'demo-admin', action: 'grantCredits', result: 'OK' },
    ]);
  });

  it('audit_log still accepts new entries', async () => {
    await query(`INSERT INTO audit_log (action, result) VALUES ('exportExecution', 'RIGHTS_EXPORT_BLOCKED')`);
    expect(await query(`SELECT 1 FROM audit_log`)).toHaveLength(2);
  });

  it.each([
    [
      'ledger_commits',
      `UPDATE ledger_commits SET message = 'rewritten'`,
      `DELETE FROM ledger_commits`,
      `SELECT message AS v FROM ledger_commits`,
      'first',
    ],
    [
      'ledger_entries',
      `UPDATE ledger_entries SET amount = 1`,
      `DELETE FROM ledger_entries`,
      `SELECT amount AS v FROM ledger_entries`,
      1000,
    ],
    [
      'credit_transactions',
      `UPDATE credit_transactions SET reason = 'x'`,
      `DELETE FROM credit_transactions`,
      `SELECT reason AS v FROM credit_transactions`,
      'start',
    ],
    [
      'patterns',
      `UPDATE patterns SET definition = '{"steps":[]}'`,
      `DELETE FROM patterns`,
      `SELECT description AS v FROM patterns WHERE pattern_id = 'append_only_pattern'`,
      'as published',
    ],
  ])('%s rejects UPDATE, DELETE and TRUNCATE, and keeps the row', async (table, update, del, select, value) => {
    await expectRejected(update, table);
    await expectRejected(del, table);
    // CASCADE: without it PostgreSQL refuses a referenced table before any trigger is asked.
    await expectRejected(`TRUNCATE ${table} CASCADE`, table);
    expect(await query<{ v: unknown }>(select)).toEqual([{ v: value }]);
  });
});

describe('a sealed ledger commit', () => {
  const entry = (hash: string, ordinal: number) =>
    `INSERT INTO ledger_entries (commit_hash, ordinal, kind, currency, amount, trade_date) VALUES ('${hash}', ${ordinal}, 'DEPOSIT', 'CAD', 5, '2026-01-03')`;
  const entriesOf = (hash: string) =>
    query<{ ordinal: number }>(`SELECT ordinal FROM ledger_entries WHERE commit_hash = $1 ORDER BY ordinal`, [hash]);

  beforeAll(async () => {
    await query(`INSERT INTO tenants (id, name, credit_balance) VALUES ('t-sealed', 'Sealed', 0)`);
    await query(
      `INSERT INTO portfolios (id, tenant_id, name, base_currency, ledger_head) VALUES ('pf-sealed', 't-sealed', 'P', 'CAD', 's1')`,
    );
    await inTransaction([
      `INSERT INTO ledger_commits (hash, portfolio_id, seq, message) VALUES ('s1', 'pf-sealed', 1, 'one')`,
      entry('s1', 0),
      entry('s1', 1),
    ]);
  });

  it('takes no new entry once its transaction committed, from the application role or the owner', async () => {
    for (const insert of [query(entry('s1', 2)), test.owner.query(entry('s1', 3)), inTransaction([entry('s1', 4)])]) {
      const error = await failure(insert);
      expect(error.code).toBe('23514');
      expect(error.message).toMatch(/ledger commit s1 is sealed/);
    }
    expect(await entriesOf('s1')).toEqual([{ ordinal: 0 }, { ordinal: 1 }]);
  });

  it('refuses a statement that adds to a new commit and a sealed one at once, and keeps neither', async () => {
    const error = await failure(
      inTransaction([
        `INSERT INTO ledger_commits (hash, portfolio_id, parent_hash, seq, message) VALUES ('s2', 'pf-sealed', 's1', 2, 'two')`,
        `INSERT INTO ledger_entries (commit_hash, ordinal, kind, currency, amount, trade_date)
         VALUES ('s2', 0, 'DEPOSIT', 'CAD', 5, '2026-01-04'), ('s1', 9, 'DEPOSIT', 'CAD', 5, '2026-01-04')`,
      ]),
    );
    expect(error.message).toMatch(/ledger commit s1 is sealed/);
    expect(await query(`SELECT hash FROM ledger_commits WHERE hash = 's2'`)).toEqual([]);
    expect(await entriesOf('s1')).toEqual([{ ordinal: 0 }, { ordinal: 1 }]);
  });

  it('lets the transaction that writes a commit add its entries over several statements', async () => {
    await inTransaction([
      `INSERT INTO ledger_commits (hash, portfolio_id, parent_hash, seq, message) VALUES ('s3', 'pf-sealed', 's1', 2, 'streamed')`,
      entry('s3', 0),
      entry('s3', 1),
    ]);
    expect(await entriesOf('s3')).toEqual([{ ordinal: 0 }, { ordinal: 1 }]);
  });
});

describe('tenants and users', () => {
  it('never lets a credit balance go negative', async () => {
    await query(`INSERT INTO tenants (id, name, credit_balance) VALUES ('t-credits', 'Credits', 5)`);
    const update = await failure(query(`UPDATE tenants SET credit_balance = credit_balance - 6 WHERE id = 't-credits'`));
    expect(update.code).toBe('23514');
    expect(update.message).toMatch(/tenants_credit_balance_nonnegative/);
    const insert = await failure(query(`INSERT INTO tenants (id, name, credit_balance) VALUES ('t-negative', 'N', -0.0001)`));
    expect(insert.code).toBe('23514');
    const [{ balance }] = await query<{ balance: string }>(`SELECT credit_balance::text AS balance FROM tenants WHERE id = 't-credits'`);
    expect(balance).toBe('5.0000');
    await query(`UPDATE tenants SET credit_balance = credit_balance - 5 WHERE id = 't-credits'`); // down to exactly 0 is fine
  });

  it('accepts only known roles', async () => {
    await query(`INSERT INTO tenants (id, name) VALUES ('t-roles', 'Roles')`);
    await query(`INSERT INTO users (id, tenant_id, roles) VALUES ('u-all', 't-roles', ARRAY['viewer','analyst','admin','service'])`);
    await query(`INSERT INTO users (id, tenant_id, roles) VALUES ('u-none', 't-roles', ARRAY[]::text[])`);
    const insert = await failure(query(`INSERT INTO users (id, tenant_id, roles) VALUES ('u-root', 't-roles', ARRAY['viewer','root'])`));
    expect(insert.code).toBe('23514');
    expect(insert.message).toMatch(/users_roles_known/);
    const update = await failure(query(`UPDATE users SET roles = ARRAY['Admin'] WHERE id = 'u-none'`));
    expect(update.code).toBe('23514');
    expect(await query(`SELECT id FROM users WHERE tenant_id = 't-roles' ORDER BY id`)).toEqual([{ id: 'u-all' }, { id: 'u-none' }]);
  });
});

describe('NOTIFY on freshgate_pack_health', () => {
  const payloads: Record<string, unknown>[] = [];
  let listener: NotificationListener;
  let connected = 0;

  beforeAll(async () => {
    listener = await test.db.listen('freshgate_pack_health', {
      onNotification: (payload) => payloads.push(JSON.parse(payload) as Record<string, unknown>),
      onConnected: () => connected++,
      onDisconnected: () => {},
    });
  });
  afterAll(async () => {
    await listener?.stop();
  });

  async function notificationsFor(id: string, count: number): Promise<Record<string, unknown>[]> {
    const deadline = Date.now() + 5_000;
    for (;;) {
      const mine = payloads.filter((p) => p.id === id);
      if (mine.length >= count || Date.now() > deadline) return mine;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('reports the listener connected', () => {
    expect(connected).toBe(1);
    expect(listener.connected).toBe(true);
  });

  it('announces an insert and every update with the health fields', async () => {
    const date = nextDate();
    await insertPack({ id: 'PP_notify', date, status: 'FRESH' });
    const [inserted] = await notificationsFor('PP_notify', 1);
    const row = await pack('PP_notify');
    expect(inserted).toEqual({
      op: 'INSERT',
      id: 'PP_notify',
      date,
      policy: 'WM4PM_CAD',
      status: 'WARMING', // the derived status, not what the writer sent
      isFresh: false,
      prewarmDone: false,
      reconciliationPassed: false,
      supersededBy: null,
      errorMessage: null,
      updatedAt: expect.any(String),
    });
    expect(new Date(inserted.updatedAt as string)).toEqual(row.updated_at);

    await query(`UPDATE pricing_packs SET is_fresh = true, prewarm_done = true, reconciliation_passed = true WHERE id = 'PP_notify'`);
    const [, updated] = await notificationsFor('PP_notify', 2);
    expect(updated).toMatchObject({
      op: 'UPDATE',
      id: 'PP_notify',
      status: 'FRESH',
      isFresh: true,
      prewarmDone: true,
      reconciliationPassed: true,
    });
    expect(new Date(updated.updatedAt as string)).toEqual((await pack('PP_notify')).updated_at);
  });

  it('carries the error message, cut to 500 characters to fit a notification', async () => {
    await insertPack({ id: 'PP_notify_error', date: nextDate() });
    await query(`UPDATE pricing_packs SET reconciliation_failed = true, error_message = $1 WHERE id = 'PP_notify_error'`, [
      'x'.repeat(2000),
    ]);
    const [, failed] = await notificationsFor('PP_notify_error', 2);
    expect(failed).toMatchObject({ op: 'UPDATE', status: 'ERROR' });
    expect(failed.errorMessage).toBe('x'.repeat(500));
  });

  it('announces nothing for a write that failed', async () => {
    await insertPack({ id: 'PP_notify_fresh', date: nextDate(), is_fresh: true });
    await failure(query(`UPDATE pricing_packs SET hash = 'changed' WHERE id = 'PP_notify_fresh'`));
    await query(`UPDATE pricing_packs SET prewarm_done = true WHERE id = 'PP_notify_fresh'`); // a marker that must arrive
    const mine = await notificationsFor('PP_notify_fresh', 2);
    expect(mine.map((p) => p.op)).toEqual(['INSERT', 'UPDATE']);
    expect(mine[1]).toMatchObject({ prewarmDone: true });
  });
});
