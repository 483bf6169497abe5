import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { MIGRATIONS_DIR, MigrationError, migrate, pendingMigrations, readMigrations, type Migration } from '../../src/db/migrator';
import { openTestDatabase, usingPostgres, type TestDatabase } from '../support/test-database';

const INIT = '20261121000000_init';
const RULES = '20261121000100_rules_and_triggers';
// Every migration in the folder, in order (later ones follow the two this file knows by name).
const ALL = readMigrations().map((m) => m.name);

interface BookkeepingRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | null;
  rolled_back_at: Date | null;
  applied_steps_count: number;
}

const fileChecksum = (name: string) =>
  createHash('sha256')
    .update(readFileSync(path.join(MIGRATIONS_DIR, name, 'migration.sql')))
    .digest('hex');

async function tableExists(test: TestDatabase, name: string): Promise<boolean> {
  const [row] = await test.db.sql.query<{ exists: boolean }>(`SELECT to_regclass($1) IS NOT NULL AS exists`, [name]);
  return row.exists;
}

async function bookkeeping(test: TestDatabase): Promise<BookkeepingRow[]> {
  return test.db.sql.query<BookkeepingRow>(
    `SELECT migration_name, checksum, finished_at, rolled_back_at, applied_steps_count
       FROM "_prisma_migrations" ORDER BY migration_name`,
  );
}

describe('readMigrations', () => {
  it('reads the migration folders in name order with the sha256 of each file', () => {
    const migrations = readMigrations();
    expect(migrations.map((m) => m.name).slice(0, 2)).toEqual([INIT, RULES]);
    expect(migrations.map((m) => m.name)).toEqual([...migrations.map((m) => m.name)].sort());
    for (const m of migrations) {
      expect(m.checksum).toBe(fileChecksum(m.name));
      expect(m.sql).toMatch(/\b(CREATE|ALTER)\b/);
    }
  });

  it('refuses a folder that does not exist', () => {
    expect(() => readMigrations('/nonexistent/migrations')).toThrow(MigrationError);
  });
});

describe('migrate on a fresh database', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('starts with every migration pending and no tables', async () => {
    expect(await pendingMigrations(test.db)).toEqual(ALL);
    expect(await tableExists(test, 'pricing_packs')).toBe(false);
  });

  it('applies both migrations and records them as Prisma Migrate does', async () => {
    const report = await migrate(test.db);
    expect(report).toEqual({ applied: ALL, alreadyApplied: [] });

    const rows = await bookkeeping(test);
    expect(rows.map((r) => r.migration_name)).toEqual(ALL);
    for (const row of rows) {
      expect(row.checksum).toBe(fileChecksum(row.migration_name));
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.rolled_back_at).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
    expect(await pendingMigrations(test.db)).toEqual([]);
  });

  it('created the schema of both migrations', async () => {
    for (const table of [
      'pricing_packs',
      'pack_prices',
      'pack_fx_rates',
      'tenants',
      'users',
      'portfolios',
      'ledger_commits',
      'audit_log',
      'news_items',
    ]) {
      expect(await tableExists(test, table)).toBe(true);
    }
    const triggers = await test.db.sql.query<{ tgname: string }>(
      `SELECT tgname FROM pg_trigger WHERE tgrelid = 'pricing_packs'::regclass AND NOT tgisinternal ORDER BY tgname`,
    );
    expect(triggers.map((t) => t.tgname)).toEqual([
      'pricing_packs_before_delete',
      'pricing_packs_before_write',
      'pricing_packs_head',
      'pricing_packs_no_truncate',
      'pricing_packs_notify',
    ]);
    expect(await tableExists(test, 'pricing_pack_head')).toBe(true);
  });

  it('applies nothing on a second run', async () => {
    const report = await migrate(test.db);
    expect(report).toEqual({ applied: [], alreadyApplied: ALL });
    expect(await bookkeeping(test)).toHaveLength(ALL.length);
  });

  it('refuses to run when an applied migration was modified, naming it, and applies nothing after it', async () => {
    const doctored: Migration[] = readMigrations().map((m) => (m.name === INIT ? { ...m, checksum: '0'.repeat(64) } : m));
    const later: Migration = { name: 'zz_after_modified', sql: 'CREATE TABLE t_after_modified (x int);', checksum: 'c1' };

    const attempt = migrate(test.db, [...doctored, later]);
    await expect(attempt).rejects.toThrow(MigrationError);
    await expect(migrate(test.db, [...doctored, later])).rejects.toThrow(new RegExp(`${INIT}.*modified`));

    expect(await tableExists(test, 't_after_modified')).toBe(false);
    expect(await bookkeeping(test)).toHaveLength(ALL.length);
  });

  it('rolls a failing migration back completely: none of its tables, no bookkeeping row', async () => {
    const bad: Migration = { name: 'zz_bad', sql: 'CREATE TABLE t_ok (x int);\nINSERT INTO t_ok VALUES (1);\nSELECT 1/0;', checksum: 'x' };

    const error = await migrate(test.db, [...readMigrations(), bad]).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationError);
    expect((error as Error).message).toMatch(/zz_bad/);
    expect((error as Error).message).toMatch(/division by zero/);

    expect(await tableExists(test, 't_ok')).toBe(false);
    expect((await bookkeeping(test)).map((r) => r.migration_name)).toEqual(ALL);
    expect(await pendingMigrations(test.db, [...readMigrations(), bad])).toEqual(['zz_bad']);
  });

  it('leaves the database usable after a failure: the fixed migration then applies', async () => {
    const fixed: Migration = { name: 'zz_bad', sql: 'CREATE TABLE t_ok (x int);', checksum: 'y' };
    const report = await migrate(test.db, [...readMigrations(), fixed]);
    expect(report).toEqual({ applied: ['zz_bad'], alreadyApplied: ALL });
    expect(await tableExists(test, 't_ok')).toBe(true);
    const [row] = await test.db.sql.query<BookkeepingRow>(`SELECT checksum FROM "_prisma_migrations" WHERE migration_name = 'zz_bad'`);
    expect(row.checksum).toBe('y');
  });
});

// Several instances starting at once against one PostgreSQL: the advisory lock serialises them.
// (PGlite is one in-process connection; there is no second migrator to race.)
(usingPostgres ? describe : describe.skip)('concurrent migrators on PostgreSQL', () => {
  let test: TestDatabase;

  beforeAll(async () => {
    test = await openTestDatabase({ migrate: false });
  });
  afterAll(async () => {
    await test?.close();
  });

  it('apply each migration exactly once', async () => {
    const reports = await Promise.all([migrate(test.db), migrate(test.db), migrate(test.db)]);
    expect(reports.flatMap((r) => r.applied).sort()).toEqual(ALL);
    expect(await bookkeeping(test)).toHaveLength(ALL.length);
  });
});
