import { GraphQLError } from 'graphql';
import type { LimitScope } from './verdict';

const BUDGET: Record<LimitScope, string> = {
  user: "this user's",
  tenant: "this tenant's",
  ip: "this address's anonymous",
};

/**
 * RATE_LIMITED with `retryAfterSeconds` (DESIGN §4) and `scope`. With `http`, Apollo answers
 * 429 with a Retry-After header (it reads and removes `extensions.http`).
 */
export function rateLimitedError(verdict: { scope: LimitScope; retryAfterSeconds: number }, options: { http?: boolean } = {}): GraphQLError {
  const { scope, retryAfterSeconds } = verdict;
  return new GraphQLError(`Rate limit exceeded: ${BUDGET[scope]} request budget is used up; retry after ${retryAfterSeconds} s`, {
    extensions: {
      code: 'RATE_LIMITED',
      retryAfterSeconds,
      scope,
      ...(options.http ? { http: { status: 429, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } } : {}),
    },
  });
}
