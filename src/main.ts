import 'reflect-metadata';
import { createApp, type App } from './app';
import { issueToken } from './auth/token-issuer';
import { ConfigError, loadConfig } from './config';
import { startServer, type RunningServer } from './http/server';
import { closeLogs } from './observability/logger';

const DEMO_USER = 'demo-analyst';
/** Beyond the grace: for the bounded closing steps (cut-off runs' writes, listener, database). */
const SHUTDOWN_DEADLINE_MARGIN_MS = 3_000;
/** How long the last log lines may take to reach stdout before the process exits without them. */
const LOG_FLUSH_LIMIT_MS = 500;

interface Running {
  app: App;
  server: RunningServer;
}

async function start(): Promise<Running> {
  const config = loadConfig();
  const app = await createApp(config);
  const server = await startServer(app, { host: config.host, port: config.port });
  app.logger.info({ url: server.url, database: app.db.kind, environment: config.environment }, 'freshgate ready');

  if (app.db.kind === 'pglite' && app.jwtSecret && config.environment !== 'production') {
    const token = await issueToken(app.jwtSecret, DEMO_USER, { issuer: config.jwt.issuer, audience: config.jwt.audience });
    process.stdout.write(
      `\nfreshgate is serving ${server.url} (embedded PostgreSQL in ${config.dataDir})\n` +
        `development token for ${DEMO_USER} (12 h; npm run token -- <userId> for others):\n\n${token}\n\n`,
    );
  }
  return { app, server };
}

function main(): void {
  const starting = start();
  let stopping = false;

  // Installed before start-up finishes: a signal during start-up still closes the database
  // cleanly (an embedded database must never be left half-written).
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) {
      // A repeated SIGTERM must not cut a shutdown short; a second Ctrl-C means "now".
      if (signal === 'SIGINT') process.exit(130);
      return;
    }
    stopping = true;
    let running: Running;
    try {
      running = await starting;
    } catch {
      return; // start-up failed and already reported
    }
    const { logger, config } = running.app;
    const graceMs = config.shutdownGraceMs;
    // The promise shutdown keeps whatever hangs — a stalled query, an unreachable database, a
    // stdout nobody reads: the process is gone shortly after the grace, having done what it could.
    setTimeout(() => {
      logger.warn({ graceMs }, 'shutdown deadline passed; exiting with work still pending');
      void closeLogs(logger, LOG_FLUSH_LIMIT_MS).then(() => process.exit(0));
    }, graceMs + SHUTDOWN_DEADLINE_MARGIN_MS).unref();
    logger.info({ signal, graceMs }, 'shutting down');
    const deadline = Date.now() + graceMs;
    try {
      // Stop taking new work (503, Connection: close), tell WebSocket clients (1001), let HTTP
      // requests finish within the grace…
      await running.server.close({ graceMs });
      // …then executions get what is left of it; those cut off are FAILED and refunded, or, if the
      // database cannot be reached, left RUNNING for the lost-run sweep (and logged).
      await running.app.close({ graceMs: Math.max(0, deadline - Date.now()) });
      logger.info('shut down');
    } catch (error) {
      logger.error({ err: error }, 'shutdown could not finish every step');
    }
    await closeLogs(logger, LOG_FLUSH_LIMIT_MS);
    process.exit(0);
  };
  process.on('SIGTERM', (s) => void shutdown(s));
  process.on('SIGINT', (s) => void shutdown(s));

  starting.catch((error: unknown) => {
    const message = error instanceof ConfigError ? `configuration error: ${error.message}` : (error as Error).message;
    process.stderr.write(`freshgate failed to start: ${message}\n`);
    if (!(error instanceof ConfigError) && process.env.LOG_LEVEL === 'debug') process.stderr.write(`${(error as Error).stack}\n`);
    process.exit(1);
  });
}

main();
