import type { FastifyInstance } from 'fastify';
import { handleProtocols, type ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import type { App } from '../app';
import { isDatabaseUnavailable } from '../db/unavailable';
import type { GraphQLContext } from '../graphql/context';
import { escapedError } from '../graphql/errors';
import { SharedSubscriptions } from '../graphql/shared-subscriptions';
import { admitSocket, ConnectionLimiter } from '../ratelimit/connection-limiter';
import { serviceUnavailable } from '../shared/errors';
import { withinTime } from '../shared/time-limit';
import { authorizationParam } from './connection-params';
import type { Drain } from './drain';
import type { WsStats } from './ops-routes';
import type { RouterGate } from './router-gate';
import { routeWebSocketUpgrades } from './websocket-upgrades';
import { CredentialRechecks } from './ws-rechecks';
import { startOperation, type OperationDeps, type WebSocketOptions } from './ws-operations';
import { WsSessions, type ConnectionState, type Session } from './ws-sessions';
import { serveGraphqlWs, type WsExtra } from './ws-transport';

/**
 * A user over WS_MAX_CONNECTIONS_PER_USER. graphql-ws clients treat 4429 (the protocol's "too many
 * initialisation requests") as fatal, so a client at its limit does not retry in a loop.
 */
const WS_TOO_MANY_CONNECTIONS = 4429;
/** The database is unreachable while a connection starts: the client should come back. */
const WS_TRY_AGAIN_LATER = 1013;

/** What serveWebSockets gives the server: figures for /metrics, attaching to the edge, and shutting down. */
export interface GraphqlWebSockets {
  readonly stats: WsStats;
  /** Serves upgrades of the GraphQL route on the edge's server, once its routes are ready. */
  attach(fastify: FastifyInstance, route: { path: string; gate: RouterGate; drain: Drain }): void;
  /** Ends every operation (SERVICE_UNAVAILABLE, retryable), then closes every socket with 1001. */
  shutDown(graceMs: number): Promise<void>;
}

/** graphql-ws on `ws` sockets, with freshgate's admission, limits and credential re-checks. */
export function serveWebSockets(app: App, options: WebSocketOptions): GraphqlWebSockets {
  const { limits } = app.config;
  const wsServer = new WebSocketServer({
    noServer: true,
    maxPayload: limits.wsMaxPayloadBytes,
    handleProtocols: (protocols) => handleProtocols(protocols),
  });
  const sessions = new WsSessions();
  const rechecks = new CredentialRechecks((authorization) => app.authenticator.authenticate(authorization), sessions);
  const deps: ConnectionDeps = {
    ...options,
    app,
    sessions,
    rechecks,
    connections: new ConnectionLimiter<WebSocket>(app.config.rateLimits.wsConnectionsPerUser),
  };
  const transport = serveGraphqlWs<Record<string, unknown>, ConnectionState>(graphqlWsOptions(deps), wsServer, {
    logger: app.logger,
    // Behind a router every connection carries many end users' events: one event to 5,000
    // subscribers is ~1.5 MB on one socket, far more than a single client may leave unread.
    maxBufferedBytes: app.config.routerSecret === undefined ? limits.wsMaxBufferedBytes : limits.wsMaxBufferedBytesRouter,
    onSlowConsumer: () => app.metrics.wsSlowConsumers.inc(),
  });
  rechecks.start(app.config.wsReauthIntervalMs);
  // A role change or removal made here is acted on at once, not at the next interval.
  app.userChanges.subscribe((userId) => rechecks.recheckUser(userId));
  return {
    stats: { connections: () => sessions.connections(), subscriptions: () => sessions.subscriptions() },
    attach(fastify, route) {
      fastify.server.prependListener('upgrade', (request: IncomingMessage, socket: Duplex) => {
        route.drain.refuseUpgrade(request, socket);
      });
      const admit = (request: IncomingMessage) => route.gate.refusal(request.headers);
      routeWebSocketUpgrades(fastify, wsServer, { path: route.path, admit, accept: transport.accept, closed: () => route.drain.active });
    },
    async shutDown(graceMs) {
      rechecks.stop();
      // Subscribers (and routers relaying them) learn why their streams end, and that they may resubscribe.
      sessions.endAll(serviceUnavailable('The server is shutting down; subscribe again'));
      await withinTime(transport.dispose(), graceMs);
    },
  };
}

interface ConnectionDeps extends OperationDeps {
  rechecks: CredentialRechecks;
  connections: ConnectionLimiter<WebSocket>;
}

function graphqlWsOptions(deps: ConnectionDeps): ServerOptions<Record<string, unknown>, ConnectionState & WsExtra> {
  const { app } = deps;
  const shared = new SharedSubscriptions();
  return {
    schema: app.schema,
    subscribe: shared.subscribe,
    connectionInitWaitTimeout: app.config.limits.wsInitTimeoutMs,
    onConnect: (ctx) => connect(deps, ctx),
    onClose: (ctx) => {
      deps.sessions.remove(ctx);
      deps.rechecks.forget(ctx);
    },
    // The ws path gets what Apollo applies on HTTP: rate limit, token limit, validation with the
    // operation limits and introspection policy. An error here answers this subscription only.
    onSubscribe: (ctx, id, payload) => startOperation(deps, ctx, id, payload),
    onNext: (_ctx, _id, _payload, args, result) => {
      if (!result.errors) return result;
      const ids = args.contextValue as GraphQLContext;
      return { ...result, errors: result.errors.map((e) => deps.formatError(escapedError(e, ids).toJSON())) as never };
    },
  };
}

/**
 * A connection starts signed in (from `connectionParams.authorization`) or anonymous. A bad
 * credential closes it with graphql-ws's 4403 (returning false); an unreachable database with
 * 1013, which graphql-ws clients retry — it is not the client's fault.
 */
async function connect(deps: ConnectionDeps, ctx: Session): Promise<boolean> {
  const { app, sessions } = deps;
  try {
    const authorization = authorizationParam(ctx.connectionParams);
    const viewer = await app.authenticator.authenticate(authorization);
    ctx.extra.viewer = viewer;
    ctx.extra.viaRouter = app.config.routerSecret !== undefined;
    if (viewer && !admitSocket(deps.connections, viewer.userId, ctx.extra.socket)) {
      ctx.extra.socket.close(WS_TOO_MANY_CONNECTIONS, 'Too many connections');
      return false;
    }
    if (viewer && authorization) deps.rechecks.track(ctx, authorization);
    sessions.add(ctx);
    return true;
  } catch (error) {
    if (isDatabaseUnavailable(error)) ctx.extra.socket.close(WS_TRY_AGAIN_LATER, 'Service temporarily unavailable');
    return false;
  }
}
