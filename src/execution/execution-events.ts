import { EventEmitter } from 'node:events';
import { Repeater } from '@graphql-yoga/subscription';
import { LRUCache } from 'lru-cache';

const REMOTE_POLL_MS = 1_000;
// An ASYNC caller subscribes after its mutation returns, by which time a short run may be
// over: its events stay replayable this long, for this many recent executions.
const REPLAY_TTL_MS = 5 * 60_000;
const REPLAY_MAX_EXECUTIONS = 1_000;

/**
 * One progress update of an execution as subscribers receive it: a step's new status and how many
 * steps have settled, or the final event with the execution's status.
 */
export interface ExecutionProgressEvent {
  executionId: string;
  /** Null on the final event. */
  stepId: string | null;
  stepStatus: string | null;
  done: number;
  total: number;
  /** The execution's status: RUNNING until the final event. */
  executionStatus: string;
  final: boolean;
}

/**
 * Progress of executions running in this process. Events are kept per execution while it
 * runs, so a subscriber that arrives late replays what it missed, in order.
 */
export class ExecutionEvents {
  private readonly emitter = new EventEmitter();
  private readonly history = new Map<string, ExecutionProgressEvent[]>();
  private readonly tenants = new Map<string, string>();
  private readonly retain = new Set<string>();
  private readonly finished = new LRUCache<string, { tenantId: string; events: ExecutionProgressEvent[] }>({
    max: REPLAY_MAX_EXECUTIONS,
    ttl: REPLAY_TTL_MS,
  });

  constructor() {
    this.emitter.setMaxListeners(0);
  }

  /** retainForReplay: keep the events after the run for late subscribers (ASYNC runs). */
  begin(executionId: string, tenantId: string, options: { retainForReplay: boolean }): void {
    this.history.set(executionId, []);
    this.tenants.set(executionId, tenantId);
    if (options.retainForReplay) this.retain.add(executionId);
  }

  /** The tenant of an execution this process runs or recently ran (replayable), or undefined. */
  tenantOfKnown(executionId: string): string | undefined {
    return this.tenants.get(executionId) ?? this.finished.get(executionId)?.tenantId;
  }

  publish(event: ExecutionProgressEvent): void {
    this.history.get(event.executionId)?.push(event);
    this.emitter.emit(event.executionId, event);
    if (event.final) {
      const events = this.history.get(event.executionId);
      if (events && this.retain.has(event.executionId)) {
        this.finished.set(event.executionId, { tenantId: this.tenants.get(event.executionId)!, events });
      }
      this.history.delete(event.executionId);
      this.tenants.delete(event.executionId);
      this.retain.delete(event.executionId);
    }
  }

  /** Past and future events of a running execution; ends after the final one. */
  stream(
    executionId: string,
    finalWhenUnknown: () => Promise<ExecutionProgressEvent | null>,
  ): AsyncIterableIterator<ExecutionProgressEvent> {
    return new Repeater<ExecutionProgressEvent>(async (push, stop) => {
      const onEvent = (event: ExecutionProgressEvent) => {
        void push(event);
        if (event.final) stop();
      };
      this.emitter.on(executionId, onEvent);
      const past = this.history.get(executionId);
      const replay = past ? undefined : this.finished.get(executionId)?.events;
      if (past) {
        for (const event of past) void push(event);
      } else if (replay) {
        for (const event of replay) void push(event);
        stop();
      } else {
        // Finished, or running on another instance: the stored state is the word, polled
        // until it is final.
        let stopped = false;
        void stop.then(() => {
          stopped = true;
        });
        while (!stopped) {
          const final = await finalWhenUnknown();
          if (final) {
            void push(final);
            stop();
            break;
          }
          await Promise.race([stop, new Promise((resolve) => setTimeout(resolve, REMOTE_POLL_MS).unref())]);
        }
      }
      await stop;
      this.emitter.off(executionId, onEvent);
    });
  }
}
