import { AppError } from '../shared/errors';
import type { LimitScope } from './verdict';

const BUDGET: Record<LimitScope, string> = {
  user: "this user's",
  tenant: "this tenant's",
  ip: "this address's anonymous",
};

/**
 * RATE_LIMITED with `retryAfterSeconds` and `scope`. The edge turns it into the GraphQL error
 * (over HTTP, a refusal of the whole request: 429 with a Retry-After header).
 */
export function rateLimited(verdict: { scope: LimitScope; retryAfterSeconds: number }): AppError {
  const { scope, retryAfterSeconds } = verdict;
  return new AppError(
    'RATE_LIMITED',
    `Rate limit exceeded: ${BUDGET[scope]} request budget is used up; retry after ${retryAfterSeconds} s`,
    { retryAfterSeconds, scope },
  );
}
