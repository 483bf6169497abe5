import path from 'node:path';
import { projectRoot } from './shared/project-root';

/** Every environment variable freshgate reads, parsed and typed in one place (see README). */
export interface Config {
  /** postgres://… for a real PostgreSQL; undefined → embedded PGlite under dataDir. */
  databaseUrl: string | undefined;
  dataDir: string;
  /** The rights registry data file (re-read when it changes). */
  rightsRegistryPath: string;
  /** How often live WebSocket connections re-check their credential (expiry, removed user). */
  wsReauthIntervalMs: number;
  /** Folder of pattern JSON files loaded and validated at start. */
  patternsDir: string;
  host: string;
  port: number;
  environment: 'development' | 'staging' | 'production' | 'test';
  jwt: {
    secret: string | undefined;
    jwksUrl: string | undefined;
    issuer: string | undefined;
    audience: string | undefined;
    /** The longest lifetime a token may claim (exp − iat, and exp − now); longer ones are refused. */
    maxTtlMs: number;
  };
  routerSecret: string | undefined;
  /**
   * Who may read /metrics and /health/detailed (they reveal versions, pool and breaker state):
   * a bearer token, and/or a listener of their own on another port (then not served on `port`).
   */
  ops: { token: string | undefined; port: number | undefined; host: string };
  otlpEndpoint: string | undefined;
  sentryDsn: string | undefined;
  logLevel: string;
  /** How long a warming pack is expected to take, from its last update. */
  packWarmingEtaMs: number;
  introspection: boolean;
  /**
   * What GET /graphql shows a browser: freshgate's own GraphiQL (every asset from this server),
   * Apollo's Sandbox (loaded from Apollo's CDN), or nothing (README, "GraphQL IDE").
   */
  graphqlIde: GraphqlIde;
  /** Return-math conventions that differ between sources (README, "Analytics conventions"). */
  returns: {
    flowTiming: 'start-of-day' | 'end-of-day' | 'inflows-start-outflows-end';
    annualizationDays: number;
    /** Periods per year for volatility and Sharpe; null: the valuation series' observed spacing decides. */
    riskPeriodsPerYear: number | null;
  };
  /** Steps of one execution that may run at once, and a step's default time limit. */
  orchestrator: { maxConcurrency: number; stepTimeoutMs: number };
  /** Agents' circuit breakers (per agent and tenant): consecutive dependency failures that open one, and its cool-down. */
  breaker: { failureThreshold: number; halfOpenAfterMs: number };
  /** Seed demo data into an empty database at start (default: only in embedded mode). */
  seedDemoData: boolean;
  /** Request budgets per window, shared by all instances on PostgreSQL; 0 = no limit (README, "Rate limits"). */
  rateLimits: {
    windowMs: number;
    perUser: number;
    perTenant: number;
    /** Per client address, for callers without a token. */
    perAnonymousIp: number;
    /** Open WebSocket connections one user may hold on one instance. */
    wsConnectionsPerUser: number;
  };
  /** What one operation may ask for, on HTTP and ws alike (README, "Operation limits"). */
  limits: OperationLimitsConfig;
  /** Browser origins allowed by CORS; empty: no cross-origin browser calls. */
  corsOrigins: string[];
  /** Whether validation errors may suggest field names ("did you mean"): not in production. */
  fieldSuggestions: boolean;
  /** How long SIGTERM waits for requests and executions before cutting them off. */
  shutdownGraceMs: number;
  /**
   * A run still RUNNING this long after it started has no owner left (every step has a time
   * limit): the sweep, every `sweepIntervalMs` on every instance, fails and refunds it (RUN_LOST).
   */
  lostRuns: { afterMs: number; sweepIntervalMs: number };
  /** Apply pending migrations at start (off for a role that may not; start-up then checks the schema is current). */
  migrateOnStart: boolean;
}

/**
 * Caps on the size and cost of one GraphQL operation and on WebSocket connections, so that no
 * single client can exhaust the server.
 */
