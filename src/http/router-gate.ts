import type { onRequestHookHandler } from 'fastify';
import type { IncomingHttpHeaders } from 'node:http';
import { unauthenticated } from '../shared/errors';
import { refusal, type HttpRefusal } from './refusals';
import { secretMatches } from './secrets';

/** Where a router presents ROUTER_SECRET, on every HTTP request and WebSocket upgrade. */
export const ROUTER_HEADER = 'router-authorization';

const THROUGH_THE_ROUTER = refusal(unauthenticated('Requests must come through the router'));

/** The ROUTER_SECRET check, as a plain function for WebSocket upgrades and as a hook for the HTTP route. */
export interface RouterGate {
  /** The refusal of a request that did not present the secret; undefined when it may pass. */
  refusal(headers: IncomingHttpHeaders): HttpRefusal | undefined;
  /**
   * The same as a route hook: on the route itself, so it holds for whatever spelling of the
   * target fastify routes there (percent-encoded, absolute-form, with a query string), and
   * refuses before the body is read or parsed.
   */
  onRequest: onRequestHookHandler;
}

/** With ROUTER_SECRET set, the router is the only caller the GraphQL route accepts; without, everyone passes. */
export function routerGate(secret: string | undefined): RouterGate {
  const matches = secretMatches(secret);
  const refusalOf = (headers: IncomingHttpHeaders) => (matches(headers[ROUTER_HEADER]) ? undefined : THROUGH_THE_ROUTER);
  return {
    refusal: refusalOf,
    onRequest: async (request, reply) => {
      const refused = refusalOf(request.headers);
      if (refused) await reply.code(refused.status).send(refused.body);
    },
  };
}
