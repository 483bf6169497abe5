import { readFileSync } from 'node:fs';
import path from 'node:path';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { projectRoot } from '../shared/project-root';
import type { App } from '../app';
import { unauthenticated } from '../shared/errors';
import { registerFallbacks } from './fallback-routes';
import { refusal } from './refusals';
import { bearerMatches } from './secrets';

const READINESS_TIMEOUT_MS = 1_000;
/** The pack health probe's path; the edge answers a plain GET of it before routing (edge.ts). */
export const PACK_HEALTH_PATH = '/health/pack';

const OPS_TOKEN_REQUIRED = refusal(unauthenticated('The ops token is required'));

/**
 * The probes on the public listener; the operators' routes there too, or, with OPS_PORT, on a
 * listener of their own (returned, for closing), and not on the public one.
 */
export async function mountOperationalRoutes(fastify: FastifyInstance, app: App, wsStats: WsStats): Promise<FastifyInstance | undefined> {
  registerProbeRoutes(fastify, app);
  if (app.config.ops.port === undefined) {
    if (app.config.environment === 'production' && !app.config.ops.token) {
      app.logger.warn('/metrics and /health/detailed are open to every caller of the public port: set OPS_TOKEN or OPS_PORT in production');
    }
    registerOpsRoutes(fastify, app, wsStats);
    return undefined;
  }
  const opsServer = Fastify({ logger: false });
  registerOpsRoutes(opsServer, app, wsStats);
  registerFallbacks(opsServer);
  await opsServer.listen({ host: app.config.ops.host, port: app.config.ops.port });
  return opsServer;
}

/** Plain HTTP probes for load balancers, orchestrators and status banners; open to everyone. */
function registerProbeRoutes(fastify: FastifyInstance, app: App): void {
  fastify.get('/health', async () => ({ status: 'ok' }));

  fastify.get('/health/ready', async (_request, reply) => {
    const database = await databaseReachable(app);
    const packListener = app.services.packHealth.state.listening;
    const ready = database && packListener;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, packListener });
  });

  // The same fields as the packHealth query, from the hub's memory while its listener is up.
  fastify.get(PACK_HEALTH_PATH, async (_request, reply) =>
    reply
      .type('application/json; charset=utf-8')
      .send(app.services.packHealth.cachedJson() ?? JSON.stringify(await app.services.packHealth.latest())),
  );
}

/** Live WebSocket figures, read when /metrics is scraped. */
export interface WsStats {
  connections(): number;
  subscriptions(): number;
}

/**
 * For operators only: Prometheus metrics and the detailed health (versions, pool, breakers).
 * With OPS_TOKEN set each needs `Authorization: Bearer <OPS_TOKEN>` (Prometheus's
 * `authorization.credentials`); which listener serves them is the caller's choice (OPS_PORT).
 */
function registerOpsRoutes(fastify: FastifyInstance, app: App, wsStats: WsStats): void {
  const authorized = bearerMatches(app.config.ops.token);
  const guard = async (request: FastifyRequest, reply: FastifyReply) => {
    if (!authorized(request.headers.authorization)) {
      await reply.code(OPS_TOKEN_REQUIRED.status).header('www-authenticate', 'Bearer realm="freshgate-ops"').send(OPS_TOKEN_REQUIRED.body);
    }
  };

  fastify.get('/metrics', { onRequest: guard }, async (_request, reply) => {
    const { metrics, services } = app;
    metrics.wsConnections.set(wsStats.connections());
    metrics.activeSubscriptions.set(wsStats.subscriptions());
    const pool = app.db.poolState();
    metrics.dbPool.set({ state: 'total' }, pool.total);
    metrics.dbPool.set({ state: 'idle' }, pool.idle);
    metrics.dbPool.set({ state: 'waiting' }, pool.waiting);
    metrics.dbPool.set({ state: 'max' }, pool.max);
    const latest = await services.packHealth.latest();
    for (const status of ['WARMING', 'FRESH', 'ERROR', 'STALE']) metrics.packStatus.set({ status }, latest.status === status ? 1 : 0);
    if (latest.updatedAt) metrics.packAge.set(Math.max(0, (Date.now() - latest.updatedAt.getTime()) / 1000));
    else metrics.packAge.reset();
    for (const [agent, state] of Object.entries(services.runtime.breakerStates())) {
      metrics.breakerState.set({ agent }, state === 'OPEN' ? 1 : state === 'HALF_OPEN' ? 0.5 : 0);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  fastify.get('/health/detailed', { onRequest: guard }, async () => {
    const hub = app.services.packHealth.state;
    return {
      version: VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      database: { kind: app.db.kind, reachable: await databaseReachable(app), pool: poolReport(app) },
      packListener: { connected: hub.listening, lastEventAt: hub.lastEventAt, subscribers: hub.subscribers },
      packHealth: await app.services.packHealth.latest(),
      circuitBreakers: app.services.runtime.breakerStates(),
      rightsRegistry: { version: app.services.rights.current().version, sha256: app.services.rights.current().sha256 },
    };
  });
}

/** The pool's figures, and whether work is queueing for a connection (busy, not down). */
function poolReport(app: App) {
  const pool = app.db.poolState();
  return { ...pool, saturated: pool.total >= pool.max && pool.waiting > 0 };
}

const VERSION: string = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

/** Asked on the database's own probe connection: readiness never waits behind application work. */
function databaseReachable(app: App): Promise<boolean> {
  return app.db.probe(READINESS_TIMEOUT_MS);
}
