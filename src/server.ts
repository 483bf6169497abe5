import { ApolloServer, type ApolloServerPlugin, type GraphQLRequestListener } from '@apollo/server';
import { ApolloServerPluginCacheControlDisabled, ApolloServerPluginInlineTraceDisabled } from '@apollo/server/plugin/disabled';
import {
  ApolloServerPluginLandingPageLocalDefault,
  ApolloServerPluginLandingPageProductionDefault,
} from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import fastifyCors from '@fastify/cors';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { getOperationAST, GraphQLError } from 'graphql';
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage } from 'node:http';
import { WebSocketServer, type WebSocket } from 'ws';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { App } from './app';
import type { Viewer } from './auth/roles';
import { authenticate, contextFor } from './graphql/context-factory';
import type { GraphQLContext } from './graphql/context';
import { formatError, toGraphQLError } from './graphql/errors';
import { isDatabaseUnavailable } from './db/unavailable';
import { SharedSubscriptions, type DeliveringContext } from './graphql/shared-subscriptions';
import { serveGraphqlWs } from './graphql/ws-transport';
import { limitRules, OperationChecker, withoutSuggestions } from './graphql/operation-limits';
import { requestIdFrom } from './request-ids';
import { requestTrace } from './observability/tracing';
import { hashIdentifier } from './observability/redaction';
import { PACK_HEALTH_PATH, registerHealthRoutes } from './health-routes';
import { admitSocket, ConnectionLimiter } from './ratelimit/connection-limiter';
import { rateLimitedError } from './ratelimit/rate-limited-error';
import { createRequestLimiter } from './ratelimit/request-limiter';

export const GRAPHQL_PATH = '/graphql';

export interface RunningServer {
  url: string;
  wsUrl: string;
  port: number;
  fastify: FastifyInstance;
  /**
   * Stops accepting connections, closes WebSockets with 1001 and waits for HTTP requests in
   * flight; after graceMs (default: the configured grace) the remaining connections are cut.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

type WsExtra = {
  viewer?: Viewer;
  authorization?: string;
};

/** graphql-ws's code for a refused connection: clients do not retry it. */
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
  const limiter = await createRequestLimiter(app.config.rateLimits, app.db, app.logger);
  const wsConnections = new ConnectionLimiter<WebSocket>(app.config.rateLimits.wsConnectionsPerUser);
  const { limits } = app.config;
  const rules = limitRules(limits, { introspection: app.config.introspection });
  const routerGate = routerSecretCheck(app.config.routerSecret);
  const operations = new OperationChecker(app.schema, rules, { maxTokens: limits.maxTokens, fieldSuggestions: app.config.fieldSuggestions });
  const fastify = Fastify({
    logger: false,
    bodyLimit: limits.maxBodyBytes,
    // GET /health/pack is answered before fastify routes anything: load balancers and status
    // banners poll it, and its answer is bytes the pack events keep current (health-routes.ts
    // serves the same for any other form of the request).
    serverFactory: (handler) =>
      createServer((request, response) => {
        const json = request.method === 'GET' && request.url === PACK_HEALTH_PATH ? app.services.packHealth.cachedJson() : undefined;
        if (json === undefined) return handler(request, response);
        response.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': Buffer.byteLength(json) });
        response.end(json);
      }),
  });
  const wsServer = new WebSocketServer({
    server: fastify.server,
    path: GRAPHQL_PATH,
    maxPayload: limits.wsMaxPayloadBytes,
    // Behind a router, a WebSocket upgrade without the router's secret is refused before the handshake.
    verifyClient: ({ req }: { req: IncomingMessage }) => routerGate(req.headers[ROUTER_HEADER]),
  });
  const authenticatedSockets = new Map<WebSocket, string>();
  // Live graphql-ws connections, for the connection and subscription gauges read at scrape time.
  const wsContexts = new Set<{ subscriptions: Record<string, unknown> }>();

