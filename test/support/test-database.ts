import { randomBytes } from 'node:crypto';
import { Client } from 'pg';
import type { Database } from '../../src/db/database';
import { migrate } from '../../src/db/migrator';
import { openPgliteDatabase } from '../../src/db/pglite-database';
import { openPostgresDatabase } from '../../src/db/postgres-database';

/** postgres://… when the suites should run against a real PostgreSQL; unset → embedded PGlite. */
export const TEST_DATABASE_URL = process.env.TEST_DATABASE_URL || undefined;
export const usingPostgres = TEST_DATABASE_URL !== undefined;

export interface TestDatabase {
  db: Database;
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
    const db = await openPgliteDatabase(undefined);
    testDb = { db, url: undefined, close: () => db.close() };
  } else {
    const name = `freshgate_test_${randomBytes(6).toString('hex')}`;
    await adminQuery(`CREATE DATABASE "${name}"`);
    const url = withDatabase(TEST_DATABASE_URL, name);
    const db = await openPostgresDatabase({ url, poolSize: 8 });
    testDb = {
      db,
      url,
      async close() {
        await db.close();
        await adminQuery(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      },
    };
  }
  if (options.migrate !== false) await migrate(testDb.db);
  return testDb;
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
