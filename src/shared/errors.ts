/**
 * Errors the use-cases raise, with the client-facing codes of DESIGN §4. The GraphQL layer
 * turns them into GraphQLErrors; nothing below it imports graphql.
 */
export type ErrorCode =
  | 'UNAUTHENTICATED'
  | 'FORBIDDEN'
  | 'RIGHTS_EXPORT_BLOCKED'
  | 'PRICING_PACK_WARMING'
  | 'PRICING_PACK_ERROR'
  | 'NO_PRICING_PACK'
  | 'PATTERN_NOT_FOUND'
  | 'NOT_FOUND'
  | 'BAD_USER_INPUT'
  | 'INSUFFICIENT_CREDITS'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'PRECONDITION_FAILED'
  | 'CONFLICT'
  | 'RATE_LIMITED'
  | 'INTERNAL_SERVER_ERROR';

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

export const unauthenticated = (message = 'A valid bearer token is required') => new AppError('UNAUTHENTICATED', message);
export const forbidden = (message = 'Not allowed') => new AppError('FORBIDDEN', message);
