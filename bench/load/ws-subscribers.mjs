// N graphql-ws subscribers in one process, driven by the bench over IPC. Receipt times are
// process.hrtime (CLOCK_MONOTONIC), comparable with the bench process's commit time.
import WebSocket from 'ws';

const now = () => Number(process.hrtime.bigint()) / 1e6;
let sockets = [];
let armed;

function open(url, query, headers) {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers, perMessageDeflate: false });
    const entry = { socket, receivedAt: undefined, ok: false };
    const fail = () => resolve(entry);
    socket.once('error', fail);
    socket.once('close', fail);
    socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: {} })));
    socket.on('message', (data) => {
      if (armed && entry.ok && entry.receivedAt === undefined) {
        entry.receivedAt = now();
        if (--armed.pending === 0) armed.done();
        return;
      }
      const message = JSON.parse(String(data));
      if (message.type === 'connection_ack') socket.send(JSON.stringify({ id: '1', type: 'subscribe', payload: { query } }));
      else if (message.type === 'next' && !entry.ok) {
        entry.ok = true;
        resolve(entry);
      }
    });
  });
}

process.on('message', async (command) => {
  if (command.cmd === 'connect') {
    const batch = 200;
    for (let i = 0; i < command.n; i += batch) {
      const opened = await Promise.all(
        Array.from({ length: Math.min(batch, command.n - i) }, () => open(command.url, command.query, command.headers)),
      );
      sockets.push(...opened);
    }
    process.send({ event: 'connected', ok: sockets.filter((s) => s.ok).length });
  } else if (command.cmd === 'arm') {
    const live = sockets.filter((s) => s.ok);
    for (const s of live) s.receivedAt = undefined;
    await new Promise((resolve) => {
      armed = { pending: live.length, done: resolve };
      process.send({ event: 'armed' });
      setTimeout(resolve, command.timeoutMs ?? 15_000);
    });
    armed = undefined;
    process.send({ event: 'received', times: live.map((s) => s.receivedAt ?? null) });
  } else if (command.cmd === 'close') {
    await Promise.all(
      sockets.map(
        (s) =>
          new Promise((resolve) => {
            if (s.socket.readyState === WebSocket.CLOSED) return resolve();
            s.socket.once('close', resolve);
            s.socket.terminate();
          }),
      ),
    );
    sockets = [];
    process.send({ event: 'closed' });
  }
});
process.send({ event: 'ready' });
