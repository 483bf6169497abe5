import { Client, type ClientConfig } from 'pg';
import type { ListenerHandlers, NotificationListener } from './database';

const MIN_BACKOFF_MS = 100;
const MAX_BACKOFF_MS = 5_000;

/**
 * LISTEN on a dedicated connection outside the pool (a pooler in transaction mode cannot carry
 * LISTEN). When the connection drops — a restart, pg_terminate_backend — it reconnects with
 * backoff and reports onConnected again, so the caller re-reads state it may have missed.
 */
export async function listenWithReconnect(
  clientConfig: ClientConfig,
  channel: string,
  handlers: ListenerHandlers,
): Promise<NotificationListener> {
  let client: Client | undefined;
  let connected = false;
  let stopped = false;
  let backoff = MIN_BACKOFF_MS;
  let retryTimer: NodeJS.Timeout | undefined;

  const scheduleReconnect = (error: Error) => {
    if (stopped) return;
    if (connected) handlers.onDisconnected(error);
    connected = false;
    client?.removeAllListeners();
    client?.on('error', () => {}); // a dying client may still emit; it is already replaced
    client?.end().catch(() => {});
    client = undefined;
    if (retryTimer) return;
    retryTimer = setTimeout(() => {
      retryTimer = undefined;
      void connect();
    }, backoff);
    retryTimer.unref();
    backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
  };

  const connect = async (): Promise<void> => {
    const next = new Client({ ...clientConfig, application_name: 'freshgate-pack-listener' });
    next.on('error', scheduleReconnect);
    next.on('end', () => scheduleReconnect(new Error('listener connection ended')));
    next.on('notification', (message) => {
      if (message.channel === channel && message.payload !== undefined) handlers.onNotification(message.payload);
    });
    client = next;
    try {
      await next.connect();
      await next.query(`LISTEN "${channel.replace(/"/g, '""')}"`);
    } catch (error) {
      scheduleReconnect(error as Error);
      return;
    }
    if (stopped) {
      await next.end().catch(() => {});
      return;
    }
    connected = true;
    backoff = MIN_BACKOFF_MS;
    handlers.onConnected();
  };

  await connect();
  return {
    get connected() {
      return connected;
    },
    async stop() {
      stopped = true;
      connected = false;
      if (retryTimer) clearTimeout(retryTimer);
      const current = client;
      client = undefined;
      current?.removeAllListeners();
      current?.on('error', () => {});
      await current?.end().catch(() => {});
    },
  };
}
