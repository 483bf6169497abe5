import type { GraphQLError } from 'graphql';
import { graphQLErrorOf } from '../graphql/errors';
import { AppError } from '../shared/errors';
import type { LimitScope } from './verdict';

const BUDGET: Record<LimitScope, string> = {
  user: "this user's",
  tenant: "this tenant's",
  ip: "this address's anonymous",
};

/**
 * RATE_LIMITED with `retryAfterSeconds` (DESIGN §4) and `scope`. With `http` it refuses the HTTP
 * request as a whole: Apollo answers 429 with a Retry-After header.
 */
export function rateLimitedError(verdict: { scope: LimitScope; retryAfterSeconds: number }, options: { http?: boolean } = {}): GraphQLError {
  const { scope, retryAfterSeconds } = verdict;
  const error = new AppError('RATE_LIMITED', `Rate limit exceeded: ${BUDGET[scope]} request budget is used up; retry after ${retryAfterSeconds} s`, { retryAfterSeconds, scope });
  return graphQLErrorOf(error, { wholeRequest: options.http });
}
