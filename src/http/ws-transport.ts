import { CloseCode, makeServer, type ServerOptions } from 'graphql-ws';
import type { IncomingMessage } from 'node:http';
import type { WebSocket, WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger';

/** What graphql-ws's callbacks find in `ctx.extra`. */
export interface WsExtra {
  socket: WebSocket;
  request: IncomingMessage;
  /** Sends a ready-made frame on this socket, with the same backpressure check as every send. */
  deliver(frame: string): void;
}

/** How serveGraphqlWs logs, keeps sockets alive, and bounds what a slow client may leave unread. */
export interface WsTransportOptions {
  logger: Logger;
  /** Outgoing bytes a client may leave unread before it is disconnected as a slow consumer. */
  maxBufferedBytes: number;
  onSlowConsumer(): void;
  /** Ping interval; a socket that has not answered the previous ping by the next one is dropped. */
  keepAliveMs?: number;
}

/** Close code for a client that let too much unread data pile up (policy violation). */
export const WS_SLOW_CONSUMER = 1008;
/** Close code at shutdown: the server is going away; clients reconnect elsewhere. */
export const WS_GOING_AWAY = 1001;
/** How long shutdown waits for clients to answer the close frame. */
const CLOSE_HANDSHAKE_MS = 2_000;

/**
 * Sends a frame if the socket is open; a client that has left more than maxBufferedBytes unread
 * is closed (1008) and counted, so a slow consumer cannot make the server buffer without bound.
 */
export function backpressuredSender(
  socket: WebSocket,
  limits: Pick<WsTransportOptions, 'maxBufferedBytes' | 'onSlowConsumer'>,
): (frame: string) => void {
  return (frame) => {
    if (socket.readyState !== socket.OPEN) return;
    socket.send(frame);
    if (socket.bufferedAmount > limits.maxBufferedBytes) {
      limits.onSlowConsumer();
      socket.close(WS_SLOW_CONSUMER, 'Slow consumer: messages were not read');
    }
  };
}

/** The graphql-ws server: sockets are handed to it by the route that accepted the upgrade. */
export interface GraphqlWsTransport {
  /** Serves graphql-ws on a socket the HTTP route has upgraded (after its hooks passed). */
  accept(socket: WebSocket, request: IncomingMessage): void;
  /** Closes every socket with 1001 (after the closing handshake, or at most 2 s). */
  dispose(): Promise<void>;
}

/**
 * graphql-ws on `ws` sockets through the library's own transport API (`makeServer`), in place
 * of its stock `useServer` adapter, for three things a fan-out to thousands needs:
 * - sends are fire-and-forget: stock wraps each send in a promise settled by a per-message
 *   write callback, which at 5,000 subscribers is most of an event's cost;
 * - backpressure: after each send the socket's unsent bytes are checked, and a client over
 *   `maxBufferedBytes` is closed (1008) and counted, so memory stays bounded;
 * - one heartbeat timer for all sockets (ws's isAlive pattern) instead of one per socket.
 *
 * The upgrade itself is decided by fastify's router and the GraphQL route's own rule
 * (websocket-upgrades.ts), so the router secret applies to the WebSocket exactly as to HTTP,
 * whatever the spelling of the request target.
 */
export function serveGraphqlWs<P extends Record<string, unknown> | undefined, E extends Record<PropertyKey, unknown>>(
  options: ServerOptions<P, E & WsExtra>,
  wss: WebSocketServer,
  transport: WsTransportOptions,
): GraphqlWsTransport {
  const server = makeServer<P, E & WsExtra>(options);
  const alive = new WeakMap<WebSocket, boolean>();

  wss.on('error', (error) => transport.logger.error({ err: error }, 'WebSocket server error'));

  const heartbeat = setInterval(() => {
    for (const socket of wss.clients) {
      if (!alive.get(socket)) {
        socket.terminate();
        continue;
      }
      alive.set(socket, false);
      socket.ping();
    }
  }, transport.keepAliveMs ?? 12_000);
  heartbeat.unref();

  return {
    accept(socket, request) {
      alive.set(socket, true);
      socket.on('pong', () => alive.set(socket, true));
      socket.once('error', (error) => {
        transport.logger.warn({ err: error }, 'WebSocket error');
        socket.close(CloseCode.InternalServerError, 'Internal server error');
      });
      const deliver = backpressuredSender(socket, transport);
      const closed = server.opened(
        {
          protocol: socket.protocol,
          send: deliver,
          close: (code, reason) => socket.close(code, reason),
          onMessage: (handle) =>
            socket.on('message', (message) => {
              handle(String(message)).catch((error: unknown) => {
                transport.logger.error({ err: error }, 'graphql-ws message handling failed');
                socket.close(CloseCode.InternalServerError, 'Internal server error');
              });
            }),
        },
        { socket, request, deliver } as E & WsExtra,
      );
      socket.once('close', (code, reason) => void closed(code, String(reason)));
    },
    async dispose() {
      clearInterval(heartbeat);
      await closeGoingAway(wss);
    },
  };
}

/**
 * Closes each socket with 1001 and gives the closing handshake a moment to complete, so clients
 * see "going away" rather than a dropped connection (1006); then drops whatever is left.
 */
async function closeGoingAway(wss: WebSocketServer): Promise<void> {
  const closed = [...wss.clients].map(
    (socket) =>
      new Promise((resolve) => {
        socket.once('close', resolve);
        socket.close(WS_GOING_AWAY, 'Going away');
      }),
  );
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([Promise.all(closed), new Promise((resolve) => (timer = setTimeout(resolve, CLOSE_HANDSHAKE_MS)))]);
  clearTimeout(timer);
  for (const socket of wss.clients) socket.terminate();
}
