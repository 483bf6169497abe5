import path from 'node:path';
import { ConfigError, loadConfig, parseDuration } from '../../src/config';

describe('loadConfig defaults', () => {
  const config = loadConfig({});

  it('serves on port 4000 of every interface', () => {
    expect(config.port).toBe(4000);
    expect(config.host).toBe('0.0.0.0');
  });

  it('expects a warming pack to be ready 15 minutes after its last update', () => {
    expect(config.packWarmingEtaMs).toBe(15 * 60_000);
  });

  it('keeps introspection on outside production', () => {
    expect(config.introspection).toBe(true);
  });

  it('runs embedded (no database URL) under an absolute .data directory, in development', () => {
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toBe(path.resolve('.data'));
    expect(path.isAbsolute(config.dataDir)).toBe(true);
    expect(config.environment).toBe('development');
  });

  it('seeds demo data only in embedded mode', () => {
    expect(config.seedDemoData).toBe(true);
    expect(loadConfig({ DATABASE_URL: 'postgres://db/freshgate' }).seedDemoData).toBe(false);
  });

  it('has no JWT settings, router secret or telemetry unless configured', () => {
    expect(config.jwt).toEqual({ secret: undefined, jwksUrl: undefined, issuer: undefined, audience: undefined, maxTtlMs: 24 * 3_600_000 });
    expect(config.ops).toEqual({ token: undefined, port: undefined, host: '0.0.0.0' });
    expect(config.routerSecret).toBeUndefined();
    expect(config.otlpEndpoint).toBeUndefined();
    expect(config.sentryDsn).toBeUndefined();
    expect(config.logLevel).toBe('info');
  });

  it('limits requests per minute to 600 per user, 3000 per tenant, 300 per anonymous address, and ws connections to 20 per user', () => {
    expect(config.rateLimits).toEqual({ windowMs: 60_000, perUser: 600, perTenant: 3000, perAnonymousIp: 300, wsConnectionsPerUser: 20 });
  });

  it('resolves at most 100 entity representations per request', () => {
    expect(config.limits.maxEntityRepresentations).toBe(100);
  });

  it('annualises risk by the series’ observed periodicity unless RISK_PERIODS_PER_YEAR is set; flows inflows-start-outflows-end, 365 days', () => {
    expect(loadConfig({}).returns).toEqual({ flowTiming: 'inflows-start-outflows-end', annualizationDays: 365, riskPeriodsPerYear: null });
    expect(loadConfig({ RISK_PERIODS_PER_YEAR: '' }).returns.riskPeriodsPerYear).toBeNull();
  });

  it('treats empty variables as unset', () => {
    const blank = loadConfig({ DATABASE_URL: '', PORT: '', PACK_WARMING_ETA: '', INTROSPECTION: '', JWT_SECRET: '', FRESHGATE_ENV: '' });
    expect(blank).toEqual(config);
  });
});

const LONG_SECRET = 'a-production-secret-of-32-bytes-or-more';

