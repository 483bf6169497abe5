import type { Context } from 'graphql-ws';
import type { Viewer } from '../auth/roles';
import { errorBody, type AppError } from '../shared/errors';
import type { WsExtra } from './ws-transport';

/** What freshgate learns about a connection when it starts (kept in graphql-ws's `ctx.extra`). */
export type ConnectionState = {
  viewer?: Viewer;
  /** The connection presented the router secret: a router multiplexes many end users on it. */
  viaRouter?: boolean;
};

/** A graphql-ws connection: its state, the transport's socket and sender, its operations. */
export type Session = Context<Record<string, unknown>, ConnectionState & WsExtra>;

/**
 * The live graphql-ws connections of this instance, by user: for the gauges, the per-user
 * subscription cap, and ending operations visibly.
 *
 * An operation ended by the server (a credential that expired, a user removed, shutdown) gets a
 * `next` carrying the error, then `complete` — the protocol's way to end a stream with an
 * execution error — before the socket closes. A router that multiplexes its clients over one
 * socket relays both to each client, so a "live" view never just goes quiet; a close code alone
 * reaches nobody behind a router.
 */
export class WsSessions {
  private readonly sessions = new Set<Session>();
  private readonly byUser = new Map<string, Set<Session>>();

  add(session: Session): void {
    this.sessions.add(session);
    const userId = session.extra.viewer?.userId;
    if (userId === undefined) return;
    const mine = this.byUser.get(userId) ?? new Set<Session>();
    mine.add(session);
    this.byUser.set(userId, mine);
  }

  remove(session: Session): void {
    this.sessions.delete(session);
    const userId = session.extra.viewer?.userId;
    const mine = userId === undefined ? undefined : this.byUser.get(userId);
    mine?.delete(session);
    if (userId !== undefined && mine?.size === 0) this.byUser.delete(userId);
  }

  connections(): number {
    return this.sessions.size;
  }

  subscriptions(): number {
    let n = 0;
    for (const session of this.sessions) n += operationsOf(session);
    return n;
  }

  /** Operations running for this user on every connection of this instance (a router's included). */
  subscriptionsOf(userId: string): number {
    let n = 0;
    for (const session of this.byUser.get(userId) ?? []) n += operationsOf(session);
    return n;
  }

  /** Ends each running operation of the session with `next` `{errors}` and `complete`. */
  endOperations(session: Session, ending: AppError): void {
    const payload = JSON.stringify(errorBody(ending));
    for (const id of Object.keys(session.subscriptions)) {
      const quoted = JSON.stringify(id);
      session.extra.deliver(`{"id":${quoted},"type":"next","payload":${payload}}`);
      session.extra.deliver(`{"id":${quoted},"type":"complete"}`);
    }
  }

  /** The same for every connection (shutdown). */
  endAll(ending: AppError): void {
    for (const session of this.sessions) this.endOperations(session, ending);
  }
}

function operationsOf(session: Session): number {
  return Object.keys(session.subscriptions).length;
}
