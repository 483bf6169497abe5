/** Which budget a request was counted against. */
export type LimitScope = 'user' | 'tenant' | 'ip';

/** The limiter's answer to a request: allowed, or refused with the budget that refused it and how long to wait. */
export type Verdict = { allowed: true } | { allowed: false; scope: LimitScope; retryAfterSeconds: number };

/** The one allowed verdict, shared, and frozen so that no caller can change it. */
export const ALLOWED: Verdict = Object.freeze({ allowed: true });

/** What one budget said: within it, over it (with the time until its window resets), or no answer. */
export type Outcome =
  | { scope: LimitScope; kind: 'allowed' }
  | { scope: LimitScope; kind: 'limited'; msBeforeNext: number }
  | { scope: LimitScope; kind: 'failed'; error: unknown };

/** Whole seconds, at least 1: `Retry-After: 0` would invite an immediate, equally refused retry. */
export function retryAfterSeconds(msBeforeNext: number): number {
  return Number.isFinite(msBeforeNext) && msBeforeNext > 0 ? Math.max(1, Math.ceil(msBeforeNext / 1000)) : 1;
}

/**
 * All budgets a request counts against must allow it. When several are exhausted, the caller
 * has to wait for the last of them to reset, so that one names the scope and the wait. A budget
 * that could not answer (store down and its fallback failed too) does not refuse the request:
 * the limiter protects the service, it must not become the outage.
 */
export function combineOutcomes(outcomes: readonly Outcome[]): Verdict {
  let worst: { scope: LimitScope; msBeforeNext: number } | undefined;
  for (const outcome of outcomes) {
    if (outcome.kind !== 'limited') continue;
    if (!worst || outcome.msBeforeNext > worst.msBeforeNext) worst = { scope: outcome.scope, msBeforeNext: outcome.msBeforeNext };
  }
  return worst ? { allowed: false, scope: worst.scope, retryAfterSeconds: retryAfterSeconds(worst.msBeforeNext) } : ALLOWED;
}
