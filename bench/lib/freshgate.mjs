import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode, waitForOk } from './processes.mjs';

export const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

export const JWT_SECRET = 'freshgate-bench-secret-at-least-32-bytes-long';

/**
 * A freshgate instance exactly as `npm start` runs it (OpenTelemetry preloaded, JSON logs to a
 * file, metrics on), in production mode, on the bench database. Rate limits stay on — raised so
 * a load generator from one address and one user is not refused.
 */
export async function startFreshgate(context, { name, env = {} } = {}) {
  const port = await freePort();
  const started = performance.now();
  const child = spawnNode(['--enable-source-maps', '--require', './dist/observability/instrument.js', 'dist/main.js'], {
    cwd: root,
    cores: context.plan.server,
    logFile: path.join(context.logDir, `${name}.log`),
    env: {
      FRESHGATE_ENV: 'production',
      HOST: '127.0.0.1',
      PORT: String(port),
      DATABASE_URL: context.databaseUrl,
      SEED_DEMO_DATA: 'true',
      JWT_SECRET,
      LOG_LEVEL: 'info',
      RATE_LIMIT_USER: '1000000000',
      RATE_LIMIT_TENANT: '1000000000',
      RATE_LIMIT_ANONYMOUS: '1000000000',
      OTEL_EXPORTER_OTLP_ENDPOINT: context.otlpEndpoint,
      OTEL_TRACES_SAMPLER: 'parentbased_traceidratio',
      OTEL_TRACES_SAMPLER_ARG: String(context.traceSampleRatio),
      ...env,
    },
  });
  const readyMs = await waitForOk(`http://127.0.0.1:${port}/health/ready`, { child, since: started });
  return {
    name,
    child,
    port,
    url: `http://127.0.0.1:${port}/graphql`,
    wsUrl: `ws://127.0.0.1:${port}/graphql`,
    base: `http://127.0.0.1:${port}`,
    readyMs,
  };
}

/** Posts one GraphQL operation and returns its data, throwing on errors. */
export async function graphql(url, query, variables, token) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify({ query, variables }),
  });
  const json = await response.json();
  if (json.errors) throw new Error(`GraphQL error: ${JSON.stringify(json.errors)}`);
  return json.data;
}

/** Enough credits for the demo tenant that no bench run is refused for its balance. */
export function grantBenchCredits(instance, context) {
  return graphql(
    instance.url,
    'mutation($t: ID!) { grantCredits(tenantId: $t, amount: 10000000, reason: "benchmark") { id } }',
    { t: 'demo' },
    context.tokens.admin,
  );
}

export const PACK_HEALTH_QUERY =
  'query PackHealth { packHealth { status packId asofDate isFresh prewarmDone reconciliationPassed updatedAt estimatedReady } }';
export const PACK_HEALTH_SUBSCRIPTION =
  'subscription PackHealthChanged { packHealthChanged { status packId asofDate isFresh prewarmDone reconciliationPassed updatedAt estimatedReady } }';
