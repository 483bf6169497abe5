import type { WebSocket } from 'ws';

/**
 * Open connections per user, counted in this instance's memory (a connection lives on one
 * instance, so the count is exact per instance; across N instances a user may hold up to N × max).
 * max 0 = no limit.
 */
export class ConnectionLimiter<Connection extends object = object> {
  private readonly byUser = new Map<string, Set<Connection>>();
  private readonly owners = new Map<Connection, string>();

  constructor(readonly max: number) {}

  /** Counts the connection for the user; false (and not counted) when the user is at the limit. */
  tryAcquire(userId: string, connection: Connection): boolean {
    if (this.max <= 0) return true;
    if (this.owners.has(connection)) return true;
    const open = this.byUser.get(userId) ?? new Set<Connection>();
    if (open.size >= this.max) return false;
    open.add(connection);
    this.byUser.set(userId, open);
    this.owners.set(connection, userId);
    return true;
  }

  /** Idempotent: releasing an unknown or already released connection does nothing. */
  release(connection: Connection): void {
    const userId = this.owners.get(connection);
    if (userId === undefined) return;
    this.owners.delete(connection);
    const open = this.byUser.get(userId);
    open?.delete(connection);
    if (open && open.size === 0) this.byUser.delete(userId);
  }

  count(userId: string): number {
    return this.byUser.get(userId)?.size ?? 0;
  }
}

/**
 * Counts an open WebSocket for its user until the socket closes. False when the user is at the
 * limit — or when the socket closed while its credential was being checked (counting it then
 * would leak a slot, as its close event has already passed).
 */
export function admitSocket(limiter: ConnectionLimiter<WebSocket>, userId: string, socket: WebSocket): boolean {
  if (socket.readyState !== socket.OPEN) return false;
  if (!limiter.tryAcquire(userId, socket)) return false;
  socket.once('close', () => limiter.release(socket));
  return true;
}
