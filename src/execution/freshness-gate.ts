import type { PricingPackRecord } from '../data/packs/pack-repository';
import { AppError } from '../shared/errors';

/** The gate's answer when it lets a run through (a refusal is thrown instead). */
export interface GateDecision {
  /** The pack runs even though it is not fresh (requireFresh: false): results say so. */
  packIsFresh: boolean;
}

/**
 * The freshness gate. A failed reconciliation blocks always; a pack that is not fresh blocks
 * unless the caller opts out with requireFresh: false. A superseded pack that was fresh passes:
 * pinning it is how an old result is reproduced.
 */
export function freshnessGate(pack: PricingPackRecord, requireFresh: boolean, warmingEtaMs: number, now = new Date()): GateDecision {
  if (pack.reconciliationFailed) {
    throw new AppError('PRICING_PACK_ERROR', `Pricing pack ${pack.id} failed reconciliation: ${pack.errorMessage ?? 'no reason given'}`, {
      packId: pack.id,
      errorMessage: pack.errorMessage,
    });
  }
  if (pack.isFresh) return { packIsFresh: true };
  if (!requireFresh) return { packIsFresh: false };
  if (pack.supersededById) {
    // It will never become fresh: waiting would not help, so no retry hint.
    throw new AppError('PRICING_PACK_WARMING', `Pricing pack ${pack.id} was superseded by ${pack.supersededById} before it became fresh`, {
      packId: pack.id,
      estimatedReady: null,
      retryAfterSeconds: null,
    });
  }
  const estimatedReady = new Date(pack.updatedAt.getTime() + warmingEtaMs);
  const retryAfterSeconds = Math.max(1, Math.ceil((estimatedReady.getTime() - now.getTime()) / 1000));
  throw new AppError('PRICING_PACK_WARMING', `Pricing pack ${pack.id} is still warming; retry after ${estimatedReady.toISOString()}`, {
    packId: pack.id,
    estimatedReady: estimatedReady.toISOString(),
    retryAfterSeconds,
  });
}
