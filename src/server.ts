import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, type onRequestHookHandler } from 'fastify';
import { getOperationAST, GraphQLError, type GraphQLFormattedError } from 'graphql';
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from 'node:http';
import { handleProtocols } from 'graphql-ws';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { App } from './app';
import type { Viewer } from './auth/roles';
import { authenticate, contextFor } from './graphql/context-factory';
import type { GraphQLContext } from './graphql/context';
import { escapedError, escapedErrorsPlugin, formatError, toGraphQLError, withoutSuggestions } from './graphql/errors';
import { isDatabaseUnavailable } from './db/unavailable';
import { SharedSubscriptions, type DeliveringContext } from './graphql/shared-subscriptions';
import { WsSessions, type Session } from './graphql/ws-sessions';
import { serveGraphqlWs } from './graphql/ws-transport';
import { limitRules, OperationChecker } from './graphql/operation-limits';
import { requestIdFrom } from './request-ids';
import { unauthenticated } from './shared/errors';
import { requestTrace } from './observability/tracing';
import { hashIdentifier } from './observability/redaction';
import { PACK_HEALTH_PATH, registerOpsRoutes, registerProbeRoutes, type WsStats } from './health-routes';
import { registerFallbacks } from './edge/fallback-routes';
import { legacyJsonStatus } from './edge/legacy-json-status';
import { secretMatches } from './edge/secrets';
import { routeWebSocketUpgrades } from './edge/websocket-upgrades';
import { Drain } from './edge/drain';
import { withinTime } from './shared/time-limit';
import { setTimeout as delay } from 'node:timers/promises';
import type { Duplex } from 'node:stream';
import { admitSocket, ConnectionLimiter } from './ratelimit/connection-limiter';
import { rateLimitedError } from './ratelimit/rate-limited-error';
import { createRequestLimiter } from './ratelimit/request-limiter';

export const GRAPHQL_PATH = '/graphql';

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
  close(options?: { graceMs?: number }): Promise<void>;
}

type WsExtra = {
  viewer?: Viewer;
  viaRouter?: boolean;
};

/**
 * graphql-ws's code for a refused connection. graphql-ws clients do retry it (only a few 44xx codes
 * are fatal to them): what tells a client it is signed out is the UNAUTHENTICATED error its
 * operations receive first (WsSessions.endOperations).
 */
const WS_FORBIDDEN = 4403;
/**
 * A user over WS_MAX_CONNECTIONS_PER_USER. graphql-ws clients treat 4429 (the protocol's "too many
 * initialisation requests") as fatal, so a client at its limit does not retry in a loop.
 */
const WS_TOO_MANY_CONNECTIONS = 4429;
/** The database is unreachable while a connection starts: the client should come back. */
const WS_TRY_AGAIN_LATER = 1013;

/**
 * One port, one path: Apollo Server 5 on fastify answers HTTP POST/GET at /graphql, and
 * graphql-ws answers WebSocket upgrades on the same path.
 */
