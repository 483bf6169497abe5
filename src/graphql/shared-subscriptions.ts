import { getOperationAST, Kind, print, subscribe, type ExecutionArgs, type ExecutionResult } from 'graphql';
import { canonicalize } from 'json-canonicalize';
import type { GraphQLContext } from './context';
import { formatError } from './errors';

type Source = AsyncIterableIterator<ExecutionResult>;
type Outcome = Source | ExecutionResult;

/** Root subscription fields whose streams are states: a late subscriber is owed the latest one. */
const STATE_STREAM_FIELDS = new Set(['packHealthChanged']);
/** Subscribers written to before other work gets a turn (see SharedStream.deliver). */
const DELIVERY_SLICE = 500;

/**
 * Where one subscription's messages go: its graphql-ws id and a sender for ready-made
 * graphql-transport-ws frames on its socket (with the socket's backpressure check). The ws
 * server puts it in the context of each operation it accepts.
 */
export interface SubscriptionDelivery {
  id: string;
  send(frame: string): void;
}

/** The context of an operation the ws server accepted: where its messages go. Without a delivery, a subscription runs unshared. */
export type DeliveringContext = GraphQLContext & { delivery?: SubscriptionDelivery };

/**
 * Executes a state-stream subscription once per distinct operation and audience, and writes
 * each result, serialised once, to every subscriber's socket.
 *
 * Stock graphql-ws executes the selection set once per subscriber per event, then serialises
 * and sends it through a per-subscriber async iterator: at 5,000 subscribers that was 5,000
 * executions and tens of thousands of promises per pack change. Subscribers are grouped by the
 * printed document, variables, operation name and who may see what (tenant and roles, so a rule
 * that depends on either still holds per group); the first one's execution feeds the group.
 * Each event becomes one JSON payload, and each subscriber gets the protocol's `next` frame with
 * its own id. graphql-ws still owns the lifecycle: the iterator handed to it yields nothing and
 * ends when the group ends (graphql-ws then sends `complete`), and its `return()` — on the
 * client's `complete` or a closed socket — takes the subscriber out. A late joiner gets the
 * group's latest state first, as the state stream promises; the last one out ends the execution.
 */
export class SharedSubscriptions {
  private readonly groups = new Map<string, Promise<Outcome> | SharedStream>();

  /** graphql-ws's `subscribe` option. */
  readonly subscribe = async (args: ExecutionArgs): Promise<Outcome> => {
    const delivery = (args.contextValue as DeliveringContext | undefined)?.delivery;
    const key = delivery ? groupKey(args) : undefined;
    if (!delivery || key === undefined) return subscribe(args);
    const existing = this.groups.get(key);
    if (existing instanceof SharedStream) return existing.join(delivery);
    if (existing) {
      const outcome = await existing;
      const stream = this.groups.get(key);
      return stream instanceof SharedStream ? stream.join(delivery) : outcome; // an error result is everyone's
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
    return stream.join(delivery);
  };
}

interface Member {
  /** `{"id":"…","type":"next","payload":` for this subscriber. */
  prefix: string;
  send(frame: string): void;
  end(): void;
}

class SharedStream {
  private readonly members = new Set<Member>();
  private latestPayload: string | undefined;
  private ended = false;

  constructor(
    private readonly source: Source,
    private readonly onEnd: () => void,
  ) {
    void this.pump();
  }

  join(delivery: SubscriptionDelivery): Source {
    let finish: (result: IteratorResult<ExecutionResult>) => void = () => {};
    const finished = new Promise<IteratorResult<ExecutionResult>>((resolve) => (finish = resolve));
    const member: Member = {
      prefix: `{"id":${JSON.stringify(delivery.id)},"type":"next","payload":`,
      send: delivery.send,
      end: () => finish({ done: true, value: undefined }),
    };
    const leave = () => {
      if (!this.members.delete(member)) return;
      member.end();
      if (this.members.size === 0) this.end();
    };
    if (this.ended) member.end();
    else {
      this.members.add(member);
      if (this.latestPayload !== undefined) member.send(member.prefix + this.latestPayload + '}');
    }
    const iterator: Source = {
      next: () => finished,
      return: async () => {
        leave();
        return { done: true, value: undefined };
      },
      [Symbol.asyncIterator]: () => iterator,
    };
    return iterator;
  }

  private async pump(): Promise<void> {
    try {
      for await (const result of this.source) {
        const payload = JSON.stringify(result.errors ? { ...result, errors: result.errors.map((e) => formatError(e.toJSON())) } : result);
        this.latestPayload = payload;
        await this.deliver(payload);
      }
    } catch {
      // The source failed: its subscribers are completed below and may subscribe again.
    }
    this.end();
  }

  /**
   * Writes the frame to every member, a slice at a time: between slices the event loop serves
   * other requests, so a fan-out to thousands never holds a query up for its whole length.
   */
  private async deliver(payload: string): Promise<void> {
    let sent = 0;
    for (const member of [...this.members]) {
      if (!this.members.has(member)) continue; // left during an earlier slice
      member.send(member.prefix + payload + '}');
      if (++sent % DELIVERY_SLICE === 0) await new Promise((resolve) => setImmediate(resolve));
    }
  }

  private end(): void {
    if (this.ended) return;
    this.ended = true;
    this.onEnd();
    for (const member of this.members) member.end();
    this.members.clear();
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
  try {
    return canonicalize([audience, args.operationName ?? null, print(args.document), args.variableValues ?? {}]);
  } catch {
    // Variables JSON cannot write canonically (1e400 parsed to Infinity, absurd nesting): the
    // operation runs on its own, where the argument guard refuses whatever it uses of them.
    return undefined;
  }
}
