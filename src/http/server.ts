import type { FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import type { App } from '../app';
import { responseErrorFormatter } from '../graphql/errors';
import { limitRules, OperationChecker } from '../graphql/operation-limits';
import { createRequestLimiter } from '../ratelimit/request-limiter';
import { Drain } from './drain';
import { createEdge } from './edge';
import { registerFallbacks } from './fallback-routes';
import { GRAPHQL_PATH, mountGraphqlHttp } from './graphql-http';
import { closeOnce, type Close } from './lifecycle';
import { mountOperationalRoutes } from './ops-routes';
import { serveBrowserAssets } from './pages/browser-assets';
import { registerStatusPage } from './pages/status-page';
import { routerGate } from './router-gate';
import { serveWebSockets } from './websocket';

export { GRAPHQL_PATH } from './graphql-http';

/** What startServer answers: where the server listens, and how to close it. */
export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  /** The operators' listener (OPS_PORT), when it has one of its own. */
  opsPort: number | undefined;
  fastify: FastifyInstance;
  /**
   * Stops accepting connections, closes WebSockets with 1001 and waits for HTTP requests in
   * flight; after graceMs (default: the configured grace) the remaining connections are cut.
   */
  close: Close;
}

/**
 * The request edge, composed: fastify's HTTP edge, Apollo Server on /graphql, graphql-ws on
 * upgrades of the same path, the probes and operators' routes, the IDE's assets and the status
 * page, the fallbacks, and the close
 * sequence. Every GraphQL operation, HTTP or ws, meets the same rate limit (after
 * authentication), the same operation limits and the same last formatting of its errors.
 */
export async function startServer(app: App, listen: { host: string; port: number }): Promise<RunningServer> {
  const limiter = await createRequestLimiter(app.config.rateLimits, app.data.rateLimitStore, app.logger);
  const rules = limitRules(app.config.limits, { introspection: app.config.introspection });
  const formatError = responseErrorFormatter(app.config.fieldSuggestions);
  const operations = new OperationChecker(app.schema, rules, {
    maxTokens: app.config.limits.maxTokens,
    fieldSuggestions: app.config.fieldSuggestions,
  });
  const gate = routerGate(app.config.routerSecret);
  const drain = new Drain();

  const edge = await createEdge(app, drain);
  drain.watch(edge.server);
  const webSockets = serveWebSockets(app, { limiter, operations, formatError });
  const apollo = await mountGraphqlHttp(edge, app, { limiter, gate, rules, formatError });
  const opsServer = await mountOperationalRoutes(edge, app, webSockets.stats);
  await serveBrowserAssets(edge, app);
  registerStatusPage(edge, app);
  registerFallbacks(edge);
  await edge.ready();
  webSockets.attach(edge, { path: GRAPHQL_PATH, gate, drain });
  await edge.listen({ host: listen.host, port: listen.port });

  const { port } = edge.server.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;
  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://${host}:${port}${GRAPHQL_PATH}`,
    port,
    opsPort: opsServer ? (opsServer.server.address() as AddressInfo).port : undefined,
    fastify: edge,
    close: closeOnce(
      { drain, webSockets, edge, opsServer, finally: [() => apollo.stop(), () => limiter.close()] },
      app.config.shutdownGraceMs,
    ),
  };
}
