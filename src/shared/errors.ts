import { extensionsFor, type ErrorCode } from './error-catalogue';

export type { ErrorCode } from './error-catalogue';

/**
 * Errors the use-cases raise, with a code of the catalogue (error-catalogue.ts). The GraphQL
 * layer turns them into GraphQLErrors; nothing below it imports graphql.
 */
export class AppError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly extensions: Record<string, unknown> = {},
  ) {
    super(message);
    this.name = 'AppError';
    withoutStackTrace(this);
  }
}

/**
 * Replaces an error's stack trace by its first line, for errors that answer a caller (a refusal,
 * bad input) rather than report a bug: no one reads their frames, and formatting them — graphql-js
 * does when it wraps an error — maps every frame through the source maps (`--enable-source-maps`),
 * which measured ~0.7 ms of a ~2 ms freshness-gate refusal. Unexpected errors keep their stacks.
 */
export function withoutStackTrace<E extends Error>(error: E): E {
  Object.defineProperty(error, 'stack', { value: `${error.name}: ${error.message}`, writable: true, configurable: true });
  return error;
}

/** One problem with a caller's input: where it is (the input's path) and what is wrong. */
export interface InputIssue {
  path: string;
  message: string;
}

/** A BAD_USER_INPUT error that reports each problem at the input it concerns. */
export function badInput(message: string, issues: InputIssue[]): AppError {
  return new AppError('BAD_USER_INPUT', message, { issues, path: issues.map((i) => i.path) });
}

/**
 * Every credential problem — no token where one is needed, a bad token, an unknown user, a bad
 * `connectionParams.authorization`, a missing router secret or ops token — is this error; the
 * edges give it its status (401) or close code (4403) from the catalogue.
 */
export const unauthenticated = (message = 'A valid bearer token is required') => new AppError('UNAUTHENTICATED', message);
/** The caller is known, but its roles or tenant do not allow what it asked for. */
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);

/**
 * A SERVICE_UNAVAILABLE error: the server cannot answer now (shutting down, the database away),
 * and the same request may succeed later.
 */
export function serviceUnavailable(message: string, extensions: Record<string, unknown> = {}): AppError {
  return new AppError('SERVICE_UNAVAILABLE', message, extensions);
}

/** What a client learns of an unexpected error: that it happened, and the trace id it was logged under. */
export function internalServerError(traceId?: string): AppError {
  return new AppError('INTERNAL_SERVER_ERROR', 'Internal server error', traceId === undefined ? {} : { traceId });
}

/** An error as GraphQL clients read it, outside any GraphQL response: plain HTTP, a graphql-ws `next`. */
export interface ErrorBody {
  errors: [{ message: string; extensions: Record<string, unknown> }];
}

/** The response body of an error raised outside GraphQL execution, with the extensions the catalogue gives its code. */
export function errorBody(error: AppError): ErrorBody {
  return { errors: [{ message: error.message, extensions: extensionsFor(error.code, error.extensions) }] };
}
