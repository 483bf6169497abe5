import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleWhen,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { LRUCache } from 'lru-cache';
import { CapabilityError, type Agent, type ArgumentIssue, type CapabilityFn, type CapabilityResult, type RequestCtx } from './capability';
import { ROOT_CONTEXT, SpanStatusCode, type Context as OtelContext } from '@opentelemetry/api';
import { tracer } from '../observability/tracing';

/** Settings of the runtime's circuit breakers. */
export interface RuntimeOptions {
  /** Consecutive failures that open an agent's circuit. */
  failureThreshold: number;
  /** How long an open circuit stays open before one probe call is let through. */
  halfOpenAfterMs: number;
}

/** Open after five consecutive dependency failures; let a probe through after thirty seconds. */
export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = { failureThreshold: 5, halfOpenAfterMs: 30_000 };

/** Tenants whose breakers are remembered per agent; the least recently used is forgotten (closed). */
const MAX_TENANT_BREAKERS = 10_000;

/**
 * What counts against a breaker: a failure of what the agent depends on — a timeout, the
 * database, an upstream (a retryable CapabilityError), an unexpected error. A domain error caused
 * by a run's own inputs or data (a non-retryable CapabilityError) does not: refunded and free,
 * it would otherwise let anyone open the circuit at will.
 */
export function isDependencyFailure(error: unknown): boolean {
  return !(error instanceof CapabilityError) || error.retryable;
}

/** A circuit breaker's state as it is reported; cockatiel's isolated state counts as OPEN. */
export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

/** A capability's result, with the agent that produced it. */
export interface Invocation {
  agent: string;
  result: CapabilityResult;
}

/**
 * Routes a capability to the agent that registered it and calls it behind a circuit breaker
 * (cockatiel: CLOSED → OPEN after N consecutive dependency failures → HALF_OPEN after a cool-down
 * with one probe) and a per-call timeout. While OPEN, calls fail fast with a retryable error
 * instead of piling onto a sick dependency.
 *
 * One breaker per agent and tenant: failures one tenant's runs cause (a portfolio so large its
 * steps time out) open that tenant's circuit only; a dependency that is down for everyone opens
 * everyone's within their next few calls.
 */
export class AgentRuntime {
  private readonly routes = new Map<string, { agent: string; fn: CapabilityFn }>();
  private readonly breakers = new Map<string, LRUCache<string, CircuitBreakerPolicy>>();

  /** Called after every call with its outcome (ok, or the error code): metrics listen here. */
  onInvocation: (capability: string, outcome: string) => void = () => {};

  constructor(
    agents: Agent[],
    private readonly options: RuntimeOptions = DEFAULT_RUNTIME_OPTIONS,
  ) {
    for (const agent of agents) this.register(agent);
  }

  register(agent: Agent): void {
    // All or nothing: a rejected agent leaves no route behind.
    for (const capability of Object.keys(agent.capabilities)) {
      const existing = this.routes.get(capability);
      if (existing) throw new Error(`capability ${capability} is registered by both ${existing.agent} and ${agent.name}`);
    }
    if (this.breakers.has(agent.name)) throw new Error(`an agent named ${agent.name} is already registered`);
    for (const [capability, fn] of Object.entries(agent.capabilities)) this.routes.set(capability, { agent: agent.name, fn });
    this.breakers.set(agent.name, new LRUCache({ max: MAX_TENANT_BREAKERS }));
  }

  private breakerOf(agent: string, tenantId: string): CircuitBreakerPolicy {
    const perTenant = this.breakers.get(agent)!;
    let breaker = perTenant.get(tenantId);
    if (!breaker) {
      breaker = circuitBreaker(handleWhen(isDependencyFailure), {
        halfOpenAfter: this.options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.failureThreshold),
      });
      perTenant.set(tenantId, breaker);
    }
    return breaker;
  }

  /**
   * The problems a capability finds in its arguments before running (see CapabilityFn.checkArgs);
   * none for a capability that does not check, or an unknown one (the run reports that).
   */
  checkArgs(capability: string, args: Record<string, unknown>, ctx: RequestCtx): ArgumentIssue[] {
    return this.routes.get(capability)?.fn.checkArgs?.(args, ctx) ?? [];
  }

  has(capability: string): boolean {
    return this.routes.has(capability);
  }

  capabilities(): string[] {
    return [...this.routes.keys()].sort();
  }

  agentOf(capability: string): string | undefined {
    return this.routes.get(capability)?.agent;
  }

  /** Per agent, the worst state of its tenants' breakers (CLOSED when none is open). */
  breakerStates(): Record<string, BreakerState> {
    const rank: Record<BreakerState, number> = { CLOSED: 0, HALF_OPEN: 1, OPEN: 2 };
    return Object.fromEntries(
      [...this.breakers].map(([agent, perTenant]) => {
        let worst: BreakerState = 'CLOSED';
        for (const breaker of perTenant.values()) {
          const state = STATE_NAMES[breaker.state];
          if (rank[state] > rank[worst]) worst = state;
        }
        return [agent, worst];
      }),
    );
  }

  /** Per agent, how many tenants' circuits are open now. */
  openCircuits(): Record<string, number> {
    return Object.fromEntries(
      [...this.breakers].map(([agent, perTenant]) => [
        agent,
        [...perTenant.values()].filter((b) => STATE_NAMES[b.state] === 'OPEN').length,
      ]),
    );
  }

  async invoke(
    capability: string,
    ctx: RequestCtx,
    args: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal; traceContext?: OtelContext },
  ): Promise<Invocation> {
    const route = this.routes.get(capability);
    if (!route) throw new CapabilityError('UNKNOWN_CAPABILITY', `no agent provides ${capability}`);
    const breaker = this.breakerOf(route.agent, ctx.tenantId);
    const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
    const span = tracer().startSpan(
      `capability ${capability}`,
      { attributes: { 'freshgate.capability': capability, 'freshgate.agent': route.agent } },
      options.traceContext ?? ROOT_CONTEXT,
    );
    try {
      const result = await policy.execute(({ signal }) => route.fn({ ctx, args, signal }), options.signal);
      this.onInvocation(capability, 'ok');
      span.setAttribute('freshgate.sources', [...new Set(result.provenance.map((p) => p.source))].join(','));
      span.end();
      return { agent: route.agent, result };
    } catch (error) {
      this.onInvocation(capability, outcomeOf(error, options.signal));
      span.setStatus({ code: SpanStatusCode.ERROR, message: outcomeOf(error, options.signal) });
      span.end();
      if (error instanceof BrokenCircuitError) {
        throw new CapabilityError('CIRCUIT_OPEN', `agent ${route.agent} is failing; its circuit is open`, true);
      }
      if (error instanceof TaskCancelledError) {
        if (options.signal?.aborted) throw new CapabilityError('CANCELLED', `${capability} was cancelled`, false);
        throw new CapabilityError('TIMEOUT', `${capability} did not finish within ${options.timeoutMs} ms`, true);
      }
      throw error;
    }
  }
}

function outcomeOf(error: unknown, signal: AbortSignal | undefined): string {
  if (error instanceof BrokenCircuitError) return 'circuit_open';
  if (error instanceof TaskCancelledError) return signal?.aborted ? 'cancelled' : 'timeout';
  return error instanceof CapabilityError ? 'error' : 'failure';
}
