import type { FastifyInstance, HTTPMethods } from 'fastify';

/** Methods a known path may be asked about; Node's parser refuses names it does not know. */
const PROBED_METHODS: HTTPMethods[] = ['GET', 'HEAD', 'POST', 'OPTIONS', 'PUT', 'PATCH', 'DELETE', 'TRACE', 'QUERY'];

/**
 * What the edge answers when no route takes a request, decided by fastify's own router (so a
 * percent-encoded or absolute-form spelling of a known path is a known path): a path served
 * under other methods is 405 with `Allow`, anything else a JSON 404 in GraphQL's error shape —
 * never HTML, never a hint of what else exists.
 */
export function registerFallbacks(fastify: FastifyInstance): void {
  fastify.setNotFoundHandler(async (request, reply) => {
    const allowed = PROBED_METHODS.filter((method) => method !== request.method && fastify.findRoute({ method, url: request.url }) !== null);
    if (allowed.length > 0) {
      return reply
        .code(405)
        .header('allow', allowed.join(', '))
        .send({ errors: [{ message: `${request.method} is not allowed here; use ${allowed.join(', ')}`, extensions: { code: 'METHOD_NOT_ALLOWED' } }] });
    }
    return reply.code(404).send({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
}