export async function startServer(app: App, listen: { host: string; port: number }): Promise<RunningServer> {
  // Rate limits (README, "Rate limits"): every GraphQL operation, HTTP or ws, after authentication.
  const limiter = await createRequestLimiter(app.config.rateLimits, app.data.rateLimitStore, app.logger);
  const wsConnections = new ConnectionLimiter<WebSocket>(app.config.rateLimits.wsConnectionsPerUser);
  const { limits } = app.config;
  const rules = limitRules(limits, { introspection: app.config.introspection });
  const routerGate = secretMatches(app.config.routerSecret);
  // What every error sent to a client, over HTTP or ws, goes through last.
  const formatResponseError = app.config.fieldSuggestions
    ? formatError
    : (formatted: GraphQLFormattedError, error?: unknown) => withoutSuggestions(formatError(formatted, error));
  const operations = new OperationChecker(app.schema, rules, { maxTokens: limits.maxTokens, fieldSuggestions: app.config.fieldSuggestions });
  const drain = new Drain();
  const fastify = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    // GET /health/pack is answered before fastify routes anything: load balancers and status
    // banners poll it, and its answer is bytes the pack events keep current (health-routes.ts
    // serves the same for any other form of the request).
    serverFactory: (handler) =>
      createServer((request, response) => {
        if (drain.answer(response)) return;
        const json = request.method === 'GET' && request.url === PACK_HEALTH_PATH ? app.services.packHealth.cachedJson() : undefined;
        if (json === undefined) return handler(request, response);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
        response.end(json);
      }),
  });
  // Upgrades are decided by fastify's router and the GraphQL route's own rule (websocket-upgrades.ts).
  const wsServer = new WebSocketServer({ noServer: true, maxPayload: limits.wsMaxPayloadBytes, handleProtocols: (protocols) => handleProtocols(protocols) });
  // Signed-in connections and the credential each is re-checked with.
  const authenticatedSessions = new Map<Session, string>();
  const sessions = new WsSessions();

  const sharedSubscriptions = new SharedSubscriptions();
  const wsCleanup = serveGraphqlWs<Record<string, unknown>, WsExtra>(
    {
      schema: app.schema,
      subscribe: sharedSubscriptions.subscribe,
      connectionInitWaitTimeout: limits.wsInitTimeoutMs,
      onConnect: async (ctx) => {
        try {
          const authorization = authorizationParam(ctx.connectionParams);
          ctx.extra.viewer = await authenticate(app, authorization);
          // With ROUTER_SECRET set, every connection was admitted with it: each is a router's.
          ctx.extra.viaRouter = app.config.routerSecret !== undefined;
          if (ctx.extra.viewer && !admitSocket(wsConnections, ctx.extra.viewer.userId, ctx.extra.socket)) {
            ctx.extra.socket.close(WS_TOO_MANY_CONNECTIONS, 'Too many connections');
            return false;
          }
          if (ctx.extra.viewer && authorization) authenticatedSessions.set(ctx, authorization);
          sessions.add(ctx);
          return true;
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            // Not the client's fault: 1013 (try again later) is one graphql-ws clients retry.
            ctx.extra.socket.close(WS_TRY_AGAIN_LATER, 'Service temporarily unavailable');
            return false;
          }
          return false; // closes with 4403 Forbidden: a bad credential
        }
      },
      onClose: (ctx) => {
        sessions.remove(ctx);
        authenticatedSessions.delete(ctx);
      },
      // The ws path gets what Apollo applies on HTTP: rate limit, token limit, validation with the
      // operation limits and introspection policy. An error here answers this subscription only.
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already registered this id when onSubscribe runs: it counts itself.
        // A router's connection carries many end users: it is held to the router's cap, and
        // each signed-in user, on whatever connection, to theirs.
        const perConnection = ctx.extra.viaRouter ? limits.wsMaxSubscriptionsPerRouterConnection : limits.wsMaxSubscriptionsPerConnection;
        if (perConnection > 0 && Object.keys(ctx.subscriptions).length > perConnection) {
          return [clientError(`At most ${perConnection} operations at once on one connection`, 'TOO_MANY_SUBSCRIPTIONS')];
        }
        const viewer = ctx.extra.viewer;
        if (viewer && limits.wsMaxSubscriptionsPerUser > 0 && sessions.subscriptionsOf(viewer.userId) > limits.wsMaxSubscriptionsPerUser) {
          return [clientError(`At most ${limits.wsMaxSubscriptionsPerUser} operations at once per user`, 'TOO_MANY_SUBSCRIPTIONS')];
        }
        const verdict = await limiter.consume({ viewer: ctx.extra.viewer, address: ctx.extra.request.socket.remoteAddress });
        if (!verdict.allowed) return [rateLimitedError(verdict)];
        const checked = operations.check(payload.query);
        if ('errors' in checked) return checked.errors;
        const operation = getOperationAST(checked.document, payload.operationName);
        if (!operation) return [clientError('The document must name one operation to run', 'BAD_REQUEST')];
        // Mutations debit credits, write audit entries and take idempotency keys: HTTP only.
        if (operation.operation === 'mutation') return [clientError('Mutations are accepted over HTTP only', 'BAD_REQUEST')];
        const variableErrors = operations.variableErrors(operation, payload.variables);
        if (variableErrors) return variableErrors;
        const contextValue: DeliveringContext = {
          ...contextFor(app, ctx.extra.viewer, { requestId: requestIdFrom(undefined), ...requestTrace({}) }),
          delivery: { id, send: ctx.extra.deliver },
        };
        return {
          schema: app.schema,
          document: checked.document,
          operationName: payload.operationName,
          variableValues: payload.variables ?? undefined,
          contextValue,
        };
      },
      onNext: (_ctx, _id, _payload, args, result) => {
        if (!result.errors) return result;
        const ids = args.contextValue as GraphQLContext;
        return { ...result, errors: result.errors.map((e) => formatResponseError(escapedError(e, ids).toJSON())) as never };
      },
    },
    wsServer,
    {
      logger: app.logger,
      // Behind a router every connection carries many end users' events: one event to 5,000
      // subscribers is ~1.5 MB on one socket, far more than a single client may leave unread.
      maxBufferedBytes: app.config.routerSecret === undefined ? limits.wsMaxBufferedBytes : limits.wsMaxBufferedBytesRouter,
      onSlowConsumer: () => app.metrics.wsSlowConsumers.inc(),
    },
  );

  // Access is re-checked while a connection lives, not only when it starts: a token that
  // expires or a user who is removed loses their subscriptions.
  // A re-check that cannot reach the database proves nothing either way: the connection stays,
  // and the next re-check decides. 4403 means the credential or the user is really gone.
  // Its operations end visibly first (see WsSessions): behind a router, a close code reaches no one.
  const reauth = setInterval(() => {
    for (const [session, authorization] of authenticatedSessions) {
      authenticate(app, authorization).catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) return;
        authenticatedSessions.delete(session);
        sessions.endOperations(session, { message: 'The credential is no longer valid; sign in again', code: 'UNAUTHENTICATED' });
        session.extra.socket.close(WS_FORBIDDEN, 'Forbidden: the credential is no longer valid');
      });
    }
  }, app.config.wsReauthIntervalMs);
  reauth.unref();

  const apollo = new ApolloServer<GraphQLContext>({
    schema: app.schema,
    introspection: app.config.introspection,
    validationRules: rules,
    // Apollo's own token limit answers 400 before validation (graphql-armor's parse hook would 500).
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: !app.config.fieldSuggestions,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (server, then database); Apollo's own signal handler would exit first.
    stopOnTerminationSignals: false,
    formatError: formatResponseError,
    plugins: [
      operationTiming(app),
      legacyJsonStatus(),
      escapedErrorsPlugin(),
      subscriptionsOverWebSocketOnly(),
      // Inline tracing (ftv1) is for a router that asks for it; it is noise otherwise.
      ApolloServerPluginInlineTraceDisabled(),
      // No field sets cache hints; left on, the plugin wraps every field resolver to look for them.
      ApolloServerPluginCacheControlDisabled(),
      app.config.environment === 'production'
        ? ApolloServerPluginLandingPageProductionDefault({ footer: false })
        : ApolloServerPluginLandingPageLocalDefault({ footer: false }),
    ],
  });
  await apollo.start();

  fastify.setErrorHandler(graphqlShapedHttpError);
  if (app.config.corsOrigins.length > 0) {
    await fastify.register(fastifyCors, { origin: app.config.corsOrigins, methods: ['GET', 'POST'], maxAge: 600 });
  }
  // On the route itself, so it holds for whatever spelling of the target fastify routes here
  // (percent-encoded, absolute-form, with a query string), for HTTP and WebSocket upgrades alike;
  // refused before the body is read or parsed.
  const routerRefusal = (headers: IncomingHttpHeaders) =>
    routerGate(headers[ROUTER_HEADER]) ? undefined : { status: 401, body: errorBody('Requests must come through the router', 'UNAUTHENTICATED') };
  const throughRouterOnly: onRequestHookHandler = async (request, reply) => {
    const refusal = routerRefusal(request.headers);
    if (refusal) await reply.code(refusal.status).send(refusal.body);
  };

  const graphqlHandler = fastifyApolloHandler(apollo, {
      context: async (request) => {
        const started = performance.now();
        const ids = { requestId: requestIdFrom(request.headers['x-request-id']), ...requestTrace(request.headers) };
        let viewer: Viewer | undefined;
        try {
          try {
            viewer = await authenticate(app, request.headers.authorization);
          } catch (error) {
            // A GraphQLError (bad credential) as it is; a database outage as a retryable 503.
            throw toGraphQLError(error, ids);
          }
          const verdict = await limiter.consume({ viewer, address: request.ip });
          if (!verdict.allowed) throw rateLimitedError(verdict, { http: true });
        } catch (refusal) {
          // Refused before Apollo's request hooks run: logged and timed here instead.
          recordRequest(app, {
            ...ids,
            operationName: undefined,
            operationType: 'refused',
            durationMs: performance.now() - started,
            viewer,
            errors: [refusal instanceof GraphQLError ? String(refusal.extensions.code ?? 'UNKNOWN') : 'UNKNOWN'],
          });
          // Apollo would answer anything but a GraphQLError with "Context creation failed: <message>".
          throw toGraphQLError(refusal, { ...ids, viewer });
        }
        return contextFor(app, viewer, ids);
      },
    });
  fastify.route({ url: GRAPHQL_PATH, method: ['GET', 'POST', 'OPTIONS'], onRequest: throughRouterOnly, handler: graphqlHandler });
  registerProbeRoutes(fastify, app);
  const wsStats: WsStats = { connections: () => sessions.connections(), subscriptions: () => sessions.subscriptions() };
  // With OPS_PORT the operators' routes live on a listener of their own, and not on the public one.
  const opsServer = app.config.ops.port === undefined ? undefined : Fastify({ logger: false });
  registerOpsRoutes(opsServer ?? fastify, app, wsStats);
  registerFallbacks(fastify);
  if (opsServer) {
    registerFallbacks(opsServer);
    await opsServer.listen({ host: app.config.ops.host, port: app.config.ops.port });
  } else if (app.config.environment === 'production' && !app.config.ops.token) {
    app.logger.warn('/metrics and /health/detailed are open to every caller of the public port: set OPS_TOKEN or OPS_PORT in production');
  }

  await fastify.ready();
  fastify.server.prependListener('upgrade', (request: IncomingMessage, socket: Duplex) => {
    drain.refuseUpgrade(request, socket);
  });
  routeWebSocketUpgrades(fastify, wsServer, { path: GRAPHQL_PATH, admit: (request) => routerRefusal(request.headers), accept: wsCleanup.accept, closed: () => drain.active });
  await fastify.listen({ host: listen.host, port: listen.port });
  const { port } = fastify.server.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://${host}:${port}${GRAPHQL_PATH}`,
    port,
    opsPort: opsServer ? (opsServer.server.address() as AddressInfo).port : undefined,
    fastify,
    close(options = {}) {
      closing ??= (async () => {
        const graceMs = options.graceMs ?? app.config.shutdownGraceMs;
        const deadline = Date.now() + graceMs;
        clearInterval(reauth);
        drain.start();
        // Subscribers (and routers relaying them) learn why their streams end, and that they may resubscribe.
        sessions.endAll({ message: 'The server is shutting down; subscribe again', code: 'SERVICE_UNAVAILABLE', extensions: { retryable: true } });
        // WebSocket clients see 1001 Going away and reconnect elsewhere, while the listener stays
        // open long enough for connections already in the backlog to get their 503.
        await Promise.all([withinTime(wsCleanup.dispose(), graceMs), delay(Math.min(DRAIN_MS, graceMs))]);
        const cutOff = setTimeout(() => fastify.server.closeAllConnections(), Math.max(0, deadline - Date.now()));
        await fastify.close(); // stops listening; waits for the requests in flight, at most until the cut-off
        clearTimeout(cutOff);
        const rest = Math.max(CLOSE_STEP_LIMIT_MS, deadline - Date.now());
        await withinTime(opsServer?.close() ?? Promise.resolve(), rest);
        await withinTime(apollo.stop(), rest);
        await withinTime(limiter.close(), rest);
      })();
      return closing;
    },
  };
}

