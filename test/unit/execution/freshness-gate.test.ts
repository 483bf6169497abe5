import type { PricingPackRecord } from '../../../src/data/packs/pack-repository';
import { freshnessGate } from '../../../src/execution/freshness-gate';
import { AppError } from '../../../src/shared/errors';

const ETA_MS = 15 * 60_000;
const UPDATED_AT = new Date('2026-11-20T18:00:00.000Z');

function pack(overrides: Partial<PricingPackRecord> = {}): PricingPackRecord {
  return {
    id: 'pack-2026-11-20',
    date: '2026-11-20',
    policy: 'EOD_USD',
    hash: 'sha256:' + 'ab'.repeat(32),
    status: 'WARMING',
    supersededById: null,
    sources: ['FMP', 'FRED'],
    isFresh: false,
    prewarmDone: false,
    reconciliationPassed: false,
    reconciliationFailed: false,
    reconciliationErrorBps: null,
    errorMessage: null,
    createdAt: new Date('2026-11-20T17:55:00.000Z'),
    updatedAt: UPDATED_AT,
    ...overrides,
  };
}
const fresh = (overrides: Partial<PricingPackRecord> = {}) =>
  pack({ status: 'FRESH', isFresh: true, prewarmDone: true, reconciliationPassed: true, reconciliationErrorBps: 0.4, ...overrides });
const failed = (overrides: Partial<PricingPackRecord> = {}) =>
  pack({
    status: 'ERROR',
    reconciliationFailed: true,
    reconciliationErrorBps: 42,
    errorMessage: 'AAPL differs by 42 bps between FMP and Polygon',
    ...overrides,
  });

function gateError(run: () => unknown): AppError {
  let caught: unknown;
  try {
    run();
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(AppError);
  return caught as AppError;
}

describe('freshnessGate', () => {
  it.each([true, false])('reconciliation failed → PRICING_PACK_ERROR with packId and errorMessage (requireFresh %p)', (requireFresh) => {
    const error = gateError(() => freshnessGate(failed(), requireFresh, ETA_MS, UPDATED_AT));
    expect(error.code).toBe('PRICING_PACK_ERROR');
    expect(error.extensions).toEqual({ packId: 'pack-2026-11-20', errorMessage: 'AAPL differs by 42 bps between FMP and Polygon' });
    expect(error.message).toContain('pack-2026-11-20');
    expect(error.message).toContain('AAPL differs by 42 bps');
  });

  it('reconciliation failed blocks even a pack flagged fresh, and without a message', () => {
    const error = gateError(() => freshnessGate(failed({ isFresh: true, errorMessage: null }), false, ETA_MS));
    expect(error.code).toBe('PRICING_PACK_ERROR');
    expect(error.extensions).toEqual({ packId: 'pack-2026-11-20', errorMessage: null });
  });

  it('warming + requireFresh → PRICING_PACK_WARMING with packId, estimatedReady = updatedAt + ETA, retryAfterSeconds', () => {
    const now = new Date(UPDATED_AT.getTime() + 5 * 60_000); // 10 min left
    const error = gateError(() => freshnessGate(pack(), true, ETA_MS, now));
    expect(error.code).toBe('PRICING_PACK_WARMING');
    expect(error.extensions).toEqual({ packId: 'pack-2026-11-20', estimatedReady: '2026-11-20T18:15:00.000Z', retryAfterSeconds: 600 });
  });

  it('retryAfterSeconds rounds up to whole seconds', () => {
    const now = new Date(UPDATED_AT.getTime() + ETA_MS - 1_500); // 1.5 s left
    expect(gateError(() => freshnessGate(pack(), true, ETA_MS, now)).extensions.retryAfterSeconds).toBe(2);
    const almost = new Date(UPDATED_AT.getTime() + ETA_MS - 1); // 1 ms left
    expect(gateError(() => freshnessGate(pack(), true, ETA_MS, almost)).extensions.retryAfterSeconds).toBe(1);
  });

  it('retryAfterSeconds is at least 1 when the estimate has already passed', () => {
    for (const late of [0, 1, 60 * 60_000]) {
      const now = new Date(UPDATED_AT.getTime() + ETA_MS + late);
      const error = gateError(() => freshnessGate(pack(), true, ETA_MS, now));
      expect(error.extensions.retryAfterSeconds).toBe(1);
      expect(error.extensions.estimatedReady).toBe('2026-11-20T18:15:00.000Z');
    }
  });

  it('estimatedReady follows updatedAt and the configured ETA', () => {
    const error = gateError(() =>
      freshnessGate(pack({ updatedAt: new Date('2026-11-21T09:30:00.000Z') }), true, 90_000, new Date('2026-11-21T09:30:00.000Z')),
    );
    expect(error.extensions).toMatchObject({ estimatedReady: '2026-11-21T09:31:30.000Z', retryAfterSeconds: 90 });
  });

  it('warming + requireFresh false → runs, marked not fresh', () => {
    expect(freshnessGate(pack(), false, ETA_MS, UPDATED_AT)).toEqual({ packIsFresh: false });
  });

  it.each([true, false])('fresh → runs, marked fresh (requireFresh %p)', (requireFresh) => {
    expect(freshnessGate(fresh(), requireFresh, ETA_MS, UPDATED_AT)).toEqual({ packIsFresh: true });
  });

  it('a superseded pack that was fresh passes (pinned reproduction)', () => {
    expect(freshnessGate(fresh({ status: 'SUPERSEDED', supersededById: 'pack-2026-11-20-b' }), true, ETA_MS, UPDATED_AT)).toEqual({
      packIsFresh: true,
    });
  });

  it('a superseded pack that never became fresh → PRICING_PACK_WARMING with no retry hint', () => {
    const error = gateError(() =>
      freshnessGate(pack({ status: 'SUPERSEDED', supersededById: 'pack-2026-11-20-b' }), true, ETA_MS, UPDATED_AT),
    );
    expect(error.code).toBe('PRICING_PACK_WARMING');
    expect(error.extensions).toEqual({ packId: 'pack-2026-11-20', estimatedReady: null, retryAfterSeconds: null });
    expect(error.message).toContain('pack-2026-11-20-b');
  });

  it('a superseded never-fresh pack still runs with requireFresh false, marked not fresh', () => {
    expect(freshnessGate(pack({ supersededById: 'pack-2026-11-20-b' }), false, ETA_MS, UPDATED_AT)).toEqual({ packIsFresh: false });
  });
});
