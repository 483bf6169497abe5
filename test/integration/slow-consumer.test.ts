import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { backpressuredSender } from '../../src/http/ws-transport';

/** A real ws server and a client that stops reading: the server must drop it, not buffer forever. */
describe('backpressuredSender', () => {
  let server: WebSocketServer;
  beforeAll(async () => {
    server = new WebSocketServer({ port: 0, host: '127.0.0.1' });
    await new Promise((resolve) => server.once('listening', resolve));
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('closes a client that lets unread data pile up, and counts it', async () => {
    let slow = 0;
    const serverSide = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    await new Promise((resolve) => client.once('open', resolve));
    const socket = await serverSide;
    const closed = new Promise<number>((resolve) => socket.once('close', (code) => resolve(code)));
    (client as unknown as { _socket: { pause(): void } })._socket.pause(); // the client stops reading

    const send = backpressuredSender(socket, { maxBufferedBytes: 1 << 20, onSlowConsumer: () => slow++ });
    const frame = 'x'.repeat(256 * 1024);
    let sent = 0;
    while (socket.readyState === socket.OPEN && sent < 400) {
      send(frame);
      sent++;
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect(slow).toBe(1);
    expect(sent).toBeLessThan(400); // it stopped long before 100 MB had been queued
    expect([socket.CLOSING, socket.CLOSED]).toContain(socket.readyState);
    client.terminate();
    await closed;
  });

  it('sends normally to a client that reads', async () => {
    let slow = 0;
    const serverSide = new Promise<WebSocket>((resolve) => server.once('connection', resolve));
    const client = new WebSocket(`ws://127.0.0.1:${(server.address() as AddressInfo).port}`);
    const received: string[] = [];
    client.on('message', (data) => received.push(String(data)));
    await new Promise((resolve) => client.once('open', resolve));
    const send = backpressuredSender(await serverSide, { maxBufferedBytes: 1 << 20, onSlowConsumer: () => slow++ });
    for (let i = 0; i < 50; i++) send(`frame ${i}`);
    while (received.length < 50) await new Promise((resolve) => setTimeout(resolve, 10));
    expect(received.at(-1)).toBe('frame 49');
    expect(slow).toBe(0);
    client.terminate();
  });
});
