import {
  BrokenCircuitError,
  CircuitState,
  ConsecutiveBreaker,
  TaskCancelledError,
  TimeoutStrategy,
  circuitBreaker,
  handleAll,
  timeout,
  wrap,
  type CircuitBreakerPolicy,
} from 'cockatiel';
import { CapabilityError, type Agent, type CapabilityFn, type CapabilityResult, type RequestCtx } from './capability';
import { ROOT_CONTEXT, SpanStatusCode, type Context as OtelContext } from '@opentelemetry/api';
import { tracer } from '../observability/tracing';

export interface RuntimeOptions {
  /** Consecutive failures that open an agent's circuit. */
  failureThreshold: number;
  /** How long an open circuit stays open before one probe call is let through. */
  halfOpenAfterMs: number;
}

export const DEFAULT_RUNTIME_OPTIONS: RuntimeOptions = { failureThreshold: 5, halfOpenAfterMs: 30_000 };

export type BreakerState = 'CLOSED' | 'OPEN' | 'HALF_OPEN';

const STATE_NAMES: Record<CircuitState, BreakerState> = {
  [CircuitState.Closed]: 'CLOSED',
  [CircuitState.Open]: 'OPEN',
  [CircuitState.HalfOpen]: 'HALF_OPEN',
  [CircuitState.Isolated]: 'OPEN',
};

export interface Invocation {
  agent: string;
  result: CapabilityResult;
}

/**
 * Routes a capability to the agent that registered it and calls it behind that agent's
 * circuit breaker (cockatiel: CLOSED → OPEN after N consecutive failures → HALF_OPEN after a
 * cool-down with one probe) and a per-call timeout. While OPEN, calls fail fast with a
 * retryable error instead of piling onto a sick dependency.
 */
export class AgentRuntime {
  private readonly routes = new Map<string, { agent: string; fn: CapabilityFn }>();
  private readonly breakers = new Map<string, CircuitBreakerPolicy>();

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
    this.breakers.set(
      agent.name,
      circuitBreaker(handleAll, {
        halfOpenAfter: this.options.halfOpenAfterMs,
        breaker: new ConsecutiveBreaker(this.options.failureThreshold),
      }),
    );
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

  breakerStates(): Record<string, BreakerState> {
    return Object.fromEntries([...this.breakers].map(([agent, breaker]) => [agent, STATE_NAMES[breaker.state]]));
  }

  async invoke(
    capability: string,
    ctx: RequestCtx,
    args: Record<string, unknown>,
    options: { timeoutMs: number; signal?: AbortSignal; traceContext?: OtelContext },
  ): Promise<Invocation> {
    const route = this.routes.get(capability);
    if (!route) throw new CapabilityError('UNKNOWN_CAPABILITY', `no agent provides ${capability}`);
    const breaker = this.breakers.get(route.agent)!;
    const policy = wrap(breaker, timeout(options.timeoutMs, TimeoutStrategy.Aggressive));
    const span = tracer().startSpan(`capability ${capability}`, { attributes: { 'freshgate.capability': capability, 'freshgate.agent': route.agent } }, options.traceContext ?? ROOT_CONTEXT);
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
