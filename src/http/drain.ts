import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
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

/**
 * Shutting down without resetting anyone: once draining starts, every new request — on a new
 * connection from the accept backlog, or the next one on a kept-alive connection — is answered
 * 503 `SERVICE_UNAVAILABLE` (retryable) with `Connection: close`, while the listener stays open
 * a moment longer so that connections the kernel already accepted get that answer instead of a
 * reset when it closes. Requests already in flight are served as usual.
 */
export class Drain {
  private draining = false;

  get active(): boolean {
    return this.draining;
  }

  start(): void {
    this.draining = true;
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
