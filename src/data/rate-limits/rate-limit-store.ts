import type { Pool, QueryConfig, QueryResult } from 'pg';

/** The counters' table, one row per key (`user:<id>`, `tenant:<id>`, `ip:<address>`) and window. */
export const RATE_LIMIT_TABLE = 'rate_limits';

// Serialises table creation between instances starting at once on an empty database.
const CREATE_LOCK = 0x66676c74; // "fglt"

/**
 * rate-limiter-flexible's own layout (see RateLimiterPostgres#_getCreateTableStmt), created here
 * rather than by the library: the library runs a bare CREATE TABLE IF NOT EXISTS from every
 * instance at once — two of them racing on an empty database fail with a unique violation on
 * pg_type, which it swallows, and then counts before the winner has committed. Here creation is
 * serialised by an advisory lock held for the implicit transaction of the one simple-protocol
 * query, and skipped entirely when the table exists (so the application's database user needs
 * CREATE only for the very first start).
 *
 * UNLOGGED: these counters are rewritten on every request and worthless after their window;
 * skipping the WAL makes each write cheaper. After a crash the table is emptied (everyone gets a
 * fresh window) and replicas do not carry it — both acceptable for a rate limit.
 */
export async function ensureRateLimitTable(pool: Pool, table = RATE_LIMIT_TABLE): Promise<void> {
  const { rows } = await pool.query<{ present: boolean }>('SELECT to_regclass($1) IS NOT NULL AS present', [quoted(table)]);
  if (rows[0]?.present) return;
  await pool.query(
    `SELECT pg_advisory_xact_lock(${CREATE_LOCK});
     CREATE UNLOGGED TABLE IF NOT EXISTS ${quoted(table)} (
       key varchar(255) PRIMARY KEY,
       points integer NOT NULL DEFAULT 0,
       expire bigint
     );`,
  );
}

/** Rows whose window has ended are dead weight: an upsert on the key starts a new window anyway. */
export async function deleteExpiredCounters(pool: Pool, now = Date.now(), table = RATE_LIMIT_TABLE): Promise<number> {
  const result = await pool.query(`DELETE FROM ${quoted(table)} WHERE expire < $1`, [now]);
  return result.rowCount ?? 0;
}

/**
 * The pool as the limiter's storeClient (storeType 'pool'), reporting store failures: the
 * library falls back to its insurance limiter silently, and an operator should know when the
 * shared budget has become a per-instance one.
 */
export function reportingStoreClient(pool: Pool, onError: (error: unknown) => void): { query(config: QueryConfig): Promise<QueryResult> } {
  return {
    query: (config) =>
      pool.query(config).catch((error: unknown) => {
        onError(error);
        throw error;
      }),
  };
}

function quoted(identifier: string): string {
  return `"${identifier.replace(/"/g, '""')}"`;
}

/** The shared counters' table, as the rate limiter needs it (PostgreSQL only). */
export interface RateLimitStore {
  readonly tableName: string;
  ensureTable(): Promise<void>;
  deleteExpired(): Promise<number>;
  /** The pool as rate-limiter-flexible's storeClient, reporting store failures to onError. */
  storeClient(onError: (error: unknown) => void): { query(config: QueryConfig): Promise<QueryResult> };
}

/** The store on a PostgreSQL pool; none for the embedded database (its counters live in memory). */
export function rateLimitStoreOf(pool: Pool | undefined): RateLimitStore | undefined {
  if (!pool) return undefined;
  return {
    tableName: RATE_LIMIT_TABLE,
    ensureTable: () => ensureRateLimitTable(pool),
    deleteExpired: () => deleteExpiredCounters(pool),
    storeClient: (onError) => reportingStoreClient(pool, onError),
  };
}