const ROUTER_HEADER = 'router-authorization';
/** How long the listener stays open after SIGTERM, answering 503, so the accept backlog is not reset. */
const DRAIN_MS = 500;
/** The least time a closing step gets when the grace is already spent. */
const CLOSE_STEP_LIMIT_MS = 1_000;

/**
 * The credential in graphql-ws's connection_init payload, under `authorization` in any letter
 * case (clients and routers differ). Present but not a string, or given twice with different
 * values, it is a bad credential — never a reason to treat the connection as anonymous.
 */
function authorizationParam(params: Record<string, unknown> | undefined): string | undefined {
  const values = Object.entries(params ?? {})
    .filter(([key]) => key.toLowerCase() === 'authorization')
    .map(([, value]) => value);
  if (values.length === 0 || (values.length === 1 && values[0] === undefined)) return undefined;
  const [first] = values;
  if (typeof first !== 'string' || values.some((v) => v !== first)) {
    throw unauthenticated('connectionParams.authorization must be one string, "Bearer <token>"');
  }
  return first;
}

function clientError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * Fastify's own refusals (body too large, malformed JSON, unsupported content type) in the
 * shape GraphQL clients read, with their 4xx status; anything else is a 500 without details.
 */
function graphqlShapedHttpError(error: FastifyError, _request: FastifyRequest, reply: FastifyReply) {
  const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
  const code = status === 413 ? 'PAYLOAD_TOO_LARGE' : status === 415 ? 'UNSUPPORTED_MEDIA_TYPE' : status < 500 ? 'BAD_REQUEST' : 'INTERNAL_SERVER_ERROR';
  const message = status < 500 ? error.message : 'Internal server error';
  return reply.code(status).send(errorBody(message, code));
}

