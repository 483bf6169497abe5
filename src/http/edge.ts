import fastifyCors from '@fastify/cors';
import Fastify, {
  type FastifyError,
  type FastifyInstance,
  type FastifyReply,
  type FastifyRequest,
  type FastifyServerFactory,
} from 'fastify';
import { createServer } from 'node:http';
import type { App } from '../app';
import { AppError, internalServerError } from '../shared/errors';
import type { Drain } from './drain';
import { PACK_HEALTH_PATH } from './ops-routes';
import { JSON_CONTENT_TYPE, refusal } from './refusals';

/**
 * The public HTTP edge: fastify with the body limit, the drain and the pack-health fast path in
 * front of its router, fastify's own refusals in GraphQL's error shape, and CORS when configured.
 * Routes are mounted by their own modules.
 */
export async function createEdge(app: App, drain: Drain): Promise<FastifyInstance> {
  const fastify = Fastify({ logger: false, bodyLimit: app.config.limits.maxBodyBytes, serverFactory: answeredBeforeRouting(app, drain) });
  fastify.setErrorHandler(graphqlShapedHttpError);
  if (app.config.corsOrigins.length > 0) {
    await fastify.register(fastifyCors, { origin: app.config.corsOrigins, methods: ['GET', 'POST'], maxAge: 600 });
  }
  return fastify;
}

/**
 * Requests answered before fastify routes anything: every request while draining (503), and
 * GET /health/pack — load balancers and status banners poll it, and its answer is bytes the pack
 * events keep current (ops-routes.ts serves the same for any other form of the request).
 */
function answeredBeforeRouting(app: App, drain: Drain): FastifyServerFactory {
  return (handler, options) => {
    const server = createServer((request, response) => {
      if (drain.answer(response)) return;
      const json = request.method === 'GET' && request.url === PACK_HEALTH_PATH ? app.services.packHealth.cachedJson() : undefined;
      if (json === undefined) return handler(request, response);
      response.writeHead(200, { 'content-type': JSON_CONTENT_TYPE, 'content-length': Buffer.byteLength(json) });
      response.end(json);
    });
    // Fastify sets its keep-alive timeout (72 s) only on servers it creates itself. Node's 5 s
    // default closes idle connections that clients and load balancers (60 s idle is common) still
    // reuse, and a request sent as the server closes the socket fails with ECONNRESET.
    server.keepAliveTimeout = typeof options.keepAliveTimeout === 'number' ? options.keepAliveTimeout : 72_000;
    return server;
  };
}

/**
 * Fastify's own refusals (body too large, malformed JSON, unsupported content type) in the
 * shape GraphQL clients read, with their 4xx status; anything else is a 500 without details.
 */
export function graphqlShapedHttpError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : 'BAD_REQUEST';
  const refused = status < 500 ? refusal(new AppError(code, error.message), status) : refusal(internalServerError());
  return reply.code(refused.status).send(refused.body);
}
