import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import { setImmediate as nextTurn, setTimeout as delay } from 'node:timers/promises';
import { serviceUnavailable } from '../shared/errors';
import { JSON_CONTENT_TYPE, rawResponse, refusal } from './refusals';

const REFUSAL = refusal(serviceUnavailable('The server is shutting down; retry on another instance', { retryAfterSeconds: 1 }));
const BODY = JSON.stringify(REFUSAL.body);
const HEADERS = {
  'content-type': JSON_CONTENT_TYPE,
  'content-length': Buffer.byteLength(BODY),
  'retry-after': '1',
  connection: 'close',
};
/** The listener closes only after this long without a new connection. */
const QUIET_MS = 100;
/** A connection that arrived while draining and sent no request for this long (a browser's preconnect) is not waited for. */
const ANSWER_WAIT_MS = 1_000;

/**
 * Shutting down without resetting anyone: once draining starts, every new request — on a new
 * connection from the accept backlog, or the next one on a kept-alive connection — is answered
 * 503 `SERVICE_UNAVAILABLE` (retryable) with `Connection: close`, while the listener stays open
 * a moment longer so that connections the kernel already accepted get that answer instead of a
 * reset when it closes. Requests already in flight are served as usual.
 */
export class Drain {
  private draining = false;
  /** Connections accepted since draining started, until they close, with when they arrived. */
  private readonly arrivals = new Map<Socket, number>();
  private lastArrival = 0;

  get active(): boolean {
    return this.draining;
  }

  /** Follows the connections the listener accepts, so that closing it can wait for theirs to be answered. */
  watch(server: Server): void {
    server.on('connection', (socket: Socket) => {
      if (!this.draining) return;
      this.lastArrival = Date.now();
      this.arrivals.set(socket, this.lastArrival);
      socket.once('close', () => this.arrivals.delete(socket));
    });
  }

  start(): void {
    this.draining = true;
  }

  /**
   * Resolves when the listener may close without resetting anyone: no connection arrived for
   * QUIET_MS, and those that arrived while draining have had their 503 (or sent nothing for
   * ANSWER_WAIT_MS) — or at the deadline. A fixed pause is not enough: a process held off the CPU
   * past it would, on waking, run its timer before accepting the backlog, and closing the listener
   * then resets every connection in it. Each check first lets the event loop accept what is pending.
   */
  async settled(deadline: number): Promise<void> {
    for (;;) {
      await nextTurn();
      const now = Date.now();
      if (now >= deadline) return;
      const unanswered = [...this.arrivals.values()].some((arrivedAt) => now - arrivedAt < ANSWER_WAIT_MS);
      if (!unanswered && now - this.lastArrival >= QUIET_MS) return;
      await delay(Math.min(20, deadline - now));
    }
  }

  /** Answers the request if draining; false when it should be served. */
  answer(response: ServerResponse): boolean {
    if (!this.draining) return false;
    response.writeHead(REFUSAL.status, HEADERS);
    response.end(BODY);
    return true;
  }

  /** The same for a WebSocket upgrade. */
  refuseUpgrade(_request: IncomingMessage, socket: Duplex): boolean {
    if (!this.draining) return false;
    socket.end(rawResponse(REFUSAL.status, HEADERS, BODY));
    return true;
  }
}
