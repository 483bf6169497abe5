import type { GraphQLSchema } from 'graphql';
import { Authenticator } from './auth/authenticator';
import { resolveJwtSecret } from './auth/jwt-secret';
import { createTokenVerifier } from './auth/token-verifier';
import type { Config } from './config';
import type { Database } from './db/database';
import { migrate, pendingMigrations } from './db/migrator';
import { sqlStateOf } from './db/unavailable';
import { openDatabase } from './db/open-database';
import { createDataLayer, type DataLayer } from './data/data-layer';
import { seedDemoData } from './demo/seed-demo';
import { readDemoTemplate } from './demo/demo-template';
import { readPgliteTemplate } from './db/pglite-template';
import { buildFreshgateSchema } from './graphql/build-schema';
import { setErrorReporter } from './graphql/errors';
import { createLogger, type Logger } from './observability/logger';
import { Metrics } from './observability/metrics';
import type { NodeOptions } from '@sentry/node';
import { initErrorReporting, scrubValue } from './observability/error-reporting';
import { loadPatternFiles } from './orchestrator/pattern-catalog';
import { RightsRegistrySource } from './rights/rights-registry-source';
import type { ApiServices } from './graphql/api-services';
import { createServices } from './services';
import { withinTime } from './shared/time-limit';
import { UserChanges } from './tenancy/user-changes';

