import { LRUCache } from 'lru-cache';
import { RateLimiterRes, type RateLimiterAbstract } from './limiter-classes';

/** Within the budget, or over it until the shared window resets. */
export type LeaseAnswer = { kind: 'allowed' } | { kind: 'limited'; msBeforeNext: number };

interface Lease {
  remaining: number;
  refused: boolean;
  expiresAt: number;
}

/** Keys with a live lease this instance remembers; older ones are dropped (and re-leased). */
const MAX_LEASES = 100_000;

/**
 * Blocks of points taken from a shared store (rate-limiter-flexible on PostgreSQL) and spent
 * in memory, so a busy key costs one database round trip per block instead of one per request.
 *
 * The shared counter still decides: a block is granted only while the key's window has room,
 * and a refusal is remembered until that window resets. The price is precision — an instance
 * may hold up to a block and a quarter of unspent points when a window ends, and the last partial
 * block of a window is not granted — so `block` is kept small against the limit (see `leaseBlock`).
 * Concurrent requests for one key share one refill.
 *
 * The next block is asked for when a quarter of the current one is left, without anyone waiting
 * for it: a busy key's requests then never wait for the store, whose round trip and commit were
 * what the slowest 1–2 % of requests waited for. Blocks under 4 points are only asked for when
 * spent, so small budgets stay exact.
 */
export class LeasedBudget {
  private readonly leases = new LRUCache<string, Lease>({ max: MAX_LEASES });
  private readonly refills = new Map<string, Promise<void>>();
  /** Points left in a block when the next one is asked for ahead (0: only when spent). */
  private readonly lowWater: number;

  constructor(
    private readonly store: RateLimiterAbstract,
    private readonly block: number,
  ) {
    this.lowWater = Math.floor(block / 4);
  }

  async consume(key: string): Promise<LeaseAnswer> {
    for (;;) {
      const lease = this.leases.get(key);
      const now = Date.now();
      if (lease && now < lease.expiresAt) {
        if (lease.remaining > 0) {
          lease.remaining--;
          if (lease.remaining === this.lowWater && this.lowWater > 0 && !lease.refused) this.refillAhead(key);
          return { kind: 'allowed' };
        }
        if (lease.refused) return { kind: 'limited', msBeforeNext: lease.expiresAt - now };
      }
      let refill = this.refills.get(key);
      if (!refill) {
        refill = this.refill(key).finally(() => this.refills.delete(key));
        this.refills.set(key, refill);
      }
      await refill; // a store failure propagates to the caller
    }
  }

  /** Starts the next block's refill in the background; a store failure is left to the refill of the request that needs it. */
  private refillAhead(key: string): void {
    if (this.refills.has(key)) return;
    const refill = this.refill(key)
      .catch(() => {})
      .finally(() => this.refills.delete(key));
    this.refills.set(key, refill);
  }

  private async refill(key: string): Promise<void> {
    try {
      const granted = await this.store.consume(key, this.block);
      this.remember(key, { remaining: this.unspent(key) + this.block, refused: false }, granted.msBeforeNext);
    } catch (rejection) {
      if (!(rejection instanceof RateLimiterRes)) throw rejection;
      // Points already granted in this window are still spent first; then the key is refused until it resets.
      this.remember(key, { remaining: this.unspent(key), refused: true }, rejection.msBeforeNext);
    }
  }

  /** The points of the key's lease still in force (a refill ahead lands while some are left). */
  private unspent(key: string): number {
    const lease = this.leases.get(key);
    return lease && Date.now() < lease.expiresAt ? lease.remaining : 0;
  }

  private remember(key: string, lease: Omit<Lease, 'expiresAt'>, msBeforeNext: number): void {
    // At least 1 ms ahead, so a lease read right after it is written is still in force.
    const ttl = Math.max(1, msBeforeNext);
    this.leases.set(key, { ...lease, expiresAt: Date.now() + ttl }, { ttl });
  }
}

/**
 * Points per block for a budget of `points` a window: 2 % of it, between 1 and 100, so small
 * budgets stay exact and the imprecision stays a small share of any budget.
 */
export function leaseBlock(points: number): number {
  return Math.min(100, Math.max(1, Math.floor(points / 50)));
}
