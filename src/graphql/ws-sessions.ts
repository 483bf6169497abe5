import type { Context } from 'graphql-ws';
import type { WebSocket } from 'ws';
import type { Viewer } from '../auth/roles';

/** What freshgate keeps on each graphql-ws connection (graphql-ws's `ctx.extra`). */
export type SessionExtra = {
  socket: WebSocket;
  /** Sends a ready-made frame on this socket (with the backpressure check). */
  deliver(frame: string): void;
  viewer?: Viewer;
  /** The connection presented the router secret: a router multiplexes many end users on it. */
  viaRouter?: boolean;
};

export type Session = Context<Record<string, unknown>, SessionExtra>;

/** An error ending operations, as GraphQL error extensions carry it. */
export interface Ending {
  message: string;
  code: string;
  extensions?: Record<string, unknown>;
}

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

  /** Ends each running operation of the session with `next` {errors} and `complete`. */
  endOperations(session: Session, ending: Ending): void {
    const payload = JSON.stringify({ errors: [{ message: ending.message, extensions: { ...ending.extensions, code: ending.code } }] });
    for (const id of Object.keys(session.subscriptions)) {
      const quoted = JSON.stringify(id);
      session.extra.deliver(`{"id":${quoted},"type":"next","payload":${payload}}`);
      session.extra.deliver(`{"id":${quoted},"type":"complete"}`);
    }
  }

  /** The same for every connection (shutdown). */
  endAll(ending: Ending): void {
    for (const session of this.sessions) this.endOperations(session, ending);
  }
}

function operationsOf(session: Session): number {
  return Object.keys(session.subscriptions).length;
}
