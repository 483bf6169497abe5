import type { Viewer } from '../auth/roles';
import { isDatabaseUnavailable } from '../db/unavailable';
import { forbidden, unauthenticated, type AppError } from '../shared/errors';
import type { Session, WsSessions } from './ws-sessions';

/**
 * graphql-ws's code for a refused connection. graphql-ws clients do retry it (only a few 44xx codes
 * are fatal to them): what tells a client it is signed out is the UNAUTHENTICATED error its
 * operations receive first (WsSessions.endOperations).
 */
export const WS_FORBIDDEN = 4403;

const NO_LONGER_VALID = 'The credential is no longer valid; sign in again';
const ROLES_CHANGED = "The user's roles changed; connect again";

/**
 * Access is re-checked while a connection lives, not only when it starts: a token that expires
 * or a user who is removed loses their subscriptions, and so does a user who lost a role (what
 * they subscribed to was authorised with it). A user who only gained roles keeps the connection,
 * whose later operations run with the new ones.
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
    private readonly authenticate: (authorization: string) => Promise<Viewer | undefined>,
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
    for (const [session, authorization] of this.signedIn) this.recheck(session, authorization);
  }

  /** Re-checks the user's connections now: this process changed their roles or removed them. */
  recheckUser(userId: string): void {
    for (const [session, authorization] of this.signedIn) {
      if (session.extra.viewer?.userId === userId) this.recheck(session, authorization);
    }
  }

  private recheck(session: Session, authorization: string): void {
    this.authenticate(authorization).then(
      (viewer) => {
        const before = session.extra.viewer;
        if (!viewer || !before || !this.signedIn.has(session)) return;
        const lostRole = before.roles.some((role) => !viewer.roles.includes(role));
        if (lostRole || viewer.tenantId !== before.tenantId) this.end(session, forbidden(ROLES_CHANGED), 'Forbidden: the roles changed');
        else if (viewer.roles.length !== before.roles.length) session.extra.viewer = viewer;
      },
      (error: unknown) => {
        if (isDatabaseUnavailable(error)) return;
        this.end(session, unauthenticated(NO_LONGER_VALID), 'Forbidden: the credential is no longer valid');
      },
    );
  }

  private end(session: Session, ending: AppError, reason: string): void {
    this.signedIn.delete(session);
    this.sessions.endOperations(session, ending);
    session.extra.socket.close(WS_FORBIDDEN, reason);
  }
}
