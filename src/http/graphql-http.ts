import { ApolloServer, type ApolloServerPlugin } from '@apollo/server';
import {
  ApolloServerPluginCacheControlDisabled,
  ApolloServerPluginInlineTraceDisabled,
  ApolloServerPluginLandingPageDisabled,
} from '@apollo/server/plugin/disabled';
import { ApolloServerPluginLandingPageLocalDefault } from '@apollo/server/plugin/landingPage/default';
import { fastifyApolloHandler } from '@as-integrations/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { GraphQLFormattedError, ValidationRule } from 'graphql';
import { performance } from 'node:perf_hooks';
import type { App } from '../app';
import type { Viewer } from '../auth/roles';
import type { GraphQLContext } from '../graphql/context';
import { escapedErrorsPlugin, graphQLErrorOf, toGraphQLError } from '../graphql/errors';
import { rateLimited } from '../ratelimit/rate-limited-error';
import type { RequestLimiter } from '../ratelimit/request-limiter';
import { legacyJsonStatus } from './legacy-json-status';
import { prefersHtml, sendGraphiql } from './pages/graphiql-page';
import { contextFor, requestIdentity } from './request-context';
import { operationTiming, recordRequest } from './request-log';
import type { RouterGate } from './router-gate';
import { subscriptionsOverWebSocketOnly } from './subscriptions-over-ws-only';

/** One port, one path: HTTP POST/GET here, and graphql-ws on WebSocket upgrades of the same path. */
export const GRAPHQL_PATH = '/graphql';

/** What the HTTP route needs besides the app: the limiter and router gate it admits requests with, and what it shares with ws. */
export interface GraphqlHttpOptions {
  limiter: RequestLimiter;
  gate: RouterGate;
  /** The operation limits and introspection policy, shared with the WebSocket path. */
  rules: ValidationRule[];
  /** What every error sent to a client goes through last, shared with the WebSocket path. */
  formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError;
}

/** Apollo Server 5 on the fastify route at GRAPHQL_PATH; the caller stops it on close. */
export async function mountGraphqlHttp(
  fastify: FastifyInstance,
  app: App,
  options: GraphqlHttpOptions,
): Promise<ApolloServer<GraphQLContext>> {
  const apollo = createApollo(app, options);
  await apollo.start();
  const handler = fastifyApolloHandler(apollo, { context: (request) => createContext(app, options.limiter, request) });
  // POST is Apollo's alone: the IDE is decided on GET only, so it costs the POST path nothing.
  fastify.route({ url: GRAPHQL_PATH, method: ['POST', 'OPTIONS'], onRequest: options.gate.onRequest, handler });
  fastify.route({
    url: GRAPHQL_PATH,
    method: 'GET',
    onRequest: options.gate.onRequest,
    ...(app.config.graphqlIde === 'graphiql' ? { preHandler: serveIdeToBrowsers } : {}),
    handler,
  });
  return apollo;
}

/** GET /graphql from a browser: freshgate's GraphiQL; anything else goes on to Apollo (a GET query). */
async function serveIdeToBrowsers(request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
  // Returning the reply after sending it is how an async hook answers early (fastify skips the handler).
  return prefersHtml(request.headers.accept) ? sendGraphiql(request, reply) : undefined;
}

function createApollo(app: App, options: GraphqlHttpOptions): ApolloServer<GraphQLContext> {
  const { limits } = app.config;
  return new ApolloServer<GraphQLContext>({
    schema: app.schema,
    introspection: app.config.introspection,
    validationRules: options.rules,
    // Apollo's own token limit answers 400 before validation (graphql-armor's parse hook would 500).
    parseOptions: { maxTokens: limits.maxTokens },
    hideSchemaDetailsFromClientErrors: !app.config.fieldSuggestions,
    allowBatchedHttpRequests: false,
    csrfPrevention: true,
    includeStacktraceInErrorResponses: false,
    // main.ts owns shutdown (server, then database); Apollo's own signal handler would exit first.
    stopOnTerminationSignals: false,
    formatError: options.formatError,
    plugins: plugins(app),
  });
}

function plugins(app: App): ApolloServerPlugin<GraphQLContext>[] {
  return [
    operationTiming(app),
    legacyJsonStatus(),
    escapedErrorsPlugin(),
    subscriptionsOverWebSocketOnly(),
    // Inline tracing (ftv1) is for a router that asks for it; it is noise otherwise.
    ApolloServerPluginInlineTraceDisabled(),
    // No field sets cache hints; left on, the plugin wraps every field resolver to look for them.
    ApolloServerPluginCacheControlDisabled(),
    // freshgate serves its own IDE (pages/graphiql-page.ts); Apollo's Sandbox loads from Apollo's CDN.
    app.config.graphqlIde === 'apollo-sandbox'
      ? ApolloServerPluginLandingPageLocalDefault({ footer: false })
      : ApolloServerPluginLandingPageDisabled(),
  ];
}

/**
 * Who is calling, and whether their budget allows it: a bad credential is a 401, an unreachable
 * database a 503, an exhausted budget a 429 — each refusing the request before Apollo's request
 * hooks run, so it is logged and timed here instead.
 */
async function createContext(app: App, limiter: RequestLimiter, request: FastifyRequest): Promise<GraphQLContext> {
  const started = performance.now();
  const ids = requestIdentity(request.headers);
  let viewer: Viewer | undefined;
  try {
    viewer = await app.authenticator.authenticate(request.headers.authorization);
    const verdict = await limiter.consume({ viewer, address: request.ip });
    if (!verdict.allowed) throw graphQLErrorOf(rateLimited(verdict), { wholeRequest: true });
  } catch (error) {
    // A GraphQLError, always: Apollo would answer anything else with "Context creation failed: <message>".
    const refusal = toGraphQLError(error, { ...ids, viewer }, { wholeRequest: true });
    const durationMs = performance.now() - started;
    recordRequest(app, {
      ...ids,
      operationName: undefined,
      operationType: 'refused',
      durationMs,
      viewer,
      errors: [String(refusal.extensions.code)],
    });
    throw refusal;
  }
  return contextFor(app, viewer, ids);
}
