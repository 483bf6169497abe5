import { Client } from 'pg';
import { createApp } from '../../src/app';
import { TABLE_PRIVILEGES, grantAppRole, grantStatements } from '../../src/db/grants';
import { ensureRateLimitTable } from '../../src/data/rate-limits/rate-limit-store';
import { migrate, readMigrations } from '../../src/db/migrator';
import { openPostgresDatabase } from '../../src/db/postgres-database';
import { openTestDatabase, TEST_DATABASE_ROLE, usingPostgres, type TestDatabase } from '../support/test-database';
import { testConfig } from '../support/test-server';

const onPostgres = usingPostgres ? describe : describe.skip;

describe('the grants list every table', () => {
  let database: TestDatabase;
  beforeAll(async () => {
    database = await openTestDatabase();
  });
  afterAll(async () => {
    await database.close();
  });

  it('names each table of the migrated schema, so a new table cannot be forgotten', async () => {
    const tables = await database.owner.query<{ name: string }>(
      `SELECT table_name AS name FROM information_schema.tables WHERE table_schema = 'public' AND table_type = 'BASE TABLE' AND table_name <> 'rate_limits' ORDER BY 1`,
    );
    const listed = Object.keys(TABLE_PRIVILEGES)
      .filter((t) => t !== 'rate_limits')
      .sort();
    expect(listed).toEqual(tables.map((t) => t.name));
  });

  it('gives history tables INSERT only, and takes back whatever the role had first', () => {
    const statements = grantStatements('freshgate_app');
    expect(statements[0]).toMatch(/^REVOKE ALL ON ALL TABLES/);
    expect(statements).toContain('GRANT SELECT, INSERT ON "audit_log" TO "freshgate_app"');
    expect(statements).toContain('GRANT SELECT, INSERT ON "credit_transactions" TO "freshgate_app"');
    expect(() => grantStatements('x"; DROP TABLE users; --')).toThrow(/SQL identifier/);
  });
});

describe('start-up and the schema', () => {
  it('with MIGRATE_ON_START=false, refuses to start on a schema that is behind, saying what to do', async () => {
    const database = await openTestDatabase({ migrate: false });
    try {
      const migrations = readMigrations();
      await migrate(database.db, migrations.slice(0, -1));
      await expect(createApp(testConfig({ migrateOnStart: false }), { db: database.db })).rejects.toThrow(
        new RegExp(
          `schema is behind: 1 migration\\(s\\) not applied \\(${migrations[migrations.length - 1].name}\\); run \`npm run db:migrate\``,
        ),
      );
    } finally {
      await database.close();
    }
  });
});

onPostgres('running as the application role', () => {
  const role = TEST_DATABASE_ROLE ?? 'freshgate_app';
  let database: TestDatabase;
  let asRole: Client;

  beforeAll(async () => {
    database = await openTestDatabase();
    await database.owner.exec(
      `DO $$ BEGIN CREATE ROLE "${role}" LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`,
    );
    await ensureRateLimitTable(database.ownerPool!);
    await grantAppRole({ sql: database.owner }, role);
    await database.owner.exec(`INSERT INTO tenants (id, name, credit_balance) VALUES ('role-test', 'Role test', 10)`);
    const url = new URL(database.ownerUrl!);
    url.username = role;
    asRole = new Client({ connectionString: url.toString() });
    await asRole.connect();
  });
  afterAll(async () => {
    await asRole?.end();
    await database.close();
  });

  it('cannot rewrite history, disable the append-only triggers or change the schema', async () => {
    await expect(asRole.query(`UPDATE audit_log SET result = 'OK'`)).rejects.toThrow(/permission denied/);
    await expect(asRole.query(`DELETE FROM credit_transactions`)).rejects.toThrow(/permission denied/);
    await expect(asRole.query(`DELETE FROM users`)).rejects.toThrow(/permission denied/);
    await expect(asRole.query(`UPDATE patterns SET description = 'x'`)).rejects.toThrow(/permission denied/);
    await expect(asRole.query('ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only')).rejects.toThrow(/must be owner/);
    await expect(asRole.query('CREATE TABLE intruder (id int)')).rejects.toThrow(/permission denied/);
  });

  it('can do what the application does: run, debit, audit', async () => {
    const debited = await asRole.query(
      `UPDATE tenants SET credit_balance = credit_balance - 1 WHERE id = 'role-test' RETURNING credit_balance`,
    );
    expect(Number(debited.rows[0].credit_balance)).toBe(9);
    await asRole.query(`INSERT INTO credit_transactions (tenant_id, amount, kind, balance_after) VALUES ('role-test', -1, 'DEBIT', 9)`);
    await asRole.query(
      `INSERT INTO audit_log (actor_id, tenant_id, action, resource, changes, result, trace_id, request_id) VALUES ('t', 'role-test', 'test', 'x', '{}', 'OK', 't', 'r')`,
    );
    await asRole.query(`INSERT INTO rate_limits (key, points, expire) VALUES ('k', 1, 0) ON CONFLICT (key) DO UPDATE SET points = 2`);
    await asRole.query(`DELETE FROM rate_limits WHERE key = 'k'`);
  });

  it('with MIGRATE_ON_START on, start-up says the role may not migrate instead of a bare "permission denied"', async () => {
    const url = new URL(database.ownerUrl!);
    url.username = role;
    const db = await openPostgresDatabase({ url: url.toString(), poolSize: 2 });
    try {
      await expect(createApp(testConfig({ migrateOnStart: true }), { db })).rejects.toThrow(
        /may not migrate the schema.*MIGRATE_ON_START=false/,
      );
    } finally {
      await db.close();
    }
  });
});