export interface OperationLimitsConfig {
  maxDepth: number;
  maxAliases: number;
  maxDirectives: number;
  maxTokens: number;
  maxCost: number;
  maxBodyBytes: number;
  /** Largest ws message accepted; a bigger one closes the socket (1009). */
  wsMaxPayloadBytes: number;
  /** A ws connection that does not send connection_init in time is closed (4408). */
  wsInitTimeoutMs: number;
  wsMaxSubscriptionsPerConnection: number;
  /** On a connection that presented the router secret (many end users share it); 0 = no limit. */
  wsMaxSubscriptionsPerRouterConnection: number;
  /** Per signed-in user, over all their connections on this instance, a router's included; 0 = no limit. */
  wsMaxSubscriptionsPerUser: number;
  /** A ws client that lets this much outgoing data pile up is disconnected (slow consumer). */
  wsMaxBufferedBytes: number;
  /** The same for a router's connection (with ROUTER_SECRET set): it carries many subscribers' events. */
  wsMaxBufferedBytesRouter: number;
  /** Representations one request may ask `_entities` for; more is BAD_USER_INPUT before any lookup. */
  maxEntityRepresentations: number;
}

/** GRAPHQL_IDE: true → 'graphiql', false → 'off', or 'apollo-sandbox'. */
export type GraphqlIde = 'graphiql' | 'apollo-sandbox' | 'off';

/** A missing, malformed or unsafe setting in the environment; start-up stops with its message. */
export class ConfigError extends Error {}

const MIN_HS256_SECRET_BYTES = 32;

const DURATION = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/;
const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** "15m", "90s", "500ms", "1h"; a bare number means seconds. */
export function parseDuration(name: string, value: string): number {
  const match = DURATION.exec(value.trim());
  if (!match) throw new ConfigError(`${name} must be a duration like 15m, 90s or 500ms (got "${value}")`);
  return Number(match[1]) * UNIT_MS[match[2] ?? 's'];
}

function parsePositiveDuration(name: string, value: string): number {
  const ms = parseDuration(name, value);
  if (ms <= 0) throw new ConfigError(`${name} must be longer than 0 (got "${value}")`);
  return ms;
}

function parseBoolean(name: string, value: string | undefined, fallback: boolean): boolean {
  if (value === undefined || value === '') return fallback;
  if (/^(1|true|yes|on)$/i.test(value)) return true;
  if (/^(0|false|no|off)$/i.test(value)) return false;
  throw new ConfigError(`${name} must be true or false (got "${value}")`);
}

function parsePort(name: string, value: string | undefined, fallback: number): number;
function parsePort(name: string, value: string | undefined, fallback: undefined): number | undefined;
function parsePort(name: string, value: string | undefined, fallback: number | undefined): number | undefined {
  if (value === undefined || value === '') return fallback;
  const port = Number(value);
  if (!/^\d+$/.test(value.trim()) || port > 65535) throw new ConfigError(`${name} must be 0–65535 (got "${value}")`);
  return port;
}

const ENVIRONMENTS = ['development', 'staging', 'production', 'test'] as const;

/**
 * FRESHGATE_ENV names the environment; without it, NODE_ENV=production means production (the
 * convention every Node library follows), anything else development.
 */
function parseEnvironment(value: string | undefined, nodeEnv: string | undefined): Config['environment'] {
  const env = (value ?? (nodeEnv === 'production' ? 'production' : 'development')) as Config['environment'];
  if (!ENVIRONMENTS.includes(env)) throw new ConfigError(`FRESHGATE_ENV must be one of ${ENVIRONMENTS.join(', ')} (got "${value}")`);
  return env;
}

/** On by default except in production, like introspection (which the IDE needs to show the schema). */
function parseGraphqlIde(value: string | undefined, environment: Config['environment']): GraphqlIde {
  if (value !== undefined && /^apollo-sandbox$/i.test(value.trim())) return 'apollo-sandbox';
  try {
    return parseBoolean('GRAPHQL_IDE', value, environment !== 'production') ? 'graphiql' : 'off';
  } catch {
    throw new ConfigError(`GRAPHQL_IDE must be true, false or apollo-sandbox (got "${value}")`);
  }
}

const FLOW_TIMINGS = ['start-of-day', 'end-of-day', 'inflows-start-outflows-end'] as const;

function parseFlowTiming(value: string | undefined): Config['returns']['flowTiming'] {
  const timing = (value ?? 'inflows-start-outflows-end') as Config['returns']['flowTiming'];
  if (!FLOW_TIMINGS.includes(timing))
    throw new ConfigError(`RETURNS_FLOW_TIMING must be one of ${FLOW_TIMINGS.join(', ')} (got "${value}")`);
  return timing;
}

function parsePositiveInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0) throw new ConfigError(`${name} must be a positive integer (got "${value}")`);
  return n;
}

function parseNonNegativeInt(name: string, value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value.trim()) || !Number.isSafeInteger(n))
    throw new ConfigError(`${name} must be a whole number, 0 for no limit (got "${value}")`);
  return n;
}

