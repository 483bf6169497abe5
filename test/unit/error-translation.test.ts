import { GraphQLError } from 'graphql';
import { graphQLErrorOf, setErrorReporter, toGraphQLError } from '../../src/graphql/errors';
import { AppError, badInput, unauthenticated } from '../../src/shared/errors';

const IDS = { requestId: 'r1', traceId: 't1' };
const httpOf = (error: GraphQLError) => error.extensions.http as { status: number; headers?: Map<string, string> } | undefined;

describe('graphQLErrorOf: code, extensions and status from the catalogue', () => {
  it('a field’s error keeps its extensions and leaves the response status alone', () => {
    const error = graphQLErrorOf(new AppError('NOT_FOUND', 'No execution e1', { executionId: 'e1' }));
    expect(error.message).toBe('No execution e1');
    expect(error.extensions).toEqual({ code: 'NOT_FOUND', executionId: 'e1' });
  });

  it('a refusal of the whole request takes its code’s status', () => {
    expect(httpOf(graphQLErrorOf(unauthenticated(), { wholeRequest: true }))).toEqual({ status: 401 });
    expect(httpOf(graphQLErrorOf(new AppError('BAD_REQUEST', 'no'), { wholeRequest: true }))).toEqual({ status: 400 });
  });

  it('with retryAfterSeconds, the status goes with Retry-After', () => {
    const http = httpOf(
      graphQLErrorOf(new AppError('RATE_LIMITED', 'slow down', { retryAfterSeconds: 12, scope: 'user' }), { wholeRequest: true }),
    );
    expect(http?.status).toBe(429);
    expect([...(http?.headers ?? [])]).toEqual([['retry-after', '12']]);
  });

  it('a code without a request status has none even as a refusal (FORBIDDEN is only a field’s error)', () => {
    expect(httpOf(graphQLErrorOf(new AppError('FORBIDDEN', 'Not allowed'), { wholeRequest: true }))).toBeUndefined();
  });

  it('keeps its place in the document and the response', () => {
    const error = graphQLErrorOf(badInput('Invalid input at id', [{ path: 'id', message: 'NUL' }]), { at: { path: ['pricingPack'] } });
    expect(error.toJSON()).toEqual({
      message: 'Invalid input at id',
      path: ['pricingPack'],
      extensions: { code: 'BAD_USER_INPUT', issues: [{ path: 'id', message: 'NUL' }], path: ['id'] },
    });
  });
});

describe('toGraphQLError', () => {
  const reported: unknown[] = [];
  beforeAll(() => setErrorReporter((error) => reported.push(error)));
  afterAll(() => setErrorReporter(() => {}));
  beforeEach(() => (reported.length = 0));

  it('an unreachable database is SERVICE_UNAVAILABLE, retryable, 503 with Retry-After wherever it happens', () => {
    const outage = Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' });
    for (const error of [toGraphQLError(outage, IDS), toGraphQLError(outage, IDS, { wholeRequest: true })]) {
      const { http, ...extensions } = error.extensions;
      expect(extensions).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 1, traceId: 't1' });
      expect((http as { status: number }).status).toBe(503);
      expect([...(http as { headers: Map<string, string> }).headers]).toEqual([['retry-after', '1']]);
    }
    expect(reported).toEqual([]);
  });

  it('anything unexpected is reported and becomes INTERNAL_SERVER_ERROR with the trace id, its message kept from the client', () => {
    const error = toGraphQLError(new Error('relation "x" does not exist'), IDS);
    expect(error.toJSON()).toEqual({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: 't1' } });
    expect(reported).toHaveLength(1);
  });

  it('what a resolver threw, wrapped by graphql-js, is translated by what was thrown', () => {
    const wrapped = new GraphQLError('wrapped', { originalError: unauthenticated('The token has expired') });
    expect(toGraphQLError(wrapped, IDS, { wholeRequest: true }).extensions).toEqual({ code: 'UNAUTHENTICATED', http: { status: 401 } });
  });

  it('a coded GraphQLError passes as it is', () => {
    const coded = new GraphQLError('x', { extensions: { code: 'GRAPHQL_PARSE_FAILED' } });
    expect(toGraphQLError(coded, IDS)).toBe(coded);
  });
});

describe('errors that answer a caller carry no stack frames', () => {
  const framesOf = (error: Error) => (error.stack ?? '').split('\n').filter((line) => line.trim().startsWith('at '));

  it('an AppError, and the GraphQLError made of it, and the one graphql-js wraps it in', () => {
    const app = new AppError('PRICING_PACK_WARMING', 'The pricing pack is warming');
    expect(app.stack).toBe('AppError: The pricing pack is warming');
    const graphQLError = graphQLErrorOf(app);
    expect(framesOf(graphQLError)).toEqual([]);
    // graphql-js locates a resolver's error by wrapping it and copying its stack.
    const located = new GraphQLError(graphQLError.message, { path: ['executePattern'], originalError: graphQLError });
    expect(framesOf(located)).toEqual([]);
    expect(located.stack).toContain('The pricing pack is warming');
  });

  it('an unexpected error is reported with its frames', () => {
    const reported: unknown[] = [];
    setErrorReporter((error) => reported.push(error));
    try {
      toGraphQLError(new TypeError('bug'), IDS);
    } finally {
      setErrorReporter(() => {});
    }
    expect(framesOf(reported[0] as Error).length).toBeGreaterThan(0);
  });
});
