// The fan-out floor: a plain `ws` server that LISTENs on a PostgreSQL channel and sends one
// pre-serialized message to every socket per notification. It acknowledges graphql-ws's
// connection_init so the same client measures both.
import http from 'node:http';
import pg from 'pg';
import { WebSocketServer } from 'ws';

const server = http.createServer((_request, response) => response.end('ok'));
const sockets = new Set();
const wss = new WebSocketServer({ server, path: '/graphql' });
wss.on('connection', (socket) => {
  sockets.add(socket);
  socket.on('close', () => sockets.delete(socket));
  socket.on('message', (data) => {
    const message = JSON.parse(String(data));
    if (message.type === 'connection_init') socket.send('{"type":"connection_ack"}');
    if (message.type === 'subscribe') socket.send(JSON.stringify({ id: message.id, type: 'next', payload: { data: { initial: true } } }));
  });
});

const listener = new pg.Client({ connectionString: process.env.DATABASE_URL });
await listener.connect();
listener.on('notification', ({ payload }) => {
  const frame = Buffer.from(JSON.stringify({ id: '1', type: 'next', payload: { data: { packHealthChanged: JSON.parse(payload) } } }));
  for (const socket of sockets) socket.send(frame, { binary: false });
});
await listener.query(`LISTEN ${process.env.BASELINE_CHANNEL}`);
server.listen(Number(process.env.PORT), '127.0.0.1');