function parseRateLimitWindow(value: string | undefined): number {
  const ms = parseDuration('RATE_LIMIT_WINDOW', value ?? '1m');
  if (ms < 1000) throw new ConfigError(`RATE_LIMIT_WINDOW must be at least 1s (got "${value}")`);
  return ms;
}

function optional(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

/**
 * Reads the configuration from environment variables, with defaults; a bad value, or an unsafe
 * combination such as a short HS256 secret in production, throws a ConfigError.
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const databaseUrl = optional(env.DATABASE_URL);
  if (databaseUrl && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    throw new ConfigError('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }
  const environment = parseEnvironment(optional(env.FRESHGATE_ENV), optional(env.NODE_ENV));
  const jwtSecret = optional(env.JWT_SECRET);
  const jwksUrl = optional(env.JWT_JWKS_URL);
  // An HS256 key shorter than the hash it feeds (RFC 7518 §3.2) can be brute-forced offline.
  if (
    environment === 'production' &&
    jwtSecret !== undefined &&
    jwksUrl === undefined &&
    Buffer.byteLength(jwtSecret) < MIN_HS256_SECRET_BYTES
  ) {
    throw new ConfigError(
      `JWT_SECRET must be at least ${MIN_HS256_SECRET_BYTES} bytes in production (got ${Buffer.byteLength(jwtSecret)})`,
    );
  }
  const port = parsePort('PORT', env.PORT, 4000);
  const opsPort = parsePort('OPS_PORT', env.OPS_PORT, undefined);
  if (opsPort !== undefined && opsPort !== 0 && opsPort === port) throw new ConfigError('OPS_PORT must differ from PORT');
  return {
    databaseUrl,
    dataDir: path.resolve(optional(env.DATA_DIR) ?? '.data'),
    rightsRegistryPath: path.resolve(optional(env.RIGHTS_REGISTRY_PATH) ?? path.join(projectRoot(), 'rights-registry.json')),
    wsReauthIntervalMs: parseDuration('WS_REAUTH_INTERVAL', optional(env.WS_REAUTH_INTERVAL) ?? '30s'),
    patternsDir: path.resolve(optional(env.PATTERNS_DIR) ?? path.join(projectRoot(), 'patterns')),
    host: optional(env.HOST) ?? '0.0.0.0',
    port,
    environment,
    jwt: {
      secret: jwtSecret,
      jwksUrl,
      issuer: optional(env.JWT_ISSUER),
      audience: optional(env.JWT_AUDIENCE),
      maxTtlMs: parseDuration('JWT_MAX_TTL', optional(env.JWT_MAX_TTL) ?? '24h'),
    },
    routerSecret: optional(env.ROUTER_SECRET),
    ops: { token: optional(env.OPS_TOKEN), port: opsPort, host: optional(env.OPS_HOST) ?? optional(env.HOST) ?? '0.0.0.0' },
    otlpEndpoint: optional(env.OTEL_EXPORTER_OTLP_ENDPOINT),
    sentryDsn: optional(env.SENTRY_DSN),
    logLevel: optional(env.LOG_LEVEL) ?? 'info',
    packWarmingEtaMs: parseDuration('PACK_WARMING_ETA', optional(env.PACK_WARMING_ETA) ?? '15m'),
    // Off in production by default, as Apollo does: the checked-in schema/schema.graphql serves
    // codegen and `_service { sdl }` serves routers, so production tooling rarely needs it.
    introspection: parseBoolean('INTROSPECTION', env.INTROSPECTION, environment !== 'production'),
    graphqlIde: parseGraphqlIde(optional(env.GRAPHQL_IDE), environment),
    returns: {
      flowTiming: parseFlowTiming(optional(env.RETURNS_FLOW_TIMING)),
      annualizationDays: parsePositiveInt('RETURNS_ANNUALIZATION_DAYS', env.RETURNS_ANNUALIZATION_DAYS, 365),
      riskPeriodsPerYear:
        optional(env.RISK_PERIODS_PER_YEAR) === undefined
          ? null
          : parsePositiveInt('RISK_PERIODS_PER_YEAR', env.RISK_PERIODS_PER_YEAR, 252),
    },
    orchestrator: {
      maxConcurrency: parsePositiveInt('ORCHESTRATOR_MAX_CONCURRENCY', env.ORCHESTRATOR_MAX_CONCURRENCY, 4),
      stepTimeoutMs: parseDuration('STEP_TIMEOUT', optional(env.STEP_TIMEOUT) ?? '10s'),
    },
    breaker: {
      failureThreshold: parsePositiveInt('BREAKER_FAILURES', env.BREAKER_FAILURES, 5),
      halfOpenAfterMs: parsePositiveDuration('BREAKER_HALF_OPEN_AFTER', optional(env.BREAKER_HALF_OPEN_AFTER) ?? '30s'),
    },
    seedDemoData: parseBoolean('SEED_DEMO_DATA', env.SEED_DEMO_DATA, databaseUrl === undefined),
    rateLimits: {
      windowMs: parseRateLimitWindow(optional(env.RATE_LIMIT_WINDOW)),
      perUser: parseNonNegativeInt('RATE_LIMIT_USER', env.RATE_LIMIT_USER, 600),
      perTenant: parseNonNegativeInt('RATE_LIMIT_TENANT', env.RATE_LIMIT_TENANT, 3000),
      perAnonymousIp: parseNonNegativeInt('RATE_LIMIT_ANONYMOUS', env.RATE_LIMIT_ANONYMOUS, 300),
      wsConnectionsPerUser: parseNonNegativeInt('WS_MAX_CONNECTIONS_PER_USER', env.WS_MAX_CONNECTIONS_PER_USER, 20),
    },
    limits: {
      maxDepth: parsePositiveInt('MAX_DEPTH', env.MAX_DEPTH, 10),
      maxAliases: parsePositiveInt('MAX_ALIASES', env.MAX_ALIASES, 15),
      maxDirectives: parsePositiveInt('MAX_DIRECTIVES', env.MAX_DIRECTIVES, 20),
      maxTokens: parsePositiveInt('MAX_TOKENS', env.MAX_TOKENS, 2000),
      maxCost: parsePositiveInt('MAX_COST', env.MAX_COST, 5000),
      maxBodyBytes: parsePositiveInt('MAX_BODY_BYTES', env.MAX_BODY_BYTES, 1_048_576),
      wsMaxPayloadBytes: parsePositiveInt('WS_MAX_PAYLOAD_BYTES', env.WS_MAX_PAYLOAD_BYTES, 65_536),
      wsInitTimeoutMs: parseDuration('WS_INIT_TIMEOUT', optional(env.WS_INIT_TIMEOUT) ?? '5s'),
      wsMaxSubscriptionsPerConnection: parsePositiveInt('WS_MAX_SUBSCRIPTIONS', env.WS_MAX_SUBSCRIPTIONS, 25),
      wsMaxSubscriptionsPerRouterConnection: parseNonNegativeInt('WS_MAX_SUBSCRIPTIONS_ROUTER', env.WS_MAX_SUBSCRIPTIONS_ROUTER, 50_000),
      wsMaxSubscriptionsPerUser: parseNonNegativeInt('WS_MAX_SUBSCRIPTIONS_PER_USER', env.WS_MAX_SUBSCRIPTIONS_PER_USER, 100),
      wsMaxBufferedBytes: parsePositiveInt('WS_MAX_BUFFERED_BYTES', env.WS_MAX_BUFFERED_BYTES, 1_048_576),
      wsMaxBufferedBytesRouter: parsePositiveInt('WS_MAX_BUFFERED_BYTES_ROUTER', env.WS_MAX_BUFFERED_BYTES_ROUTER, 67_108_864),
      maxEntityRepresentations: parsePositiveInt('MAX_ENTITY_REPRESENTATIONS', env.MAX_ENTITY_REPRESENTATIONS, 100),
    },
    corsOrigins: (optional(env.CORS_ORIGINS) ?? '')
      .split(',')
      .map((o) => o.trim())
      .filter(Boolean),
    fieldSuggestions: parseBoolean('FIELD_SUGGESTIONS', env.FIELD_SUGGESTIONS, environment !== 'production'),
    shutdownGraceMs: parseDuration('SHUTDOWN_GRACE', optional(env.SHUTDOWN_GRACE) ?? '10s'),
    lostRuns: {
      afterMs: parsePositiveDuration('RUN_LOST_AFTER', optional(env.RUN_LOST_AFTER) ?? '15m'),
      sweepIntervalMs: parsePositiveDuration('RUN_SWEEP_INTERVAL', optional(env.RUN_SWEEP_INTERVAL) ?? '5m'),
    },
    migrateOnStart: parseBoolean('MIGRATE_ON_START', env.MIGRATE_ON_START, true),
  };
}
