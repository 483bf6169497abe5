import 'reflect-metadata';
import { createApp } from './app';
import { issueToken } from './auth/token-issuer';
import { ConfigError, loadConfig } from './config';
import { startServer } from './server';

const DEMO_USER = 'demo-analyst';

async function main(): Promise<void> {
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

  let stopping = false;
  const shutdown = async (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    app.logger.info({ signal }, 'shutting down');
    try {
      await server.close();
      await app.close();
      process.exit(0);
    } catch (error) {
      app.logger.error({ err: error }, 'unclean shutdown');
      process.exit(1);
    }
  };
  process.once('SIGTERM', (s) => void shutdown(s));
  process.once('SIGINT', (s) => void shutdown(s));
}

main().catch((error: unknown) => {
  const message = error instanceof ConfigError ? `configuration error: ${error.message}` : (error as Error).stack ?? String(error);
  process.stderr.write(`freshgate failed to start: ${message}\n`);
  process.exit(1);
});
