import type { ApolloServerPlugin } from '@apollo/server';
import { GraphQLError, type GraphQLErrorOptions, type GraphQLFormattedError } from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import { isTransactionConflict } from '../data/errors';
import { isDatabaseUnavailable } from '../db/unavailable';
import { catalogued, extensionsFor } from '../shared/error-catalogue';
import { AppError, errorBody, internalServerError, serviceUnavailable, withoutStackTrace } from '../shared/errors';
import type { GraphQLContext } from './context';

/** The ids an error is reported under; a GraphQLContext carries them all, so a resolver passes its context. */
export interface ErrorIdentity {
  requestId: string;
  traceId: string;
  viewer?: { userId: string; tenantId: string };
}

/** Receives every error no one expected (not an AppError, not a database outage) with the request's ids. */
export interface ErrorReporter {
  (error: unknown, ids: ErrorIdentity): void;
}

let reportUnexpected: ErrorReporter = () => {};

/** Where unexpected errors go (logs, error tracking); set once at start. */
export function setErrorReporter(reporter: ErrorReporter): void {
  reportUnexpected = reporter;
}

/**
 * Our own GraphQLErrors, Apollo's and graphql-js's request errors (parse, validation, variable
 * coercion) all carry a code. One without a code comes from a library that did not expect to
 * talk to a client (graphql-js wrapping a thrown Error, `@apollo/subgraph`'s own checks).
 */
export function isCoded(error: GraphQLError): boolean {
  return typeof error.extensions.code === 'string';
}

/** How an error relates to its request: whether it refuses the whole request, and where it stands in the document. */
export interface Translation {
  /**
   * The error refuses the request as a whole (HTTP context creation, a request-level check): it
   * takes its code's HTTP status. A field's error leaves the status alone, unless its code says
   * otherwise (an outage is 503 wherever it happens).
   */
  wholeRequest?: boolean;
  /** Where it stands in the document and the response. */
  at?: Pick<GraphQLErrorOptions, 'nodes' | 'source' | 'positions' | 'path'>;
}

/**
 * The one constructor of the GraphQLErrors freshgate sends: the code's extensions and HTTP
 * status come from the catalogue. A status goes with `Retry-After` when the error says how long
 * to wait; Apollo applies both to the response and removes `extensions.http`.
 */
export function graphQLErrorOf(error: AppError, translation: Translation = {}): GraphQLError {
  const entry = catalogued(error.code);
  const extensions = extensionsFor(error.code, error.extensions);
  const status = translation.wholeRequest || entry.statusEvenBesideData ? entry.status : undefined;
  if (status !== undefined) extensions.http = httpHead(status, extensions.retryAfterSeconds);
  return withoutStackTrace(new GraphQLError(error.message, { ...translation.at, extensions }));
}

function httpHead(status: number, retryAfterSeconds: unknown) {
  return typeof retryAfterSeconds === 'number' ? { status, headers: new Map([['retry-after', String(retryAfterSeconds)]]) } : { status };
}

/**
 * The one translation from use-case errors to GraphQL errors. An AppError keeps its code and
 * extensions; anything else is reported and becomes INTERNAL_SERVER_ERROR with the trace id,
 * so a client never sees a message or stack it was not meant to.
 */
export function toGraphQLError(error: unknown, ids: ErrorIdentity, translation: Translation = {}): GraphQLError {
  if (error instanceof GraphQLError) {
    if (isCoded(error)) return error;
    // graphql-js wraps what a resolver threw: the thrown error decides what the client may see.
    if (error.originalError) return toGraphQLError(error.originalError, ids, translation);
  }
  if (error instanceof AppError) return graphQLErrorOf(error, translation);
  if (isDatabaseUnavailable(error)) {
    // Not a bug: the database is restarting or unreachable. Say so, and that retrying will do.
    return graphQLErrorOf(
      serviceUnavailable('The service is temporarily unavailable; retry shortly', { retryAfterSeconds: 1, traceId: ids.traceId }),
      translation,
    );
  }
  if (isTransactionConflict(error)) {
    // A deadlock or serialization failure no use-case retried: rolled back whole, so the client
    // may retry. Still reported: a deadlock points at two writers taking locks in opposite orders.
    reportUnexpected(error, ids);
    return graphQLErrorOf(
      new AppError('CONFLICT', 'A concurrent write conflicted with this one and nothing was written; retry', {
        retryable: true,
        traceId: ids.traceId,
      }),
      translation,
    );
  }
  reportUnexpected(error, ids);
  return graphQLErrorOf(internalServerError(ids.traceId), translation);
}

