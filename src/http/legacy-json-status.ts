import type { ApolloServerPlugin } from '@apollo/server';
import Negotiator from 'negotiator';
import type { ErrorCode } from '../shared/error-catalogue';

const GRAPHQL_RESPONSE_JSON = 'application/graphql-response+json';
/** Failures of the request as a whole, before any field ran: the document or its variables. */
const REQUEST_ERROR_CODES: ReadonlySet<string> = new Set<ErrorCode>([
  'GRAPHQL_PARSE_FAILED',
  'GRAPHQL_VALIDATION_FAILED',
  'BAD_USER_INPUT',
]);

/**
 * GraphQL over HTTP: a client that accepts only the legacy `application/json` cannot tell a
 * GraphQL response from a proxy's error page by status, so the spec says such a response SHOULD
 * be 200 with its `errors`; 4xx codes are for clients that accept
 * `application/graphql-response+json` (and those that accept anything, such as `*\/*`, keep them
 * too, as Apollo answers them today).
 */
export function legacyJsonStatus<C extends object>(): ApolloServerPlugin<C> {
  return {
    async requestDidStart({ request }) {
      const accept = request.http?.headers.get('accept');
      if (!accept || new Negotiator({ headers: { accept } }).mediaTypes([GRAPHQL_RESPONSE_JSON]).length > 0) return;
      if (new Negotiator({ headers: { accept } }).mediaTypes(['application/json']).length === 0) return;
      return {
        async willSendResponse({ response, errors }) {
          if (response.http.status !== 400 || !errors || errors.length === 0) return;
          if (errors.every((e) => REQUEST_ERROR_CODES.has(String(e.extensions?.code)))) response.http.status = 200;
        },
      };
    },
  };
}