describe('loadConfig reads every variable', () => {
  it('maps each environment variable to its field', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgresql://user@host:5432/db',
      DATA_DIR: 'some/dir',
      PATTERNS_DIR: 'my/patterns',
      RIGHTS_REGISTRY_PATH: 'my/rights.json',
      WS_REAUTH_INTERVAL: '5s',
      HOST: '127.0.0.1',
      PORT: '0',
      FRESHGATE_ENV: 'production',
      JWT_SECRET: 's3cret',
      JWT_JWKS_URL: 'https://idp.example/jwks',
      RETURNS_FLOW_TIMING: 'end-of-day',
      RETURNS_ANNUALIZATION_DAYS: '252',
      RISK_PERIODS_PER_YEAR: '260',
      ORCHESTRATOR_MAX_CONCURRENCY: '2',
      STEP_TIMEOUT: '30s',
      JWT_ISSUER: 'https://idp.example/',
      JWT_AUDIENCE: 'freshgate',
      ROUTER_SECRET: 'router',
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://otel:4318',
      SENTRY_DSN: 'https://key@sentry.example/1',
      LOG_LEVEL: 'debug',
      PACK_WARMING_ETA: '90s',
      INTROSPECTION: 'off',
      SEED_DEMO_DATA: 'yes',
      RATE_LIMIT_WINDOW: '10s',
      RATE_LIMIT_USER: '5',
      RATE_LIMIT_TENANT: '0',
      RATE_LIMIT_ANONYMOUS: '7',
      WS_MAX_CONNECTIONS_PER_USER: '3',
      MAX_DEPTH: '7',
      MAX_ALIASES: '4',
      MAX_DIRECTIVES: '5',
      MAX_TOKENS: '900',
      MAX_COST: '1200',
      MAX_BODY_BYTES: '2048',
      WS_MAX_PAYLOAD_BYTES: '1024',
      WS_INIT_TIMEOUT: '2s',
      WS_MAX_SUBSCRIPTIONS: '6',
      WS_MAX_SUBSCRIPTIONS_ROUTER: '0',
      WS_MAX_SUBSCRIPTIONS_PER_USER: '9',
      WS_MAX_BUFFERED_BYTES: '4096',
      WS_MAX_BUFFERED_BYTES_ROUTER: '8192',
      MAX_ENTITY_REPRESENTATIONS: '25',
      CORS_ORIGINS: 'https://a.example, https://b.example',
      FIELD_SUGGESTIONS: 'on',
      SHUTDOWN_GRACE: '3s',
      JWT_MAX_TTL: '2h',
      OPS_TOKEN: 'scrape-token',
      OPS_PORT: '9464',
      OPS_HOST: '10.0.0.5',
      RUN_LOST_AFTER: '20m',
      RUN_SWEEP_INTERVAL: '30s',
      MIGRATE_ON_START: 'false',
      BREAKER_FAILURES: '3',
      BREAKER_HALF_OPEN_AFTER: '10s',
    });
    expect(config).toEqual({
      databaseUrl: 'postgresql://user@host:5432/db',
      dataDir: path.resolve('some/dir'),
      patternsDir: path.resolve('my/patterns'),
      rightsRegistryPath: path.resolve('my/rights.json'),
      wsReauthIntervalMs: 5_000,
      host: '127.0.0.1',
      port: 0,
      environment: 'production',
      jwt: {
        secret: 's3cret',
        jwksUrl: 'https://idp.example/jwks',
        issuer: 'https://idp.example/',
        audience: 'freshgate',
        maxTtlMs: 7_200_000,
      },
      routerSecret: 'router',
      ops: { token: 'scrape-token', port: 9464, host: '10.0.0.5' },
      lostRuns: { afterMs: 1_200_000, sweepIntervalMs: 30_000 },
      migrateOnStart: false,
      breaker: { failureThreshold: 3, halfOpenAfterMs: 10_000 },
      otlpEndpoint: 'http://otel:4318',
      sentryDsn: 'https://key@sentry.example/1',
      logLevel: 'debug',
      packWarmingEtaMs: 90_000,
      graphqlIde: 'off',
      introspection: false,
      seedDemoData: true,
      returns: { flowTiming: 'end-of-day', annualizationDays: 252, riskPeriodsPerYear: 260 },
      orchestrator: { maxConcurrency: 2, stepTimeoutMs: 30_000 },
      rateLimits: { windowMs: 10_000, perUser: 5, perTenant: 0, perAnonymousIp: 7, wsConnectionsPerUser: 3 },
      limits: {
        maxDepth: 7,
        maxAliases: 4,
        maxDirectives: 5,
        maxTokens: 900,
        maxCost: 1200,
        maxBodyBytes: 2048,
        wsMaxPayloadBytes: 1024,
        wsInitTimeoutMs: 2_000,
        wsMaxSubscriptionsPerConnection: 6,
        wsMaxSubscriptionsPerRouterConnection: 0,
        wsMaxSubscriptionsPerUser: 9,
        wsMaxBufferedBytes: 4096,
        wsMaxBufferedBytesRouter: 8192,
        maxEntityRepresentations: 25,
      },
      corsOrigins: ['https://a.example', 'https://b.example'],
      fieldSuggestions: true,
      shutdownGraceMs: 3_000,
    });
  });

  it('hides field suggestions in production unless asked for', () => {
    expect(loadConfig({ JWT_SECRET: LONG_SECRET, FRESHGATE_ENV: 'production' }).fieldSuggestions).toBe(false);
    expect(loadConfig({ JWT_SECRET: 'x', FRESHGATE_ENV: 'development' }).fieldSuggestions).toBe(true);
    expect(loadConfig({ JWT_SECRET: LONG_SECRET, FRESHGATE_ENV: 'production', FIELD_SUGGESTIONS: 'true' }).fieldSuggestions).toBe(true);
  });

  it('takes production from NODE_ENV when FRESHGATE_ENV is unset, and FRESHGATE_ENV over NODE_ENV', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: LONG_SECRET }).environment).toBe('production');
    expect(loadConfig({ NODE_ENV: 'production', FRESHGATE_ENV: 'staging', JWT_SECRET: LONG_SECRET }).environment).toBe('staging');
    expect(loadConfig({ NODE_ENV: 'test' }).environment).toBe('development');
    expect(loadConfig({ NODE_ENV: 'development' }).environment).toBe('development');
  });

  it('turns introspection off by default in production only, and INTROSPECTION=true back on', () => {
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: LONG_SECRET }).introspection).toBe(false);
    expect(loadConfig({ FRESHGATE_ENV: 'production', JWT_SECRET: LONG_SECRET, INTROSPECTION: 'true' }).introspection).toBe(true);
    expect(loadConfig({ FRESHGATE_ENV: 'staging' }).introspection).toBe(true);
  });

  it("serves freshgate's GraphiQL by default except in production; GRAPHQL_IDE=apollo-sandbox picks Apollo's CDN Sandbox", () => {
    expect(loadConfig({}).graphqlIde).toBe('graphiql');
    expect(loadConfig({ FRESHGATE_ENV: 'staging' }).graphqlIde).toBe('graphiql');
    expect(loadConfig({ NODE_ENV: 'production', JWT_SECRET: LONG_SECRET }).graphqlIde).toBe('off');
    expect(loadConfig({ FRESHGATE_ENV: 'production', JWT_SECRET: LONG_SECRET, GRAPHQL_IDE: 'true' }).graphqlIde).toBe('graphiql');
    expect(loadConfig({ GRAPHQL_IDE: 'false' }).graphqlIde).toBe('off');
    expect(loadConfig({ GRAPHQL_IDE: 'Apollo-Sandbox' }).graphqlIde).toBe('apollo-sandbox');
    expect(() => loadConfig({ GRAPHQL_IDE: 'playground' })).toThrow(
      /GRAPHQL_IDE must be true, false or apollo-sandbox \(got "playground"\)/,
    );
  });

  it('refuses a short HS256 JWT_SECRET in production (not with a JWKS, not elsewhere)', () => {
    expect(() => loadConfig({ FRESHGATE_ENV: 'production', JWT_SECRET: 'x'.repeat(31) })).toThrow(/at least 32 bytes/);
    expect(loadConfig({ FRESHGATE_ENV: 'production', JWT_SECRET: 'x'.repeat(32) }).jwt.secret).toHaveLength(32);
    expect(
      loadConfig({ FRESHGATE_ENV: 'production', JWT_SECRET: 'short', JWT_JWKS_URL: 'https://idp.example/jwks' }).jwt.jwksUrl,
    ).toBeDefined();
    expect(loadConfig({ FRESHGATE_ENV: 'staging', JWT_SECRET: 'short' }).jwt.secret).toBe('short');
  });

  it('finds runs lost after 15 minutes, every 5, and migrates at start, by default; refuses a zero duration', () => {
    expect(loadConfig({}).lostRuns).toEqual({ afterMs: 15 * 60_000, sweepIntervalMs: 5 * 60_000 });
    expect(loadConfig({}).migrateOnStart).toBe(true);
    expect(() => loadConfig({ RUN_LOST_AFTER: '0s' })).toThrow(/RUN_LOST_AFTER must be longer than 0/);
  });

  it('refuses an OPS_PORT equal to PORT, or not a port', () => {
    expect(() => loadConfig({ PORT: '4000', OPS_PORT: '4000' })).toThrow(/OPS_PORT must differ/);
    expect(() => loadConfig({ OPS_PORT: 'metrics' })).toThrow(/OPS_PORT must be 0–65535/);
    expect(loadConfig({ OPS_PORT: '9464' }).ops.port).toBe(9464);
  });

  it.each([
    ['1', true],
    ['TRUE', true],
    ['on', true],
    ['0', false],
    ['False', false],
    ['no', false],
  ])('reads the boolean %p as %p', (value, expected) => {
    expect(loadConfig({ INTROSPECTION: value }).introspection).toBe(expected);
  });

  it('reads 0 as no limit and empty rate-limit variables as the defaults', () => {
    const off = loadConfig({ RATE_LIMIT_USER: '0', RATE_LIMIT_TENANT: '0', RATE_LIMIT_ANONYMOUS: '0', WS_MAX_CONNECTIONS_PER_USER: '0' });
    expect(off.rateLimits).toEqual({ windowMs: 60_000, perUser: 0, perTenant: 0, perAnonymousIp: 0, wsConnectionsPerUser: 0 });
    const blank = loadConfig({
      RATE_LIMIT_WINDOW: '',
      RATE_LIMIT_USER: '',
      RATE_LIMIT_TENANT: '',
      RATE_LIMIT_ANONYMOUS: '',
      WS_MAX_CONNECTIONS_PER_USER: '',
    });
    expect(blank.rateLimits).toEqual(loadConfig({}).rateLimits);
  });

  it('lets SEED_DEMO_DATA turn seeding off in embedded mode', () => {
    expect(loadConfig({ SEED_DEMO_DATA: 'false' }).seedDemoData).toBe(false);
  });
});

