import { GraphQLError } from 'graphql';
import { graphQLErrorOf } from '../../../src/graphql/errors';
import { rateLimited } from '../../../src/ratelimit/rate-limited-error';
import { combineOutcomes, retryAfterSeconds, type Outcome } from '../../../src/ratelimit/verdict';

describe('retryAfterSeconds', () => {
  it.each([
    [1, 1],
    [999, 1],
    [1000, 1],
    [1001, 2],
    [59_500, 60],
    [0, 1],
    [-1, 1],
    [Number.NaN, 1],
  ])('%p ms → %p s', (ms, seconds) => {
    expect(retryAfterSeconds(ms)).toBe(seconds);
  });
});

describe('combineOutcomes', () => {
  const allowed = (scope: Outcome['scope']): Outcome => ({ scope, kind: 'allowed' });
  const limited = (scope: Outcome['scope'], msBeforeNext: number): Outcome => ({ scope, kind: 'limited', msBeforeNext });

  it('allows when every budget allows', () => {
    expect(combineOutcomes([allowed('user'), allowed('tenant')])).toEqual({ allowed: true });
    expect(combineOutcomes([])).toEqual({ allowed: true });
  });

  it('refuses when any budget is used up, naming it', () => {
    expect(combineOutcomes([allowed('user'), limited('tenant', 12_300)])).toEqual({
      allowed: false,
      scope: 'tenant',
      retryAfterSeconds: 13,
    });
    expect(combineOutcomes([limited('ip', 500)])).toEqual({ allowed: false, scope: 'ip', retryAfterSeconds: 1 });
  });

  it('with several used up, waits for the one that resets last', () => {
    expect(combineOutcomes([limited('user', 40_000), limited('tenant', 5_000)])).toEqual({
      allowed: false,
      scope: 'user',
      retryAfterSeconds: 40,
    });
    expect(combineOutcomes([limited('user', 4_000), limited('tenant', 50_000)])).toEqual({
      allowed: false,
      scope: 'tenant',
      retryAfterSeconds: 50,
    });
  });

  it('lets a request through when a budget could not answer at all', () => {
    expect(combineOutcomes([{ scope: 'user', kind: 'failed', error: new Error('db down') }, allowed('tenant')])).toEqual({ allowed: true });
    expect(combineOutcomes([{ scope: 'user', kind: 'failed', error: new Error('db down') }, limited('tenant', 2_000)])).toMatchObject({
      allowed: false,
      scope: 'tenant',
    });
  });
});

describe('rateLimited, as the edge sends it', () => {
  it('is RATE_LIMITED with retryAfterSeconds and the scope', () => {
    const error = graphQLErrorOf(rateLimited({ scope: 'user', retryAfterSeconds: 7 }));
    expect(error).toBeInstanceOf(GraphQLError);
    expect(error.extensions).toEqual({ code: 'RATE_LIMITED', retryAfterSeconds: 7, scope: 'user' });
    expect(error.message).toMatch(/retry after 7 s/);
  });

  it('on HTTP, asks Apollo for 429 and a Retry-After header', () => {
    const error = graphQLErrorOf(rateLimited({ scope: 'ip', retryAfterSeconds: 30 }), { wholeRequest: true });
    const http = error.extensions.http as { status: number; headers: Map<string, string> };
    expect(http.status).toBe(429);
    expect(http.headers).toBeInstanceOf(Map);
    expect([...http.headers]).toEqual([['retry-after', '30']]);
  });
});
