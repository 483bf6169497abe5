import { RateLimiterMemory, RateLimiterPostgres, RateLimiterRes, type RateLimiterAbstract } from './limiter-classes';
import type { Viewer } from '../auth/roles';
import type { Config } from '../config';
import type { Logger } from '../observability/logger';
import { addressKey, boundedKey } from './keys';
import { leaseBlock, LeasedBudget, type LeaseAnswer } from './leased-budget';
import type { RateLimitStore } from '../data/rate-limits/rate-limit-store';
import { ALLOWED, combineOutcomes, type LimitScope, type Outcome, type Verdict } from './verdict';

/** Who is asking: a user (counted per user and per tenant) or an anonymous address. */
export interface Caller {
  viewer: Viewer | undefined;
  /** The client's address as the socket sees it. */
  address: string | undefined;
}

/**
 * The rate limit on GraphQL operations: each operation is counted against the caller's budgets,
 * and refused when one is spent.
 */
export interface RequestLimiter {
  /** Where the counters live: the shared database table, this process, or nowhere (all limits 0). */
  readonly store: 'postgres' | 'memory' | 'off';
  /** Counts one GraphQL operation against every budget of the caller. */
  consume(caller: Caller): Promise<Verdict>;
  close(): Promise<void>;
}

type Limits = Config['rateLimits'];

/** One budget: counts a request for a key. */
interface Budget {
  consume(key: string): Promise<LeaseAnswer>;
}

function memoryBudget(limiter: RateLimiterAbstract): Budget {
  return {
    async consume(key) {
      try {
        await limiter.consume(key);
        return { kind: 'allowed' };
      } catch (rejection) {
        if (rejection instanceof RateLimiterRes) return { kind: 'limited', msBeforeNext: rejection.msBeforeNext };
        throw rejection;
      }
    },
  };
}

const CLEANUP_INTERVAL_MS = 5 * 60_000;
const STORE_ERROR_LOG_INTERVAL_MS = 60_000;

/**
 * Fixed-window request budgets (rate-limiter-flexible).
 *
 * - PostgreSQL: RateLimiterPostgres on the application's pg pool (the data layer's RateLimitStore), so every instance counts in
 *   the same table. Points are taken from it in small blocks (LeasedBudget: one upsert per
 *   block, 2 % of the budget at most, instead of one per operation). Two options keep it cheap: once a key has used its window up, this instance
 *   refuses it from memory until the window ends (`inMemoryBlockOnConsumed`) instead of asking
 *   the database again; and when the database cannot answer, counting continues in this
 *   instance's memory (`insuranceLimiter`) rather than failing requests.
 * - PGlite: RateLimiterMemory. An embedded database belongs to one process (it is locked to it),
 *   so memory is exactly as shared as the database — and costs no query on its single connection.
 */
export async function createRequestLimiter(limits: Limits, store: RateLimitStore | undefined, logger: Logger): Promise<RequestLimiter> {
  const budgets: Record<LimitScope, number> = { user: limits.perUser, tenant: limits.perTenant, ip: limits.perAnonymousIp };
  const active = (Object.keys(budgets) as LimitScope[]).filter((scope) => budgets[scope] > 0);
  if (active.length === 0) return { store: 'off', consume: async () => ALLOWED, close: async () => {} };

  const duration = limits.windowMs / 1000;
  const memory = (scope: LimitScope) => new RateLimiterMemory({ keyPrefix: scope, points: budgets[scope], duration });

  let make: (scope: LimitScope) => Budget = (scope) => memoryBudget(memory(scope));
  let cleanup: NodeJS.Timeout | undefined;
  if (store) {
    await store.ensureTable();
    let lastReported = 0;
    const storeClient = store.storeClient((error) => {
      const now = Date.now();
      if (now - lastReported < STORE_ERROR_LOG_INTERVAL_MS) return;
      lastReported = now;
      logger.warn({ err: error }, 'rate-limit store unavailable: counting in this instance until it answers again');
    });
    make = (scope) =>
      new LeasedBudget(
        new RateLimiterPostgres({
          storeClient,
          storeType: 'pool',
          tableName: store.tableName,
          tableCreated: true,
          clearExpiredByTimeout: false, // one cleanup below instead of one timer per limiter
          keyPrefix: scope,
          points: budgets[scope],
          duration,
          inMemoryBlockOnConsumed: budgets[scope],
          insuranceLimiter: memory(scope),
        }),
        leaseBlock(budgets[scope]),
      );
    cleanup = setInterval(() => {
      store.deleteExpired().catch(() => {}); // best effort; the next run tries again
    }, CLEANUP_INTERVAL_MS);
    cleanup.unref();
  }

  const limiters = new Map(active.map((scope) => [scope, make(scope)] as const));

  const count = async (scope: LimitScope, key: string): Promise<Outcome> => {
    const limiter = limiters.get(scope);
    if (!limiter) return { scope, kind: 'allowed' };
    try {
      return { scope, ...(await limiter.consume(key)) };
    } catch (error) {
      return { scope, kind: 'failed', error };
    }
  };

  return {
    store: store ? 'postgres' : 'memory',
    async consume({ viewer, address }) {
      const outcomes = viewer
        ? await Promise.all([count('user', boundedKey(viewer.userId)), count('tenant', boundedKey(viewer.tenantId))])
        : [await count('ip', addressKey(address))];
      for (const outcome of outcomes) {
        if (outcome.kind === 'failed')
          logger.error({ err: outcome.error, scope: outcome.scope }, 'rate limiter failed; request let through');
      }
      return combineOutcomes(outcomes);
    },
    async close() {
      clearInterval(cleanup);
    },
  };
}
