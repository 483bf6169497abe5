import { GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { isDatabaseUnavailable } from '../db/unavailable';
import { AppError } from '../shared/errors';
import type { GraphQLContext } from './context';

export interface ErrorIdentity {
  requestId: string;
  traceId: string;
  viewer?: { userId: string; tenantId: string };
}

export interface ErrorReporter {
  (error: unknown, ids: ErrorIdentity): void;
}

let reportUnexpected: ErrorReporter = () => {};

/** Where unexpected errors go (logs, error tracking); set once at start. */
export function setErrorReporter(reporter: ErrorReporter): void {
  reportUnexpected = reporter;
}

/**
 * The one translation from use-case errors to GraphQL errors. An AppError keeps its code and
 * extensions; anything else is reported and becomes INTERNAL_SERVER_ERROR with the trace id,
 * so a client never sees a message or stack it was not meant to.
 */
export function toGraphQLError(error: unknown, ids: ErrorIdentity): GraphQLError {
  if (error instanceof GraphQLError) return error;
  if (error instanceof AppError) {
    return new GraphQLError(error.message, { extensions: { ...error.extensions, code: error.code } });
  }
  if (isDatabaseUnavailable(error)) {
    // Not a bug: the database is restarting or unreachable. Say so, and that retrying will do.
    return new GraphQLError('The service is temporarily unavailable; retry shortly', {
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 1, traceId: ids.traceId, http: { status: 503 } },
    });
  }
  reportUnexpected(error, ids);
  return internalError(ids.traceId);
}

export function internalError(traceId: string): GraphQLError {
  return new GraphQLError('Internal server error', { extensions: { code: 'INTERNAL_SERVER_ERROR', traceId } });
}

/** Applied to every resolver class with @UseMiddleware. */
export const ErrorBoundary: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  try {
    return await next();
  } catch (error) {
    throw toGraphQLError(error, context);
  }
};

/**
 * Last line for both HTTP and ws responses: no stack traces leave the process, and neither does
 * the message of an internal error that did not come through toGraphQLError (which answers with
 * a trace id): a driver's or library's message, which may carry SQL, file paths and source lines.
 */
export function formatError(formatted: GraphQLFormattedError): GraphQLFormattedError {
  if (!formatted.extensions) return formatted;
  const { stacktrace: _stacktrace, exception: _exception, ...extensions } = formatted.extensions as Record<string, unknown>;
  if (extensions.code === 'INTERNAL_SERVER_ERROR' && extensions.traceId === undefined) {
    return { message: 'Internal server error', locations: formatted.locations, path: formatted.path, extensions: { code: 'INTERNAL_SERVER_ERROR' } };
  }
  return { ...formatted, extensions };
}
