import { print, type DocumentNode } from 'graphql';
import type { Client } from 'graphql-ws';

interface Waiter<T> {
  predicate: (value: T) => boolean;
  resolve: (value: T) => void;
  reject: (error: Error) => void;
  timer: NodeJS.Timeout;
}

/**
 * Subscribes and records every event, so a test can wait for the next event matching a
 * condition without racing the stream.
 */
export class SubscriptionProbe<T> {
  readonly events: T[] = [];
  readonly errors: unknown[] = [];
  private waiters: Waiter<T>[] = [];
  private seen = 0;
  private readonly unsubscribe: () => void;

  constructor(
    client: Client,
    document: DocumentNode | string,
    variables: Record<string, unknown> = {},
    pick: (data: Record<string, unknown>) => T = (d) => Object.values(d)[0] as T,
  ) {
    const query = typeof document === 'string' ? document : print(document);
    this.unsubscribe = client.subscribe<Record<string, unknown>>(
      { query, variables },
      {
        next: (result) => {
          if (result.errors) {
            this.errors.push(result.errors);
            this.failAll(new Error(`subscription error: ${JSON.stringify(result.errors)}`));
            return;
          }
          if (result.data) this.push(pick(result.data));
        },
        error: (error) => {
          this.errors.push(error);
          this.failAll(error instanceof Error ? error : new Error(JSON.stringify(error)));
        },
        complete: () => {},
      },
    );
  }

  /** Resolves with the first event after the ones already consumed that satisfies predicate. */
  next(predicate: (value: T) => boolean = () => true, timeoutMs = 10_000): Promise<T> {
    while (this.seen < this.events.length) {
      const event = this.events[this.seen++];
      if (predicate(event)) return Promise.resolve(event);
    }
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`no matching event within ${timeoutMs} ms; got ${JSON.stringify(this.events)}`));
      }, timeoutMs);
      this.waiters.push({ predicate, resolve, reject, timer });
    });
  }

  close(): void {
    this.unsubscribe();
    for (const waiter of this.waiters) clearTimeout(waiter.timer);
    this.waiters = [];
  }

  private push(value: T): void {
    this.events.push(value);
    const waiter = this.waiters[0];
    if (!waiter) return;
    this.seen = this.events.length;
    if (waiter.predicate(value)) {
      this.waiters.shift();
      clearTimeout(waiter.timer);
      waiter.resolve(value);
    }
  }

  private failAll(error: Error): void {
    for (const waiter of this.waiters) {
      clearTimeout(waiter.timer);
      waiter.reject(error);
    }
    this.waiters = [];
  }
}

export function gql(strings: TemplateStringsArray): string {
  return strings.join('');
}

export type { DocumentNode };
