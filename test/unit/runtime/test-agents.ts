import type { RequestCtx } from '../../../src/runtime/capability';

/** A complete RequestCtx for unit tests; override what a test cares about. */
export function testCtx(overrides: Partial<RequestCtx> = {}): RequestCtx {
  return Object.freeze({
    userId: 'user-1',
    tenantId: 'tenant-1',
    pricingPackId: 'pack-2026-11-20',
    pricingPackCreatedAt: '2026-11-20T18:00:00.000Z',
    policy: 'EOD_USD',
    packBaseCurrency: 'USD',
    baseCurrency: 'USD',
    ledgerCommitHash: 'c0ffee',
    portfolioId: 'portfolio-1',
    asofDate: '2026-11-20',
    defaultStart: '2025-11-20',
    requireFresh: true,
    packIsFresh: true,
    traceId: 'trace-1',
    requestId: 'request-1',
    ...overrides,
  });
}

/** Resolves after ms, or rejects as soon as the signal aborts (so timed-out agents leave no timers behind). */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(new Error('aborted'));
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    const onAbort = () => {
      clearTimeout(timer);
      reject(new Error('aborted'));
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
