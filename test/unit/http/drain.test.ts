import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { Drain } from '../../../src/http/drain';

const SHUTTING_DOWN = {
  errors: [
    {
      message: 'The server is shutting down; retry on another instance',
      extensions: { code: 'SERVICE_UNAVAILABLE', retryable: true, retryAfterSeconds: 1 },
    },
  ],
};

describe('Drain', () => {
  let drain: Drain;
  let server: Server;
  let url: string;

  beforeEach(async () => {
    drain = new Drain();
    server = createServer((request, response) => {
      if (!drain.answer(response)) response.end('served');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });

  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  it('lets requests through until it starts', async () => {
    expect(drain.active).toBe(false);
    expect(await (await fetch(url)).text()).toBe('served');
  });

  it('then answers every request 503 SERVICE_UNAVAILABLE, retryable, with Retry-After and Connection: close', async () => {
    drain.start();
    expect(drain.active).toBe(true);
    const response = await fetch(url);
    expect(response.status).toBe(503);
    expect(response.headers.get('retry-after')).toBe('1');
    expect(response.headers.get('connection')).toBe('close');
    expect(await response.json()).toEqual(SHUTTING_DOWN);
  });

  it('answers an upgrade on its raw socket with the same response, as HTTP/1.1 bytes', () => {
    const socket = new PassThrough();
    expect(drain.refuseUpgrade({} as never, socket)).toBe(false);
    drain.start();
    expect(drain.refuseUpgrade({} as never, socket)).toBe(true);
    const [head, body] = String(socket.read()).split('\r\n\r\n');
    const [status, ...headers] = head.split('\r\n');
    expect(status).toBe('HTTP/1.1 503 Service Unavailable');
    expect(headers).toEqual(expect.arrayContaining(['retry-after: 1', 'connection: close', `content-length: ${Buffer.byteLength(body)}`]));
    expect(JSON.parse(body)).toEqual(SHUTTING_DOWN);
  });
});
