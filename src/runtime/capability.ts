/**
 * The contract between the orchestrator and the agents. A capability is a plain async
 * function of (ctx, args); what it returns carries its provenance, so attribution is
 * collected by the runtime, not remembered by each pattern.
 */

/** Frozen facts of one execution: every capability sees the same pack, ledger and date. */
export interface RequestCtx {
  readonly userId: string;
  readonly tenantId: string;
  readonly pricingPackId: string;
  /** Created-at of the pack: series use no pack published after it (reproducibility). */
  readonly pricingPackCreatedAt: string;
  readonly policy: string;
  /** The currency the pack's FX rates convert into (the policy's). */
  readonly packBaseCurrency: string;
  /** The currency results are expressed in: the portfolio's, else the pack's. */
  readonly baseCurrency: string;
  readonly ledgerCommitHash: string | null;
  readonly portfolioId: string | null;
  /** The pack's date, YYYY-MM-DD. */
  readonly asofDate: string;
  /** One year before asofDate: the default start of a period. */
  readonly defaultStart: string;
  readonly requireFresh: boolean;
  readonly packIsFresh: boolean;
  readonly traceId: string;
  readonly requestId: string;
}

/** Where data behind a result came from, and how far to trust it: attributions and confidence are derived from these. */
export interface Provenance {
  /** A data source of the rights registry (FMP, NewsAPI, Internal, …). */
  source: string;
  /** As-of date of the data used, YYYY-MM-DD. */
  asOf: string;
  /** 0..1: how complete or reliable the data behind the result is. */
  confidence: number;
}

/**
 * A non-fatal problem a capability met (a missing price, a carried-forward close): reported with
 * the run, it lowers confidence but does not fail the step.
 */
export interface CapabilityWarning {
  /** Machine-readable reason, e.g. PRICE_MISSING, FX_RATE_MISSING, PRICE_CARRIED_FORWARD. */
  code: string;
  /** The problem, in words. */
  message: string;
  /** The security it concerns, when it concerns one. */
  symbol?: string | null;
  /**
   * The data leaves out part of what was asked for (a holding left unvalued): a run that would
   * otherwise succeed ends PARTIAL.
   */
  incomplete?: boolean;
}

/** What a capability returns: its data, the provenance of what it used, and any warnings. */
export interface CapabilityResult<T = unknown> {
  data: T;
  provenance: Provenance[];
  /** Non-fatal problems (a missing price): they lower confidence, they do not fail the step. */
  warnings?: CapabilityWarning[];
}

/** What a capability is called with: the execution's frozen context, its resolved arguments, and an abort signal. */
export interface CapabilityCall {
  ctx: RequestCtx;
  args: Record<string, unknown>;
  /** Aborted when the step times out or the execution is cancelled. */
  signal: AbortSignal;
}

/**
 * A capability: an async function of the call, optionally with an argument check that runs before
 * the execution is accepted.
 */
export type CapabilityFn = ((call: CapabilityCall) => Promise<CapabilityResult>) & {
  /**
   * What a capability can tell from its arguments alone, before it runs: the arguments that
   * come from the inputs and ctx are given (those from earlier steps' state are absent). A
   * problem found here is the caller's, refused before anything is charged.
   */
  checkArgs?: (args: Record<string, unknown>, ctx: RequestCtx) => ArgumentIssue[];
};

/** A step argument a capability cannot use, and why. */
export interface ArgumentIssue {
  arg: string;
  message: string;
}

/**
 * A named group of capabilities; the runtime routes each capability to its agent, and one circuit
 * breaker guards an agent's calls.
 */
export interface Agent {
  name: string;
  capabilities: Record<string, CapabilityFn>;
}

/**
 * A failure the orchestrator can report: code, message, and whether retrying may help.
 *
 * Retryable ones are failures of what the capability depends on (an upstream that is down); the
 * others are domain errors caused by the inputs or the data of one run (a period that ends
 * before it starts, a price no pack has). Only the first kind counts against an agent's circuit
 * breaker: a caller's own bad input must never make the agent unavailable to anyone.
 */
export class CapabilityError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly retryable = false,
  ) {
    super(message);
    this.name = 'CapabilityError';
  }
}