interface RequestLine {
  requestId: string | undefined;
  traceId: string | undefined;
  operationName: string | null | undefined;
  operationType: string;
  durationMs: number;
  viewer: Viewer | undefined;
  errors: string[] | undefined;
}

/** One log line and one timing per request; never the query, variables or token; ids hashed. */
function recordRequest(app: App, line: RequestLine): void {
  const operation = app.metrics.operationLabel(line.operationName);
  app.metrics.graphqlDuration.observe({ operation_name: operation, operation_type: line.operationType }, line.durationMs / 1000);
  app.logger.info(
    {
      requestId: line.requestId,
      traceId: line.traceId,
      operation,
      operationType: line.operationType,
      durationMs: Math.round(line.durationMs * 100) / 100,
      user: hashIdentifier(line.viewer?.userId),
      tenant: hashIdentifier(line.viewer?.tenantId),
      errors: line.errors,
    },
    'graphql request',
  );
}

/**
 * A subscription sent over HTTP is refused with 400 before it runs: Apollo would execute it like a
 * query, and a subscription field's resolver, which maps events, would fail without one.
 */
function subscriptionsOverWebSocketOnly(): ApolloServerPlugin<GraphQLContext> {
  const refusal = 'Subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP';
  // Stateless, so one listener serves every request.
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation === 'subscription') {
        throw new GraphQLError(refusal, { extensions: { code: 'BAD_REQUEST', http: { status: 400 } } });
      }
    },
  };
  return { requestDidStart: async () => listener };
}

/** Times every GraphQL operation over HTTP, by (bounded) operation name and type. */
function operationTiming(app: App): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, contextValue, errors }) {
          recordRequest(app, {
            requestId: contextValue?.requestId,
            traceId: contextValue?.traceId,
            operationName,
            operationType: operation?.operation ?? 'invalid',
            durationMs: performance.now() - started,
            viewer: contextValue?.viewer,
            errors: errors?.map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
          });
        },
      };
    },
  };
}
