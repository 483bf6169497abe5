/** Told a user's id after a change of their roles or their removal has committed. */
export type UserChangeListener = (userId: string) => void;

/**
 * Users whose access changed, announced in this process as soon as the change commits: the
 * authenticator forgets its cached copy and live WebSockets of the user are re-checked at once
 * instead of at their next interval. Other processes (a CLI, another instance) learn it from the
 * database, within the user cache's lifetime and WS_REAUTH_INTERVAL.
 */
export class UserChanges {
  private readonly listeners: UserChangeListener[] = [];

  /** Listeners run in the order they subscribed. */
  subscribe(listener: UserChangeListener): void {
    this.listeners.push(listener);
  }

  notify(userId: string): void {
    for (const listener of this.listeners) listener(userId);
  }
}