/** Applied to every resolver class with `@UseMiddleware`. */
export const ErrorBoundary: MiddlewareFn<GraphQLContext> = async ({ context }, next) => {
  try {
    return await next();
  } catch (error) {
    throw toGraphQLError(error, context);
  }
};

/**
 * An error that reached the response without passing a resolver boundary (graphql-js's own
 * completion errors, a library's GraphQLError), translated like any other while the request's
 * ids are known, and kept at its place in the response (path, locations).
 */
export function escapedError(error: GraphQLError, ids: ErrorIdentity): GraphQLError {
  if (isCoded(error)) return error;
  const translated = toGraphQLError(error, ids);
  return withoutStackTrace(
    new GraphQLError(translated.message, {
      nodes: error.nodes,
      source: error.source,
      positions: error.positions,
      path: error.path,
      extensions: translated.extensions,
    }),
  );
}

// Apollo's formatError sees no request context: escaped errors are translated (and reported)
// with their request's ids when Apollo announces them, and formatError picks the result up.
const escapedTranslations = new WeakMap<GraphQLError, GraphQLError>();

/** Apollo plugin: translates the request's escaped errors before Apollo formats them. */
export function escapedErrorsPlugin(): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      return {
        async didEncounterErrors({ errors, contextValue }) {
          for (const error of errors) {
            if (!isCoded(error)) escapedTranslations.set(error, escapedError(error, contextValue));
          }
        },
      };
    },
  };
}

/**
 * Last line for both HTTP and ws responses: no stack traces leave the process, and an uncoded
 * error that was not translated on its way here is masked all the same. Apollo passes the
 * error itself second; ws callers pass errors already translated.
 */
export function formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError {
  const translated = error instanceof GraphQLError ? escapedTranslations.get(error) : undefined;
  const uncoded = error === undefined ? formatted.extensions?.code === undefined : !(error instanceof GraphQLError && isCoded(error));
  // toGraphQLError answers an internal error with its trace id; one without came another way,
  // with whatever message its library gave it.
  const untraced = formatted.extensions?.code === 'INTERNAL_SERVER_ERROR' && formatted.extensions.traceId === undefined;
  const safe = translated ? translated.toJSON() : uncoded || untraced ? masked(formatted) : formatted;
  if (!safe.extensions) return safe;
  const { stacktrace: _stacktrace, exception: _exception, http: _http, ...extensions } = safe.extensions as Record<string, unknown>;
  return { ...safe, extensions };
}

function masked(formatted: GraphQLFormattedError): GraphQLFormattedError {
  const { locations, path } = formatted;
  const [error] = errorBody(internalServerError()).errors;
  return { message: error.message, ...(locations ? { locations } : {}), ...(path ? { path } : {}), extensions: error.extensions };
}

/** What every error sent to a client, over HTTP or ws, goes through last. */
export function responseErrorFormatter(
  fieldSuggestions: boolean,
): (formatted: GraphQLFormattedError, error?: unknown) => GraphQLFormattedError {
  return fieldSuggestions ? formatError : (formatted, error) => withoutSuggestions(formatError(formatted, error));
}

const SUGGESTION = /\s*Did you mean [^?]*\?/g;

/**
 * Drops graphql-js's "Did you mean …?" hints (field, argument, input-field, enum-value and type
 * names) from a message. Apollo's hideSchemaDetailsFromClientErrors covers validation errors
 * only; variable coercion errors carry the same hints and need this too.
 */
export function withoutSuggestions(formatted: GraphQLFormattedError): GraphQLFormattedError {
  return formatted.message.includes('Did you mean') ? { ...formatted, message: stripSuggestions(formatted.message) } : formatted;
}

/** The same, on a bare message: for validation and variable errors translated before they are formatted. */
export function stripSuggestions(message: string): string {
  return message.replace(SUGGESTION, '');
}
