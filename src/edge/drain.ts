import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';

const BODY = JSON.stringify({
  errors: [{ message: 'The server is shutting down; retry on another instance', extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 1 } }],
});
const HEADERS = {
  'content-type': 'application/json; charset=utf-8',
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
    response.writeHead(503, HEADERS);
    response.end(BODY);
    return true;
  }

  /** The same for a WebSocket upgrade. */
  refuseUpgrade(_request: IncomingMessage, socket: Duplex): boolean {
    if (!this.draining) return false;
    socket.end(`HTTP/1.1 503 Service Unavailable\r\n${Object.entries(HEADERS).map(([k, v]) => `${k}: ${v}`).join('\r\n')}\r\n\r\n${BODY}`);
    return true;
  }
}
