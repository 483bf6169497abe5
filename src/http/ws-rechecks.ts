import { isDatabaseUnavailable } from '../db/unavailable';
import { unauthenticated } from '../shared/errors';
import type { Session, WsSessions } from './ws-sessions';

/**
 * graphql-ws's code for a refused connection. graphql-ws clients do retry it (only a few 44xx codes
 * are fatal to them): what tells a client it is signed out is the UNAUTHENTICATED error its
 * operations receive first (WsSessions.endOperations).
 */
export const WS_FORBIDDEN = 4403;

const NO_LONGER_VALID = 'The credential is no longer valid; sign in again';

/**
 * Access is re-checked while a connection lives, not only when it starts: a token that expires
 * or a user who is removed loses their subscriptions.
 *
 * A re-check that cannot reach the database proves nothing either way: the connection stays,
 * and the next re-check decides. 4403 means the credential or the user is really gone. Its
 * operations end visibly first (see WsSessions): behind a router, a close code reaches no one.
 */
export class CredentialRechecks {
  /** Signed-in connections and the credential each is re-checked with. */
  private readonly signedIn = new Map<Session, string>();
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly authenticate: (authorization: string) => Promise<unknown>,
    private readonly sessions: WsSessions,
  ) {}

  track(session: Session, authorization: string): void {
    this.signedIn.set(session, authorization);
  }

  forget(session: Session): void {
    this.signedIn.delete(session);
  }

  start(intervalMs: number): void {
    this.timer = setInterval(() => this.recheckAll(), intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  recheckAll(): void {
    for (const [session, authorization] of this.signedIn) {
      this.authenticate(authorization).catch((error: unknown) => {
        if (isDatabaseUnavailable(error)) return;
        this.signedIn.delete(session);
        this.sessions.endOperations(session, unauthenticated(NO_LONGER_VALID));
        session.extra.socket.close(WS_FORBIDDEN, 'Forbidden: the credential is no longer valid');
      });
    }
  }
}
