import type { FastifyInstance, HTTPMethods } from 'fastify';
import { AppError } from '../shared/errors';
import { refusal } from './refusals';

/** Methods a known path may be asked about; Node's parser refuses names it does not know. */
const PROBED_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'QUERY'];

/** The answer to a path nothing serves, shared with refused WebSocket upgrades. */
export const NOT_FOUND = refusal(new AppError('NOT_FOUND', 'Not found'));

/**
 * What the edge answers when no route takes a request, decided by fastify's own router (so a
 * percent-encoded or absolute-form spelling of a known path is a known path): a path served
 * under other methods is 405 with `Allow`, anything else a JSON 404 in GraphQL's error shape —
 * never HTML, never a hint of what else exists.
 */
export function registerFallbacks(fastify: FastifyInstance): void {
  fastify.setNotFoundHandler(async (request, reply) => {
    // A route of this very method sent us here (a file /assets/* does not have): simply not found.
    const routed =
      PROBED_METHODS.includes(request.method as HTTPMethods) &&
      fastify.findRoute({ method: request.method as HTTPMethods, url: request.url }) !== null;
    const allowed = routed
      ? []
      : PROBED_METHODS.filter((method) => method !== request.method && fastify.findRoute({ method, url: request.url }) !== null);
    if (allowed.length > 0) {
      const refused = refusal(new AppError('METHOD_NOT_ALLOWED', `${request.method} is not allowed here; use ${allowed.join(', ')}`));
      return reply.code(refused.status).header('allow', allowed.join(', ')).send(refused.body);
    }
    return reply.code(NOT_FOUND.status).send(NOT_FOUND.body);
  });
}