  const sharedSubscriptions = new SharedSubscriptions();
  const wsCleanup = serveGraphqlWs<Record<string, unknown>, WsExtra>(
    {
      schema: app.schema,
      subscribe: sharedSubscriptions.subscribe,
      connectionInitWaitTimeout: limits.wsInitTimeoutMs,
      onConnect: async (ctx) => {
        const params = ctx.connectionParams ?? {};
        const header = params.authorization ?? params.Authorization;
        try {
          const authorization = typeof header === 'string' ? header : undefined;
          ctx.extra.viewer = await authenticate(app, authorization);
          if (ctx.extra.viewer && !admitSocket(wsConnections, ctx.extra.viewer.userId, ctx.extra.socket)) {
            ctx.extra.socket.close(WS_TOO_MANY_CONNECTIONS, 'Too many connections');
            return false;
          }
          if (ctx.extra.viewer && authorization) authenticatedSockets.set(ctx.extra.socket, authorization);
          wsContexts.add(ctx);
          return true;
        } catch (error) {
          if (isDatabaseUnavailable(error)) {
            // Not the client's fault: 1013 (try again later) is one graphql-ws clients retry.
            ctx.extra.socket.close(WS_TRY_AGAIN_LATER, 'Service temporarily unavailable');
            return false;
          }
          return false; // closes with 4403 Forbidden: a bad credential is not retried
        }
      },
      onClose: (ctx) => {
        wsContexts.delete(ctx);
        authenticatedSockets.delete(ctx.extra.socket);
      },
      // The ws path gets what Apollo applies on HTTP: rate limit, token limit, validation with the
      // operation limits and introspection policy. An error here answers this subscription only.
      onSubscribe: async (ctx, id, payload) => {
        // graphql-ws has already registered this id when onSubscribe runs: it counts itself.
        if (Object.keys(ctx.subscriptions).length > limits.wsMaxSubscriptionsPerConnection) {
          return [clientError(`At most ${limits.wsMaxSubscriptionsPerConnection} operations at once on one connection`, 'TOO_MANY_SUBSCRIPTIONS')];
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
      onNext: (_ctx, _id, _payload, _args, result) =>
        result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON())) as never } : result,
    },
    wsServer,
    { logger: app.logger, maxBufferedBytes: limits.wsMaxBufferedBytes, onSlowConsumer: () => app.metrics.wsSlowConsumers.inc() },
  );

  // Access is re-checked while a connection lives, not only when it starts: a token that
  // expires or a user who is removed loses their subscriptions.
  const reauth = setInterval(() => {
    for (const [socket, authorization] of authenticatedSockets) {
      authenticate(app, authorization).catch(() => {
        authenticatedSockets.delete(socket);
        socket.close(WS_FORBIDDEN, 'Forbidden: the credential is no longer valid');
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
    formatError,
    plugins: [
      operationTiming(app),
      subscriptionsOverWebSocketOnly(),
      ...(app.config.fieldSuggestions ? [] : [suggestionsHiddenFromVariableErrors()]),
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
  // Refused before the body is read or parsed.
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.url.startsWith(GRAPHQL_PATH) && !routerGate(request.headers[ROUTER_HEADER])) {
      await reply.code(401).send(errorBody('Requests must come through the router', 'UNAUTHENTICATED'));
    }
  });

  fastify.route({
    url: GRAPHQL_PATH,
    method: ['GET', 'POST', 'OPTIONS'],
    handler: fastifyApolloHandler(apollo, {
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
          throw refusal;
        }
        return contextFor(app, viewer, ids);
      },
    }),
  });
  registerHealthRoutes(fastify, app);
  fastify.get('/metrics', async (_request, reply) => {
    const { metrics, services } = app;
    metrics.wsConnections.set(wsContexts.size);
    metrics.activeSubscriptions.set([...wsContexts].reduce((n, c) => n + Object.keys(c.subscriptions).length, 0));
    const latest = await services.packHealth.latest();
    for (const status of ['WARMING', 'FRESH', 'ERROR', 'STALE']) metrics.packStatus.set({ status }, latest.status === status ? 1 : 0);
    for (const [agent, state] of Object.entries(services.runtime.breakerStates())) {
      metrics.breakerState.set({ agent }, state === 'OPEN' ? 1 : state === 'HALF_OPEN' ? 0.5 : 0);
    }
    return reply.type(metrics.registry.contentType).send(await metrics.registry.metrics());
  });

  await fastify.listen({ host: listen.host, port: listen.port });
  const { port } = fastify.server.address() as AddressInfo;
  const host = listen.host === '0.0.0.0' || listen.host === '::' ? 'localhost' : listen.host;

  let closing: Promise<void> | undefined;
  return {
    url: `http://${host}:${port}${GRAPHQL_PATH}`,
    wsUrl: `ws://${host}:${port}${GRAPHQL_PATH}`,
    port,
    fastify,
    close(options = {}) {
      closing ??= (async () => {
        clearInterval(reauth);
        await wsCleanup.dispose(); // clients see 1001 Going away and reconnect elsewhere
        const cutOff = setTimeout(() => fastify.server.closeAllConnections(), options.graceMs ?? app.config.shutdownGraceMs);
        await fastify.close(); // stops listening; waits for the requests in flight
        clearTimeout(cutOff);
        await apollo.stop();
        await limiter.close();
      })();
      return closing;
    },
  };
}

const ROUTER_HEADER = 'router-authorization';

function clientError(message: string, code: string): GraphQLError {
  return new GraphQLError(message, { extensions: { code } });
}

function errorBody(message: string, code: string) {
  return { errors: [{ message, extensions: { code } }] };
}

/**
 * With ROUTER_SECRET set, only callers presenting it in Router-Authorization get through
 * (compared in constant time); without it, everyone does.
 */
function routerSecretCheck(secret: string | undefined): (presented: string | string[] | undefined) => boolean {
  if (!secret) return () => true;
  const expected = Buffer.from(secret);
  return (presented) => {
    if (typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
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

/**
 * hideSchemaDetailsFromClientErrors strips "Did you mean …?" from validation errors only; a
 * variable refused by its type (an enum value) would still name the values it expected.
 */
function suggestionsHiddenFromVariableErrors(): ApolloServerPlugin<GraphQLContext> {
  const listener: GraphQLRequestListener<GraphQLContext> = {
    async didEncounterErrors({ errors }) {
      for (const error of errors) error.message = withoutSuggestions(error.message);
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
