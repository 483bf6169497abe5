import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import { getOperationAST, Kind, print, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { canonicalize } from 'json-canonicalize';
import type { GraphQLContext } from './context';

type Source = AsyncIterableIterator<ExecutionResult>;
type Outcome = Source | ExecutionResult;

/** Root subscription fields whose streams are states: a late subscriber is owed the latest one. */
const STATE_STREAM_FIELDS = new Set(['packHealthChanged']);
/** Newest states a slow subscriber keeps; older ones are dropped (it only needs the latest). */
const SUBSCRIBER_BUFFER = 4;

/**
 * Executes a state-stream subscription once per distinct operation and audience, and hands
 * every result to all its subscribers.
 *
 * Stock graphql-ws executes the selection set once per subscriber per event: 5,000 subscribers
 * to one pack change meant 5,000 identical executions. Subscribers are grouped by the printed
 * document, variables, operation name and who may see what (tenant and roles, so a rule that
 * depends on either still holds per group); the first one's execution feeds the group. A
 * subscriber who joins later gets the group's latest result first, as the state stream promises.
 * When the last subscriber leaves, the shared execution is returned (its listeners removed).
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Promise<Outcome> | SharedStream>();

  /** graphql-ws's `subscribe` option. */
  readonly subscribe = async (args: ExecutionArgs): Promise<Outcome> => {
    const key = groupKey(args);
    if (key === undefined) return subscribe(args);
    const existing = this.groups.get(key);
    if (existing instanceof SharedStream) return existing.join();
    if (existing) {
      const outcome = await existing;
      const stream = this.groups.get(key);
      return stream instanceof SharedStream ? stream.join() : outcome; // an error result is everyone's
    }
    const starting = subscribe(args);
    this.groups.set(key, starting);
    const outcome = await starting;
    if (!isSource(outcome)) {
      this.groups.delete(key);
      return outcome;
    }
    const stream = new SharedStream(outcome, () => this.groups.delete(key));
    this.groups.set(key, stream);
    return stream.join();
  };

  /** Shared executions running now (for metrics and tests). */
  get size(): number {
    return [...this.groups.values()].filter((g) => g instanceof SharedStream).length;
  }
}

class SharedStream {
  private readonly subscribers = new Set<(result: ExecutionResult) => void>();
  private readonly stops = new Set<() => void>();
  private latest: ExecutionResult | undefined;
  private ended = false;

  constructor(
    private readonly source: Source,
    private readonly onEnd: () => void,
  ) {
    void this.pump();
  }

  join(): Source {
    return new Repeater<ExecutionResult>(async (push, stop) => {
      if (this.ended) return stop();
      const send = (result: ExecutionResult) => void push(result);
      this.subscribers.add(send);
      this.stops.add(stop);
      if (this.latest) send(this.latest);
      await stop;
      this.subscribers.delete(send);
      this.stops.delete(stop);
      if (this.subscribers.size === 0) this.end();
    }, new SlidingBuffer(SUBSCRIBER_BUFFER));
  }

  private async pump(): Promise<void> {
    try {
      for await (const result of this.source) {
        this.latest = result;
        for (const send of this.subscribers) send(result);
      }
    } catch {
      // The source failed: its subscribers are ended below and may subscribe again.
    }
    this.end();
    for (const stop of this.stops) stop();
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    void this.source.return?.();
  }
}

function isSource(outcome: Outcome): outcome is Source {
  return typeof (outcome as Source)[Symbol.asyncIterator] === 'function';
}

/** The group a subscription belongs to, or undefined when it must run on its own. */
function groupKey(args: ExecutionArgs): string | undefined {
  const operation = getOperationAST(args.document, args.operationName);
  if (!operation || operation.operation !== 'subscription') return undefined;
  const [field, ...others] = operation.selectionSet.selections;
  if (others.length > 0 || field?.kind !== Kind.FIELD || !STATE_STREAM_FIELDS.has(field.name.value)) return undefined;
  const viewer = (args.contextValue as GraphQLContext | undefined)?.viewer;
  const audience = viewer ? `${viewer.tenantId}:${[...viewer.roles].sort().join(',')}` : 'anonymous';
  return canonicalize([audience, args.operationName ?? null, print(args.document), args.variableValues ?? {}]);
}
