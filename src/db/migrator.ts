import { createHash, randomUUID } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { Database, SqlExecutor } from './database';
import { projectRoot } from '../shared/project-root';

/** Where the migrations live: prisma/migrations, one folder per migration, applied in name order. */
export const MIGRATIONS_DIR = path.join(projectRoot(), 'prisma', 'migrations');

// The lock id Prisma's own migrate uses, so this runner and `prisma migrate deploy` never
// apply migrations at the same time against one database.
const PRISMA_ADVISORY_LOCK = 72707369;

/** One migration folder: its SQL, and the sha256 recorded when it is applied. */
export interface Migration {
  name: string;
  sql: string;
  checksum: string;
}

/** What migrate did: the migrations it applied, and those it found applied already. */
export interface MigrationReport {
  applied: string[];
  alreadyApplied: string[];
}

/** Why migrating stopped: no migrations folder, a migration that failed, or one changed after it was applied. */
export class MigrationError extends Error {}

/** The migrations of the folder in name order, the order in which they are applied. */
export function readMigrations(dir = MIGRATIONS_DIR): Migration[] {
  if (!existsSync(dir)) throw new MigrationError(`no migrations folder at ${dir}`);
  return readdirSync(dir, { withFileTypes: true })
    .filter((entry) => entry.isDirectory())
    .map((entry) => entry.name)
    .sort()
    .map((name) => {
      const sql = readFileSync(path.join(dir, name, 'migration.sql'), 'utf8');
      return { name, sql, checksum: createHash('sha256').update(sql).digest('hex') };
    });
}

// The table layout of Prisma Migrate, so `prisma migrate status` / `deploy` agree with this runner.
const CREATE_BOOKKEEPING = `
CREATE TABLE IF NOT EXISTS "_prisma_migrations" (
  "id" VARCHAR(36) PRIMARY KEY NOT NULL,
  "checksum" VARCHAR(64) NOT NULL,
  "finished_at" TIMESTAMPTZ,
  "migration_name" VARCHAR(255) NOT NULL,
  "logs" TEXT,
  "rolled_back_at" TIMESTAMPTZ,
  "started_at" TIMESTAMPTZ NOT NULL DEFAULT now(),
  "applied_steps_count" INTEGER NOT NULL DEFAULT 0
)`;

interface AppliedRow {
  migration_name: string;
  checksum: string;
  finished_at: Date | string | null;
}

/**
 * Applies every migration not yet recorded, each in its own transaction together with its
 * bookkeeping row: a migration is either wholly applied and recorded, or neither.
 * Refuses to run when an applied migration's file has changed since.
 */
export function migrate(db: Pick<Database, 'withConnection'>, migrations = readMigrations()): Promise<MigrationReport> {
  return db.withConnection((sql) => migrateOn(sql, migrations));
}

async function migrateOn(sql: SqlExecutor, migrations: Migration[]): Promise<MigrationReport> {
  const useLock = await supportsAdvisoryLocks(sql);
  if (useLock) await sql.query(`SELECT pg_advisory_lock(${PRISMA_ADVISORY_LOCK})`);
  try {
    await sql.exec(CREATE_BOOKKEEPING);
    const rows = await sql.query<AppliedRow>(
      `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL`,
    );
    const applied = new Map(rows.filter((r) => r.finished_at !== null).map((r) => [r.migration_name, r.checksum]));
    const report: MigrationReport = { applied: [], alreadyApplied: [] };
    for (const migration of migrations) {
      const recorded = applied.get(migration.name);
      if (recorded !== undefined) {
        if (recorded !== migration.checksum) {
          throw new MigrationError(
            `migration ${migration.name} was modified after it was applied (checksum mismatch); ` +
              'restore the original file and add a new migration instead',
          );
        }
        report.alreadyApplied.push(migration.name);
        continue;
      }
      await sql
        .exec(
          `BEGIN;\n${migration.sql}\n;\n` +
            `INSERT INTO "_prisma_migrations" (id, checksum, migration_name, started_at, finished_at, applied_steps_count) ` +
            `VALUES ('${randomUUID()}', '${migration.checksum}', '${migration.name.replace(/'/g, "''")}', now(), now(), 1);\n` +
            'COMMIT;',
        )
        .catch(async (error: Error) => {
          await sql.exec('ROLLBACK').catch(() => {});
          throw new MigrationError(`migration ${migration.name} failed: ${error.message}`);
        });
      report.applied.push(migration.name);
    }
    return report;
  } finally {
    if (useLock) await sql.query(`SELECT pg_advisory_unlock(${PRISMA_ADVISORY_LOCK})`);
  }
}

/** Names of migrations in the folder that the database has not applied. */
export async function pendingMigrations(db: Pick<Database, 'sql'>, migrations = readMigrations()): Promise<string[]> {
  const { sql } = db;
  const [{ exists }] = await sql.query<{ exists: boolean }>(`SELECT to_regclass('"_prisma_migrations"') IS NOT NULL AS exists`);
  if (!exists) return migrations.map((m) => m.name);
  const rows = await sql.query<AppliedRow>(
    `SELECT migration_name, checksum, finished_at FROM "_prisma_migrations" WHERE rolled_back_at IS NULL AND finished_at IS NOT NULL`,
  );
  const done = new Set(rows.map((r) => r.migration_name));
  return migrations.filter((m) => !done.has(m.name)).map((m) => m.name);
}

async function supportsAdvisoryLocks(sql: SqlExecutor): Promise<boolean> {
  try {
    await sql.query('SELECT pg_try_advisory_lock(0), pg_advisory_unlock(0)');
    return true;
  } catch {
    return false;
  }
}