describe('parseDuration', () => {
  it.each([
    ['15m', 900_000],
    ['90s', 90_000],
    ['500ms', 500],
    ['1h', 3_600_000],
    ['1.5m', 90_000],
    ['30', 30_000],
    ['0', 0],
    [' 2m ', 120_000],
  ])('reads %p as %p ms', (text, ms) => {
    expect(parseDuration('X', text)).toBe(ms);
  });

  it.each(['', 'm', '15 minutes', '-5m', '15d', '1e3', 'abc'])('rejects %p naming the variable', (text) => {
    expect(() => parseDuration('PACK_WARMING_ETA', text)).toThrow(ConfigError);
    expect(() => parseDuration('PACK_WARMING_ETA', text)).toThrow(/PACK_WARMING_ETA/);
  });

  it('is what loadConfig uses for PACK_WARMING_ETA', () => {
    expect(loadConfig({ PACK_WARMING_ETA: '2h' }).packWarmingEtaMs).toBe(7_200_000);
    expect(() => loadConfig({ PACK_WARMING_ETA: 'soon' })).toThrow(ConfigError);
  });
});

describe('loadConfig refuses bad values with a ConfigError', () => {
  it.each(['mysql://host/db', 'http://host/db', 'host:5432/db', 'postgres:/host'])('DATABASE_URL %p', (url) => {
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: url })).toThrow(/DATABASE_URL/);
  });

  it.each(['postgres://h/d', 'postgresql://h/d'])('but accepts DATABASE_URL %p', (url) => {
    expect(loadConfig({ DATABASE_URL: url }).databaseUrl).toBe(url);
  });

  it.each(['prod', 'Production', 'dev'])('FRESHGATE_ENV %p', (env) => {
    expect(() => loadConfig({ FRESHGATE_ENV: env })).toThrow(ConfigError);
    expect(() => loadConfig({ FRESHGATE_ENV: env })).toThrow(/FRESHGATE_ENV/);
  });

  it.each(['development', 'staging', 'production', 'test'] as const)('but accepts FRESHGATE_ENV %p', (env) => {
    expect(loadConfig({ FRESHGATE_ENV: env }).environment).toBe(env);
  });

  it.each(['-1', '65536', '80.5', 'http', '4000x'])('PORT %p', (port) => {
    expect(() => loadConfig({ PORT: port })).toThrow(ConfigError);
    expect(() => loadConfig({ PORT: port })).toThrow(/PORT/);
  });

  it.each(['65535', '0', '8080'])('but accepts PORT %p', (port) => {
    expect(loadConfig({ PORT: port }).port).toBe(Number(port));
  });

  it.each([
    ['INTROSPECTION', 'maybe'],
    ['INTROSPECTION', 'enabled'],
    ['SEED_DEMO_DATA', '2'],
    ['RETURNS_FLOW_TIMING', 'midday'],
    ['RETURNS_ANNUALIZATION_DAYS', '0'],
    ['RISK_PERIODS_PER_YEAR', '252.5'],
    ['ORCHESTRATOR_MAX_CONCURRENCY', '-2'],
    ['STEP_TIMEOUT', 'forever'],
    ['RATE_LIMIT_WINDOW', 'hourly'],
    ['RATE_LIMIT_WINDOW', '500ms'],
    ['RATE_LIMIT_WINDOW', '0'],
    ['RATE_LIMIT_USER', '-1'],
    ['RATE_LIMIT_TENANT', '2.5'],
    ['RATE_LIMIT_ANONYMOUS', 'lots'],
    ['WS_MAX_CONNECTIONS_PER_USER', '1e3'],
    ['MAX_ENTITY_REPRESENTATIONS', '0'],
    ['MAX_ENTITY_REPRESENTATIONS', 'all'],
  ])('%s=%p', (name, value) => {
    expect(() => loadConfig({ [name]: value })).toThrow(ConfigError);
    expect(() => loadConfig({ [name]: value })).toThrow(new RegExp(name));
  });
});
