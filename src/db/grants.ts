import type { Database } from './database';

/**
 * What the application's own database role may do, table by table — and no more: it owns
 * nothing (so it cannot disable the append-only triggers or alter a table), and history tables
 * take INSERT only. Migrations and these grants run as the owner (`npm run db:migrate`, then
 * `npm run db:grant -- <role>`); freshgate then runs as the role with MIGRATE_ON_START=false.
 *
 * Every table of the schema must be listed: a test compares this list with the database.
 */
export const TABLE_PRIVILEGES: Readonly<Record<string, readonly Privilege[]>> = {
  // History: written once, never rewritten (the triggers say the same to the owner).
  audit_log: ['SELECT', 'INSERT'],
  credit_transactions: ['SELECT', 'INSERT'],
  ledger_commits: ['SELECT', 'INSERT'],
  ledger_entries: ['SELECT', 'INSERT'],
  execution_steps: ['SELECT', 'INSERT'],
  pack_prices: ['SELECT', 'INSERT'],
  pack_fx_rates: ['SELECT', 'INSERT'],
  news_items: ['SELECT', 'INSERT'],
  // Pattern versions: published once, rewritten never (a new definition is a new version).
  patterns: ['SELECT', 'INSERT'],
  // Appended by the trigger on securities, which runs as the writer of securities: this role.
  security_versions: ['SELECT', 'INSERT'],
  // State that changes: pack status, balances, runs while RUNNING, names.
  pricing_packs: ['SELECT', 'INSERT', 'UPDATE'],
  tenants: ['SELECT', 'INSERT', 'UPDATE'],
  portfolios: ['SELECT', 'INSERT', 'UPDATE'],
  securities: ['SELECT', 'INSERT', 'UPDATE'],
  executions: ['SELECT', 'INSERT', 'UPDATE'],
  // Removed users are marked (removed_at), never deleted: the audit log keeps naming them.
  users: ['SELECT', 'INSERT', 'UPDATE'],
  // Kept by a trigger on pack writes (which run as this role); an execution's start locks it FOR SHARE.
  pricing_pack_head: ['SELECT', 'UPDATE'],
  // Minute-long counters, rewritten and expired all the time (created by db:grant, see below).
  rate_limits: ['SELECT', 'INSERT', 'UPDATE', 'DELETE'],
  // Read at start to check that the schema is current (MIGRATE_ON_START=false).
  _prisma_migrations: ['SELECT'],
};

/** A table privilege the application's role may be given. */
export type Privilege = 'SELECT' | 'INSERT' | 'UPDATE' | 'DELETE';

const ROLE_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** The statements that give `role` exactly TABLE_PRIVILEGES, after taking back whatever it had. */
export function grantStatements(role: string): string[] {
  if (!ROLE_NAME.test(role)) throw new Error(`role must be a lower-case SQL identifier (got "${role}")`);
  const quoted = `"${role}"`;
  return [
    `REVOKE ALL ON ALL TABLES IN SCHEMA public FROM ${quoted}`,
    `REVOKE ALL ON ALL SEQUENCES IN SCHEMA public FROM ${quoted}`,
    `GRANT USAGE ON SCHEMA public TO ${quoted}`,
    ...Object.entries(TABLE_PRIVILEGES).map(([table, privileges]) => `GRANT ${privileges.join(', ')} ON "${table}" TO ${quoted}`),
    // Identity columns of the history tables draw from sequences.
    `GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO ${quoted}`,
  ];
}

/**
 * Gives `role` its privileges, in one transaction (as the owner, after migrating and after the
 * rate-limit table exists: the role may not create tables).
 */
export async function grantAppRole(db: Pick<Database, 'sql'>, role: string): Promise<string[]> {
  const { sql } = db;
  const statements = grantStatements(role);
  const [{ exists }] = await sql.query<{ exists: boolean }>('SELECT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = $1) AS exists', [role]);
  if (!exists) throw new Error(`role ${role} does not exist: create it first (CREATE ROLE ${role} LOGIN PASSWORD '…')`);
  await sql.exec(`BEGIN;\n${statements.join(';\n')};\nCOMMIT;`);
  return statements;
}
