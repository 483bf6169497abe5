import type { Pool } from 'pg';
import type { Viewer } from '../../../src/auth/roles';
import { rateLimitStoreOf } from '../../../src/data/rate-limits/rate-limit-store';
import type { Logger } from '../../../src/observability/logger';
import { createRequestLimiter } from '../../../src/ratelimit/request-limiter';

const limits = { windowMs: 60_000, perUser: 3, perTenant: 5, perAnonymousIp: 2, wsConnectionsPerUser: 0 };
const viewer = (userId: string, tenantId = 't1'): Viewer => ({ userId, tenantId, roles: ['viewer'] });

function fakeLogger() {
  const calls = { warn: [] as unknown[][], error: [] as unknown[][] };
  const logger = {
    warn: (...args: unknown[]) => calls.warn.push(args),
    error: (...args: unknown[]) => calls.error.push(args),
  } as unknown as Logger;
  return { logger, calls };
}

/** The embedded database has no shared store: its counters live in memory. */
const embedded = undefined;

async function verdicts(consume: () => Promise<{ allowed: boolean }>, n: number): Promise<boolean[]> {
  const out: boolean[] = [];
  for (let i = 0; i < n; i++) out.push((await consume()).allowed);
  return out;
}

describe('createRequestLimiter in memory (embedded PGlite)', () => {
  it('counts a user against the user and the tenant budget', async () => {
    const limiter = await createRequestLimiter(limits, embedded, fakeLogger().logger);
    expect(limiter.store).toBe('memory');
    expect(await verdicts(() => limiter.consume({ viewer: viewer('u1'), address: '10.0.0.1' }), 4)).toEqual([true, true, true, false]);
    // u1 spent 4 tenant points (the refused one too); u2 has 1 left on the tenant.
    expect(await limiter.consume({ viewer: viewer('u2'), address: '10.0.0.1' })).toEqual({ allowed: true });
    expect(await limiter.consume({ viewer: viewer('u2'), address: '10.0.0.1' })).toMatchObject({ allowed: false, scope: 'tenant' });
    expect(await limiter.consume({ viewer: viewer('u3', 't2'), address: '10.0.0.1' })).toEqual({ allowed: true });
    await limiter.close();
  });

  it('counts anonymous callers per address', async () => {
    const limiter = await createRequestLimiter(limits, embedded, fakeLogger().logger);
    expect(await verdicts(() => limiter.consume({ viewer: undefined, address: '::ffff:10.0.0.9' }), 2)).toEqual([true, true]);
    const refused = await limiter.consume({ viewer: undefined, address: '10.0.0.9' });
    expect(refused).toMatchObject({ allowed: false, scope: 'ip' });
    expect((refused as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThan(55);
    expect(await limiter.consume({ viewer: undefined, address: '10.0.0.10' })).toEqual({ allowed: true });
    await limiter.close();
  });

  it('is off when every budget is 0', async () => {
    const limiter = await createRequestLimiter({ ...limits, perUser: 0, perTenant: 0, perAnonymousIp: 0 }, embedded, fakeLogger().logger);
    expect(limiter.store).toBe('off');
    expect(await verdicts(() => limiter.consume({ viewer: viewer('u1'), address: undefined }), 50)).not.toContain(false);
  });

  it('skips a budget set to 0 and keeps the others', async () => {
    const limiter = await createRequestLimiter({ ...limits, perUser: 0 }, embedded, fakeLogger().logger);
    expect(await verdicts(() => limiter.consume({ viewer: viewer('u1'), address: undefined }), 6)).toEqual([
      true,
      true,
      true,
      true,
      true,
      false,
    ]);
    await limiter.close();
  });
});

describe('createRequestLimiter on PostgreSQL', () => {
  /** A pool whose table exists but whose every later query fails: the database went away. */
  function unreachablePool() {
    let queries = 0;
    const pool = {
      query: async (text: unknown) => {
        queries++;
        if (typeof text === 'string' && text.includes('to_regclass')) return { rows: [{ present: true }] };
        throw new Error('connection refused');
      },
    };
    return { pool: pool as unknown as Pool, queries: () => queries };
  }

  it('keeps limiting in this instance when the database cannot answer, and says so once', async () => {
    const { pool } = unreachablePool();
    const { logger, calls } = fakeLogger();
    const limiter = await createRequestLimiter(limits, rateLimitStoreOf(pool), logger);
    expect(limiter.store).toBe('postgres');
    expect(await verdicts(() => limiter.consume({ viewer: viewer('u1'), address: undefined }), 4)).toEqual([true, true, true, false]);
    expect(calls.warn).toHaveLength(1);
    expect(calls.error).toHaveLength(0);
    await limiter.close();
  });

  it('asks the database no more once a key has used up its window', async () => {
    let points = 0;
    const rows = () => ({ rows: [{ points, expire: Date.now() + 60_000 }], rowCount: 1 });
    const counted: string[] = [];
    const pool = {
      query: async (query: unknown) => {
        if (typeof query === 'string') return { rows: [{ present: true }] };
        const { values } = query as { values: unknown[] };
        counted.push(String(values[0]));
        points++;
        return rows();
      },
    } as unknown as Pool;
    const limiter = await createRequestLimiter({ ...limits, perTenant: 0 }, rateLimitStoreOf(pool), fakeLogger().logger);
    expect(await verdicts(() => limiter.consume({ viewer: viewer('u1'), address: undefined }), 6)).toEqual([
      true,
      true,
      true,
      false,
      false,
      false,
    ]);
    expect(counted).toEqual(['user:u1', 'user:u1', 'user:u1']);
    await limiter.close();
  });
});
