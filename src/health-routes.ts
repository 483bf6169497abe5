import { readFileSync } from 'node:fs';
import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import { projectRoot } from './shared/project-root';
import type { App } from './app';

const READINESS_TIMEOUT_MS = 2_000;
export const PACK_HEALTH_PATH = '/health/pack';

/** Plain HTTP probes for load balancers and orchestrators; no GraphQL, no auth. */
export function registerHealthRoutes(fastify: FastifyInstance, app: App): void {
  fastify.get('/health', async () => ({ status: 'ok' }));

  fastify.get('/health/ready', async (_request, reply) => {
    const database = await databaseReachable(app);
    const packListener = app.services.packHealth.state.listening;
    const ready = database && packListener;
    return reply.code(ready ? 200 : 503).send({ status: ready ? 'ready' : 'unavailable', database, packListener });
  });

  // The same fields as the packHealth query, from the hub's memory while its listener is up.
  fastify.get(PACK_HEALTH_PATH, async (_request, reply) =>
    reply.type('application/json; charset=utf-8').send(app.services.packHealth.cachedJson() ?? JSON.stringify(await app.services.packHealth.latest())),
  );

  // For operators: what this instance is running and how its dependencies are doing.
  fastify.get('/health/detailed', async () => {
    const hub = app.services.packHealth.state;
    return {
      version: VERSION,
      uptimeSeconds: Math.round(process.uptime()),
      database: { kind: app.db.kind, reachable: await databaseReachable(app), pool: app.db.poolState() },
      packListener: { connected: hub.listening, lastEventAt: hub.lastEventAt, subscribers: hub.subscribers },
      packHealth: await app.services.packHealth.latest(),
      circuitBreakers: app.services.runtime.breakerStates(),
      rightsRegistry: { version: app.services.rights.current().version, sha256: app.services.rights.current().sha256 },
    };
  });
}

const VERSION: string = (JSON.parse(readFileSync(path.join(projectRoot(), 'package.json'), 'utf8')) as { version: string }).version;

async function databaseReachable(app: App): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      app.db.sql.query('SELECT 1'),
      new Promise((_resolve, reject) => {
        timer = setTimeout(() => reject(new Error('timeout')), READINESS_TIMEOUT_MS);
      }),
    ]);
    return true;
  } catch {
    return false;
  } finally {
    clearTimeout(timer);
  }
}
