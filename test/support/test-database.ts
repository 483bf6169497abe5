import { randomBytes } from 'node:crypto';
import { Client, type Pool } from 'pg';
import type { Database, SqlExecutor } from '../../src/db/database';
import { grantAppRole } from '../../src/db/grants';
import { createDataLayer, type DataLayer } from '../../src/data/data-layer';
import { ensureRateLimitTable } from '../../src/data/rate-limits/rate-limit-store';
import { migrate } from '../../src/db/migrator';
import { openPgliteDatabase } from '../../src/db/pglite-database';
import { ensurePgliteTemplate, readPgliteTemplate } from '../../src/db/pglite-template';
import { openPostgresDatabase } from '../../src/db/postgres-database';

/** postgres://… when the suites should run against a real PostgreSQL; unset → embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const usingPostgres = TEST_DATABASE_URL !== undefined;
/**
 * With PostgreSQL: run the application as this role, as production should — migrated and granted
 * by the owner (npm run db:migrate, npm run db:grant), started with MIGRATE_ON_START=false.
 */
export const TEST_DATABASE_ROLE = (usingPostgres && process.env.TEST_DATABASE_ROLE) || undefined;

export interface TestDatabase {
  /** The application's connection (as TEST_DATABASE_ROLE when it is set). */
  db: Database;
  /** Its data layer: the repositories the application uses. */
  data: DataLayer;
  /** The owner's connection, for what a test sets up beyond the application's rights (DDL). */
  owner: SqlExecutor;
  /** The owner's pg pool and URL (PostgreSQL only). */
  ownerPool?: Pool;
  ownerUrl?: string;
  /** The URL of this test's own database (PostgreSQL only). */
  url: string | undefined;
  close(): Promise<void>;
}

/**
 * A fresh, migrated database for one test file: in-memory PGlite, or a new database on the
 * PostgreSQL server of TEST_DATABASE_URL (dropped again on close), so files never interfere.
 */
export async function openTestDatabase(options: { migrate?: boolean } = {}): Promise<TestDatabase> {
  let testDb: TestDatabase;
  if (!TEST_DATABASE_URL) {
    // From the migrated template (built once, by the first file that needs it): no initdb per file.
    // A file that asks for no migrations gets an empty database, as initdb leaves it.
    if (options.migrate !== false) await ensurePgliteTemplate();
    const db = await openPgliteDatabase(undefined, options.migrate !== false ? readPgliteTemplate : undefined);
    testDb = { db, data: createDataLayer(db), owner: db.sql, url: undefined, close: () => db.close() };
  } else {
    const name = `freshgate_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const url = withDatabase(TEST_DATABASE_URL, name);
    // The role's world (a migrated database only): the owner migrates and grants, the application only uses.
    const role = options.migrate !== false ? TEST_DATABASE_ROLE : undefined;
    const owner = await openPostgresDatabase({ url, poolSize: role ? 2 : 8 });
    if (options.migrate !== false) await migrate(owner);
    if (role) {
      await ensureRole(role);
      await ensureRateLimitTable(owner.pgPool!);
      await grantAppRole(owner, role);
    }
    const appUrl = role ? withUser(url, role) : url;
    const db = role ? await openPostgresDatabase({ url: appUrl, poolSize: 8 }) : owner;
    testDb = {
      db,
      data: createDataLayer(db),
      owner: owner.sql,
      ownerPool: owner.pgPool,
      ownerUrl: url,
      url: appUrl,
      async close() {
        await db.close();
        if (db !== owner) await owner.close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
    return testDb;
  }
  if (options.migrate !== false) await migrate(testDb.db);
  return testDb;
}

export function withUser(url: string, user: string): string {
  const parsed = new URL(url);
  parsed.username = user;
  parsed.password = '';
  return parsed.toString();
}

async function ensureRole(role: string): Promise<void> {
  // Concurrent test files may create it at once: a duplicate is fine.
  await adminQuery(`DO $$ BEGIN CREATE ROLE "${role}" LOGIN; EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; END $$`);
}

export function withDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

export async function adminQuery(sql: string, params: unknown[] = []): Promise<Record<string, unknown>[]> {
  if (!TEST_DATABASE_URL) throw new Error('adminQuery needs TEST_DATABASE_URL');
  const client = new Client({ connectionString: TEST_DATABASE_URL });
  await client.connect();
  try {
    return (await client.query(sql, params)).rows;
  } finally {
    await client.end();
  }
}
