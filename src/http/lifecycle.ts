import type { FastifyInstance } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { withinTime } from '../shared/time-limit';
import type { Drain } from './drain';
import type { GraphqlWebSockets } from './websocket';

/** How long the listener stays open at least after SIGTERM, answering 503, so the accept backlog is not reset. */
const DRAIN_MS = 500;
/** The least time a closing step gets when the grace is already spent. */
const CLOSE_STEP_LIMIT_MS = 1_000;

/** What the server holds open, in the order it is let go. */
export interface ServerParts {
  drain: Drain;
  webSockets: GraphqlWebSockets;
  /** The public listener. */
  edge: FastifyInstance;
  /** The operators' listener, with OPS_PORT. */
  opsServer: FastifyInstance | undefined;
  /** Closed last, in order, each within what is left of the grace (Apollo Server, the rate limiter). */
  finally: (() => Promise<unknown>)[];
}

/** Closes the server; graceMs, when given, replaces the configured grace. */
export type Close = (options?: { graceMs?: number }) => Promise<void>;

/** The server's close: the first call runs the sequence, every later one waits for the same. */
export function closeOnce(parts: ServerParts, defaultGraceMs: number): Close {
  let closing: Promise<void> | undefined;
  return (options = {}) => (closing ??= closeWithin(parts, options.graceMs ?? defaultGraceMs));
}

/**
 * Stops taking work (503 from now on), ends WebSocket operations and closes the sockets (1001),
 * keeps the listener open for the accept backlog (DRAIN_MS, and until connections stop arriving and
 * have their answer), then waits for HTTP requests in flight
 * until the grace ends and cuts what remains. Every step is bounded: nothing holds shutdown.
 */
async function closeWithin(parts: ServerParts, graceMs: number): Promise<void> {
  const deadline = Date.now() + graceMs;
  parts.drain.start();
  // WebSocket clients see 1001 Going away and reconnect elsewhere, while the listener stays
  // open long enough for connections already in the backlog to get their 503.
  await Promise.all([parts.webSockets.shutDown(graceMs), delay(Math.min(DRAIN_MS, graceMs))]);
  await parts.drain.settled(deadline);
  const cutOff = setTimeout(() => parts.edge.server.closeAllConnections(), Math.max(0, deadline - Date.now()));
  await parts.edge.close(); // stops listening; waits for the requests in flight, at most until the cut-off
  clearTimeout(cutOff);
  const rest = Math.max(CLOSE_STEP_LIMIT_MS, deadline - Date.now());
  await withinTime(parts.opsServer?.close() ?? Promise.resolve(), rest);
  for (const close of parts.finally) await withinTime(close(), rest);
}
