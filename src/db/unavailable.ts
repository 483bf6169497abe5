import { setTimeout as sleep } from 'node:timers/promises';

/**
 * The database is up but refused the statement for a reason that retrying at once does not cure:
 * a statement_timeout (or a cancel) or a lock_timeout ran out, or it lacks disk, memory or a
 * configured resource (class 53 besides connection slots, which free up by themselves).
 */
const LASTING_REFUSAL_SQLSTATES = ['57014', '55P03', '53000', '53100', '53200', '53400'];
/**
 * PostgreSQL SQLSTATEs that mean "not now": the server is restarting or starting (57P0x, 08xxx),
 * has no connection slot left (53300), or refused for a lasting reason above. freshgate itself
 * cancels no statement and sets no time limit.
 */
const UNAVAILABLE_SQLSTATES = new Set([
  '57P01',
  '57P02',
  '57P03',
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  '53300',
  ...LASTING_REFUSAL_SQLSTATES,
]);
/**
 * Prisma's codes for an unreachable or vanished server, a server with no connection slot left
 * (P2037), and a pool that could not serve in time.
 */
const UNAVAILABLE_PRISMA_CODES = new Set(['P1001', 'P1002', 'P1008', 'P1017', 'P2024', 'P2037']);
/** Prisma's driver adapters name the same conditions by kind. */
const UNAVAILABLE_ADAPTER_KINDS = new Set(['ConnectionClosed', 'DatabaseNotReachable', 'SocketTimeout', 'TooManyConnections']);
const UNAVAILABLE_SYSCALLS = new Set(['ECONNREFUSED', 'ECONNRESET', 'EPIPE', 'ETIMEDOUT', 'EHOSTUNREACH']);
const UNAVAILABLE_MESSAGE =
  /connection terminated|connection (?:is )?closed|server closed the connection|terminating connection|the database system is (?:starting up|shutting down|in recovery mode)|Client has encountered a connection error|timeout exceeded when trying to connect|is not currently accepting connections|too many (?:clients|connections)|Unable to start a transaction in the given time/i;

interface Wrapped {
  code?: unknown;
  originalCode?: unknown;
  kind?: unknown;
  message?: unknown;
  cause?: unknown;
  meta?: { driverAdapterError?: unknown };
}

/**
 * The error and what it wraps, outermost first. Prisma keeps its driver adapter's error in
 * `meta.driverAdapterError`, whose `cause` names the condition (and carries pg's SQLSTATE);
 * everything else wraps by `cause`.
 */
function* wrappedChain(error: unknown): Generator<Wrapped> {
  let current: unknown = error;
  for (let depth = 0; depth < 8 && current && typeof current === 'object'; depth++) {
    const wrapped = current as Wrapped;
    yield wrapped;
    current = wrapped.meta?.driverAdapterError ?? wrapped.cause;
  }
}

/**
 * Whether an error means the database could not be reached, dropped the connection (a restart,
 * a failover) or had no connection to give (its `max_connections`, a database's connection
 * limit, a pool that stayed busy), so the same call may succeed shortly — as opposed to a query
 * that is wrong. Looks through the error's causes: pg, Prisma and its driver adapter each wrap the other.
 */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (const candidate of wrappedChain(error)) {
    for (const code of [candidate.code, candidate.originalCode]) {
      if (
        typeof code === 'string' &&
        (UNAVAILABLE_SQLSTATES.has(code) || UNAVAILABLE_PRISMA_CODES.has(code) || UNAVAILABLE_SYSCALLS.has(code))
      )
        return true;
    }
    if (typeof candidate.kind === 'string' && UNAVAILABLE_ADAPTER_KINDS.has(candidate.kind)) return true;
    if (typeof candidate.message === 'string' && UNAVAILABLE_MESSAGE.test(candidate.message)) return true;
  }
  return false;
}

/**
 * Whether the database, though up, refused for a reason the next attempt would likely meet again
 * (a time limit, a full disk): a client may retry later, but retryWhileUnavailable does not.
 */
export function isLastingRefusal(error: unknown): boolean {
  const sqlState = sqlStateOf(error);
  return sqlState !== undefined && LASTING_REFUSAL_SQLSTATES.includes(sqlState);
}

/**
 * Runs fn, and while it fails because the database is unavailable (not a lasting refusal), runs it
 * again after a growing pause, for up to `forMs`. For writes that must land (an execution's
 * finish), never for a client's request: those fail fast with a retryable error instead.
 */
export async function retryWhileUnavailable<T>(fn: () => Promise<T>, forMs = 30_000): Promise<T> {
  const deadline = Date.now() + forMs;
  for (let pauseMs = 100; ; pauseMs = Math.min(pauseMs * 2, 2_000)) {
    try {
      return await fn();
    } catch (error) {
      if (!isDatabaseUnavailable(error) || isLastingRefusal(error) || Date.now() + pauseMs > deadline) throw error;
      await sleep(pauseMs);
    }
  }
}

/**
 * The SQLSTATE of a database error, looking through the wrappers (Prisma, its adapter, pg).
 * Prisma's own codes (P1xxx–P6xxx) have the same shape and are skipped; SQLSTATE's P0 class is PL/pgSQL's.
 */
export function sqlStateOf(error: unknown): string | undefined {
  for (const candidate of wrappedChain(error)) {
    if (typeof candidate.code === 'string' && /^[0-9A-Z]{5}$/.test(candidate.code) && !/^P[1-9]/.test(candidate.code))
      return candidate.code;
  }
  return undefined;
}
