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
  }
}

export interface InputIssue {
  path: string;
  message: string;
}

export function badInput(message: string, issues: InputIssue[]): AppError {
  return new AppError('BAD_USER_INPUT', message, { issues, path: issues.map((i) => i.path) });
}

/**
 * Every credential problem — no token where one is needed, a bad token, an unknown user, a bad
 * `connectionParams.authorization`, a missing router secret or ops token — is this error; the
 * edges give it its status (401) or close code (4403) from the catalogue.
 */
export const unauthenticated = (message = 'A valid bearer token is required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);

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

export function errorBody(error: AppError): ErrorBody {
  return { errors: [{ message: error.message, extensions: extensionsFor(error.code, error.extensions) }] };
}