/** Everything a running freshgate instance holds, independent of the HTTP layer. */
export interface App {
  config: Config;
  db: Database;
  /** Every repository, and transactions over them: the only way to the database above `src/data`. */
  data: DataLayer;
  services: ApiServices;
  metrics: Metrics;
  authenticator: Authenticator;
  schema: GraphQLSchema;
  logger: Logger;
  /**
   * Role changes and removals this process commits, announced at once: the authenticator has
   * already forgotten the user when a listener runs (the WebSockets re-check theirs).
   */
  userChanges: UserChanges;
  /** The HS256 secret in force (embedded mode generates one), for `npm run token`. */
  jwtSecret: string | undefined;
  /**
   * Waits up to graceMs for executions in flight (those cut off are FAILED and refunded), then
   * stops listening for pack events and closes the database. Without graceMs it waits for all.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

/**
 * What a caller of createApp may supply instead of what config gives: tests pass their own
 * database, logger and Sentry transport here.
 */
export interface AppOptions {
  /** Where Sentry events go (tests use an in-memory transport); needs SENTRY_DSN. */
  errorTransport?: NodeOptions['transport'];
  /** An already opened database (tests share one per file); otherwise opened from config. */
  db?: Database;
  logger?: Logger;
}

/** How long shutdown waits for each of its closing steps (error reports, listener, database). */
const CLOSE_STEP_LIMIT_MS = 1_000;

/**
 * Start-up order matters: schema migrations before anything reads, demo data before the
 * pack listener takes its first look, and the listener before the server accepts clients.
 */
export async function createApp(config: Config, options: AppOptions = {}): Promise<App> {
  const logger = options.logger ?? createLogger(config.logLevel);
  const rights = new RightsRegistrySource(
    config.rightsRegistryPath,
    config.environment,
    (error) => logger.error({ err: error }, 'rights registry change refused; the previous version stays in force'),
    (registry) => logger.info({ version: registry.version, sha256: registry.sha256 }, 'rights registry reloaded'),
  );
  rights.watch();
  const jwtSecret = resolveJwtSecret(config);
  // A new embedded data directory that is to hold the demo starts from the demo's template.
  const db =
    options.db ?? (await openDatabase(config, () => (config.seedDemoData ? readDemoTemplate() : undefined) ?? readPgliteTemplate()));
  try {
    const metrics = new Metrics();
    const data = createDataLayer(db);
    const userChanges = new UserChanges();
    const services = createServices(config, db, data, rights, {
      metrics,
      logger,
      userChanges,
      onBackgroundError: (error, executionId) => logger.error({ err: error, executionId }, 'background execution failed'),
    });
    // Checked before anything is written: a bad pattern file stops start-up at once.
    const patternFiles = loadPatternFiles(config.patternsDir, new Set(services.runtime.capabilities()));
    await bringSchemaUpToDate(db, config, logger);
    if (config.seedDemoData) {
      const seeded = await seedDemoData(data);
      if (seeded.seeded) logger.info({ packs: seeded.packs, commits: seeded.commits }, 'demo data seeded');
    }
    await services.patterns.sync(patternFiles);
    await services.packHealth.start();
    // Runs an instance left RUNNING when it died are refunded: now, and every few minutes for
    // the other instances' sake.
    const recoverLostRuns = () =>
      services.executePattern
        .recoverAbandoned(config.lostRuns.afterMs)
        .then(
          (recovered) => recovered > 0 && logger.warn({ recovered }, 'runs left RUNNING by a stopped instance were failed and refunded'),
        )
        .catch((error: unknown) => logger.warn({ err: error }, 'could not check for lost runs'));
    await recoverLostRuns();
    const lostRunSweep = setInterval(() => void recoverLostRuns(), config.lostRuns.sweepIntervalMs);
    lostRunSweep.unref();
    const authenticator = new Authenticator(
      createTokenVerifier({
        secret: jwtSecret,
        jwksUrl: config.jwt.jwksUrl,
        issuer: config.jwt.issuer,
        audience: config.jwt.audience,
        maxTtlMs: config.jwt.maxTtlMs,
      }),
      data.users,
    );
    userChanges.subscribe((userId) => authenticator.forget(userId));
    const { schema } = await buildFreshgateSchema({ shieldDebug: false });
    const errorReporting = config.sentryDsn
      ? initErrorReporting({ dsn: config.sentryDsn, environment: config.environment, transport: options.errorTransport })
      : undefined;
    setErrorReporter((error, { requestId, traceId, viewer }) => {
      const rawIds = viewer ? [viewer.userId, viewer.tenantId] : [];
      const err = error instanceof Error ? { type: error.name, message: error.message, stack: error.stack } : { message: String(error) };
      logger.error({ err: scrubValue(err, rawIds), requestId, traceId }, 'unexpected error');
      errorReporting?.capture(error, { requestId, traceId, userId: viewer?.userId, tenantId: viewer?.tenantId });
    });

    return {
      config,
      db,
      data,
      services,
      metrics,
      authenticator,
      userChanges,
      schema,
      logger,
      jwtSecret,
      async close(closeOptions = {}) {
        clearInterval(lostRunSweep);
        rights.stop();
        if (closeOptions.graceMs === undefined) await services.executePattern.drain();
        else {
          // Every step is bounded: shutdown ends within the grace and a few seconds, whatever
          // the database is doing (main.ts holds the final deadline).
          const { finished, abandoned, leftForSweep } = await services.executePattern.shutdown(closeOptions.graceMs);
          logger.info({ finished, abandoned }, 'executions in flight at shutdown');
          for (const executionId of leftForSweep) {
            logger.warn(
              { executionId },
              'run cut off at shutdown could not be ended (database unreachable): left RUNNING for the lost-run sweep',
            );
          }
        }
        const bounded = (step: Promise<unknown>) =>
          (closeOptions.graceMs === undefined ? step : withinTime(step, CLOSE_STEP_LIMIT_MS)).catch((error: unknown) =>
            logger.warn({ err: error }, 'a closing step failed'),
          );
        await bounded(errorReporting?.flush() ?? Promise.resolve());
        await bounded(services.packHealth.stop());
        if (!options.db) await bounded(db.close());
      },
    };
  } catch (error) {
    if (!options.db) await db.close().catch(() => {});
    throw error;
  }
}

/**
 * Migrates at start (MIGRATE_ON_START, the default), or — for a role that may not, as production
 * should run — checks that the owner already has: a schema that is behind stops start-up with
 * what to do, rather than failing later on a missing column.
 */
async function bringSchemaUpToDate(db: Database, config: Config, logger: Logger): Promise<void> {
  if (!config.migrateOnStart) {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) {
      throw new Error(
        `the database schema is behind: ${pending.length} migration(s) not applied (${pending.join(', ')}); ` +
          'run `npm run db:migrate` as the database owner, then start again (MIGRATE_ON_START=false)',
      );
    }
    return;
  }
  try {
    const migrations = await migrate(db);
    if (migrations.applied.length > 0) logger.info({ applied: migrations.applied }, 'database migrated');
  } catch (error) {
    if (sqlStateOf(error) === '42501') {
      throw new Error(
        'this database role may not migrate the schema (permission denied): run `npm run db:migrate` and ' +
          '`npm run db:grant -- <role>` as the owner, and start freshgate with MIGRATE_ON_START=false',
        { cause: error },
      );
    }
    throw error;
  }
}
