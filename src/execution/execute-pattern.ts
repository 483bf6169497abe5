import { performance } from 'node:perf_hooks';
import type { ErrorObject } from 'ajv';
import type {
  ExecutionRecord,
  ExecutionRepository,
  AttributionRecord,
  FinishedExecution,
  NewExecution,
} from '../data/executions/execution-repository';
import { isDatabaseUnavailable, isLastingRefusal, retryWhileUnavailable, sqlStateOf } from '../db/unavailable';
import { withinTime } from '../shared/time-limit';
import type { PackRepository, PricingPackRecord } from '../data/packs/pack-repository';
import type { PortfolioRecord, PortfolioRepository } from '../data/portfolios/portfolio-repository';
import type { PatternCatalog } from '../orchestrator/pattern-catalog';
import type { CompiledPattern } from '../orchestrator/pattern-definition';
import type { Orchestrator, OrchestrationResult } from '../orchestrator/orchestrator';
import { portfolioArchived } from '../ledger/append-ledger-entries';
import { baseCurrencyOf } from '../packs/pack-input';
import type { PackVerifier } from '../packs/pack-verifier';
import type { RightsRegistrySource } from '../rights/rights-registry-source';
import type { Provenance, RequestCtx } from '../runtime/capability';
import { AppError, badInput } from '../shared/errors';
import { contentHash, sha256Hex } from '../shared/canonical-json';
import { ROOT_CONTEXT, SpanStatusCode, trace, type Context as OtelContext } from '@opentelemetry/api';
import { tracer } from '../observability/tracing';
import type { AuditWriter } from '../data/data-layer';
import type { CreditRepository } from '../data/credits/credit-repository';
import { isUniqueViolation } from '../data/errors';
import type { ExecutionEvents } from './execution-events';
import { freshnessGate, type GateDecision } from './freshness-gate';
import { confidenceOf, envelope } from './result-envelope';

/**
 * One request to run a pattern, as the API received it: the caller, the pattern and its inputs,
 * what to pin (pack, ledger commit), SYNC or ASYNC, and the request's ids.
 */
export interface ExecutePatternCommand {
  userId: string;
  tenantId: string;
  patternId: string;
  inputs: unknown;
  requireFresh: boolean;
  packId?: string | null;
  ledgerCommit?: string | null;
  mode: 'SYNC' | 'ASYNC';
  idempotencyKey?: string | null;
  traceId: string;
  requestId: string;
  /** The request's trace (OpenTelemetry context): the execution span continues it. */
  traceContext?: OtelContext;
}

/** Finds a commit in a portfolio's ledger: how a pinned ledgerCommit is checked to belong to the portfolio the run reads. */
export interface LedgerCommitLookup {
  findCommit(portfolioId: string, hash: string): Promise<{ hash: string } | null>;
}

/**
 * What ExecutePattern works with, given by the composition root: the patterns and orchestrator,
 * the repositories it reads and writes, and the hooks that report what happened.
 */
export interface ExecutePatternDeps {
  catalog: PatternCatalog;
  orchestrator: Orchestrator;
  packs: PackRepository;
  /** The latest pack, kept in memory by the pack events (PackHealthHub.latestPack). */
  latestPack: () => Promise<PricingPackRecord | null>;
  /** Checks a pack's rows against its hash before a run uses it (PackVerifier: once per pack per process). */
  packVerifier: Pick<PackVerifier, 'verify'>;
  /** For the refusal's audit entry: the one write on the gate's path (one plain INSERT). */
  audit: AuditWriter;
  credits: Pick<CreditRepository, 'balance'>;
  portfolios: PortfolioRepository;
  ledgerCommits: LedgerCommitLookup;
  executions: ExecutionRepository;
  events: ExecutionEvents;
  rights: RightsRegistrySource;
  warmingEtaMs: number;
  /** Where failures of background (ASYNC) runs are reported. */
  onBackgroundError: (error: unknown, executionId: string) => void;
  /** Observability hooks (metrics); the use-case does not know who listens. */
  observer?: ExecutionObserver;
  /** Where the database's refusal of a run's finish is reported in full (the run keeps only its SQLSTATE). */
  onUnstorable?: (error: unknown, executionId: string) => void;
}

interface AbandonError {
  code: string;
  message: string;
  /** The refund's reason in the credit ledger. */
  reason: string;
}

const SHUTDOWN_ERROR: AbandonError = {
  code: 'SHUTDOWN',
  message: 'The server shut down before this run finished; it was refunded and may be run again.',
  reason: 'server shutdown',
};
const LOST_ERROR: AbandonError = {
  code: 'RUN_LOST',
  message: 'The server running this execution stopped before it finished; it was refunded and may be run again.',
  reason: 'run lost',
};

interface RunningExecution {
  execution: ExecutionRecord;
  ctx: RequestCtx;
  /** Settles when the run has finished, whatever its outcome. */
  settled: Promise<void>;
}

/** What an execution reports to metrics: gate refusals, credits debited and finished runs. */
export interface ExecutionObserver {
  gateBlocked(reason: 'warming' | 'error'): void;
  creditsDebited(amount: number): void;
  executionFinished(execution: ExecutionRecord): void;
}

/**
 * executePattern: pick the pack → freshness gate → frozen RequestCtx → orchestrate → store.
 * Everything that can refuse a request does so before anything is read from the ledger or
 * written: a blocked request costs one pack lookup.
 */
export class ExecutePattern {
  /** Every run between its debit and its finish (SYNC and ASYNC), for shutdown. */
  private readonly running = new Map<string, RunningExecution>();

  constructor(private readonly deps: ExecutePatternDeps) {}

  async execute(command: ExecutePatternCommand): Promise<ExecutionRecord> {
    const pattern = await this.deps.catalog.currentVersion(command.patternId);
    if (!pattern) throw new AppError('PATTERN_NOT_FOUND', `No pattern ${command.patternId}`, { patternId: command.patternId });
    const inputs = validateInputs(pattern, command.inputs);
    const key = idempotencyKeyOf(command);
    const requestSha256 = key ? requestDigest(command, inputs) : null;
    // Stripe's rule: a key replays a request that was processed. A run the server failed to
    // process (shut down, lost, unstorable) was not: the same key starts a new attempt.
    let retryOf: ExecutionRecord | null = null;
    if (key) {
      const earlier = await this.deps.executions.findByIdempotencyKey(command.tenantId, key);
      if (earlier) {
        const same = sameRequestOrRefuse(earlier, requestSha256!);
        if (!endedByTheServer(same)) return same;
        retryOf = same;
      }
    }

    let pack = await this.pickPack(command.packId, this.deps.latestPack);
    // A failed reconciliation blocks every run until a newer pack is published, and a refusal for it
    // is not one to retry: before refusing on what this instance remembers, the database is asked
    // (a newer pack may have committed that this instance has not heard of yet). Rare, so cheap.
    if (!command.packId && pack.reconciliationFailed) pack = await this.pickPack(null, () => this.deps.packs.findLatest());
    let gate = await this.passGate(command, pattern, pack);

    const portfolio = await this.portfolioOf(command.tenantId, inputs);
    const ledgerCommitHash = await this.ledgerCommitOf(portfolio, command.ledgerCommit);
    const cost = pattern.definition.cost;

    let execution: ExecutionRecord;
    let ctx: RequestCtx;
    try {
      if (retryOf) await this.deps.executions.releaseIdempotencyKey({ id: retryOf.id, tenantId: retryOf.tenantId, idempotencyKey: key! });
      for (let attempt = 1; ; attempt++) {
        ctx = requestCtx(command, pack, portfolio, ledgerCommitHash, gate.packIsFresh);
        // Inputs a capability cannot use are the caller's mistake: refused here, before any charge,
        // rather than failing a step (refunded, but a step failure all the same).
        const unusable = this.deps.orchestrator.checkInputs(pattern, ctx, inputs);
        if (unusable.length > 0) throw badInput(`inputs cannot be used by ${pattern.definition.id}`, unusable);
        // A result reproduces only on the content its pack's hash names (pinned reruns above all).
        await this.deps.packVerifier.verify(pack);
        // The run's row, its debit and its audit entry commit together or not at all (one statement),
        // and only while the gate's pack choice still holds in the database.
        const started = await this.deps.executions.start(
          newExecution(command, pattern, ctx, inputs, { cost, key, requestSha256, retryOf }),
          // A SYNC caller hears nothing before the finish, whose flush makes the start durable too.
          { mode: command.mode, flush: command.mode === 'SYNC' ? 'with-finish' : 'now' },
        );
        if (!('refused' in started)) {
          execution = started;
          break;
        }
        if (started.refused === 'portfolio-or-balance') await this.refuseStart(ctx, cost);
        // A pack write committed that this instance's view had not seen yet (its NOTIFY is in
        // flight, or it committed while the statement ran): decide again on what the database holds.
        if (attempt >= START_ATTEMPTS) {
          throw new AppError('CONFLICT', 'The latest pricing pack kept changing while this run started; retry', { retryable: true });
        }
        pack = await this.pickPack(command.packId, () => this.deps.packs.findLatest());
        gate = await this.passGate(command, pattern, pack);
      }
    } catch (error) {
      // The same key raced in from another request: it won; answer with its execution.
      if (key && isUniqueViolation(error)) {
        const winner = await this.deps.executions.findByIdempotencyKey(command.tenantId, key);
        if (winner) return sameRequestOrRefuse(winner, requestSha256!);
      }
      throw error;
    }
    this.deps.observer?.creditsDebited(cost);
    this.deps.events.begin(execution.id, execution.tenantId, { retainForReplay: command.mode === 'ASYNC' });
    const run = this.run(execution, pattern, ctx, inputs, command.traceContext ?? ROOT_CONTEXT);
    const settled = run.then(
      () => undefined,
      (error: unknown) => {
        if (command.mode === 'ASYNC') this.deps.onBackgroundError(error, execution.id);
      },
    );
    this.running.set(execution.id, { execution, ctx, settled });
    void settled.finally(() => this.running.delete(execution.id));
    return command.mode === 'SYNC' ? run : execution;
  }

  /** Resolves when every run started so far has finished (tests). */
  async drain(): Promise<void> {
    while (this.running.size > 0) await Promise.allSettled([...this.running.values()].map((r) => r.settled));
  }

  /**
   * Graceful shutdown: waits up to graceMs for the runs in flight, then marks the ones still
   * running FAILED (code SHUTDOWN, retryable) and refunds them, each with its audit entry, in one
   * statement per run. A run that finishes meanwhile keeps its result: whichever of the two
   * writes comes second changes nothing (both update only a RUNNING row).
   *
   * Each of those writes gets at most `writeWithinMs`: when the database is unreachable or stalled
   * the run stays RUNNING, debited, and is named in `leftForSweep` — the lost-run sweep of any
   * instance fails and refunds it once it is RUN_LOST_AFTER old.
   */
  async shutdown(
    graceMs: number,
    writeWithinMs = ABANDON_WRITE_LIMIT_MS,
  ): Promise<{ finished: number; abandoned: number; leftForSweep: string[] }> {
    const inFlight = [...this.running.values()];
    await withinTime(Promise.allSettled(inFlight.map((r) => r.settled)), graceMs);
    const left = [...this.running.values()];
    const outcomes = await Promise.all(
      left.map(async ({ execution }) => {
        const written = await withinTime(this.abandon(execution, SHUTDOWN_ERROR), writeWithinMs).catch(() => ({ done: false as const }));
        return { id: execution.id, ended: written.done ? written.value : undefined };
      }),
    );
    return {
      finished: inFlight.length - left.length,
      abandoned: outcomes.filter((o) => o.ended === true).length,
      leftForSweep: outcomes.filter((o) => o.ended === undefined).map((o) => o.id),
    };
  }

  /**
   * Runs left RUNNING by an instance that died (crash, kill -9, lost machine) are FAILED and
   * refunded once they are older than any run can take, so every debit ends in a finished run.
   */
  async recoverAbandoned(olderThanMs: number): Promise<number> {
    let recovered = 0;
    for (const execution of await this.deps.executions.runningSince(new Date(Date.now() - olderThanMs))) {
      if (await this.abandon(execution, LOST_ERROR)) recovered++;
    }
    return recovered;
  }

  /**
   * Ends a run that is still RUNNING as FAILED, refunded and audited — the same single-statement
   * write as a normal finish, which changes nothing if the run finished first.
   */
  private async abandon(execution: ExecutionRecord, error: AbandonError): Promise<boolean> {
    const errors = [{ stepId: null, code: error.code, message: error.message, retryable: true }];
    const outcome: FinishedExecution = {
      status: 'FAILED',
      resultJson: null,
      resultSha256: null,
      confidence: 0,
      attributions: [],
      errors,
      warnings: [],
      durationMs: 0,
      steps: [],
    };
    const ended = await this.deps.executions.finish(execution, outcome, {
      refund: execution.credits === 0 ? null : { amount: execution.credits, reason: error.reason },
      audit: {
        actorId: execution.userId,
        tenantId: execution.tenantId,
        action: 'execution.finish',
        resource: `execution:${execution.id}`,
        changes: { status: 'FAILED', refunded: execution.credits, errors: [error.code] },
        result: 'FAILED',
        traceId: execution.traceId,
        requestId: execution.requestId,
      },
    });
    if (ended) {
      this.deps.events.publish({
        executionId: execution.id,
        stepId: null,
        stepStatus: null,
        done: 0,
        total: 0,
        executionStatus: 'FAILED',
        final: true,
      });
    }
    return ended !== null;
  }

  /** The pinned pack, or the latest one as `latest` knows it (the in-memory view first, the database on a retry). */
  private async pickPack(pinned: string | null | undefined, latest: () => Promise<PricingPackRecord | null>): Promise<PricingPackRecord> {
    const pack = pinned ? await this.deps.packs.findById(pinned) : await latest();
    if (!pack) {
      throw new AppError(
        'NO_PRICING_PACK',
        pinned ? `No pricing pack ${pinned}` : 'No pricing pack exists yet',
        pinned ? { packId: pinned } : {},
      );
    }
    return pack;
  }

  /** The freshness gate on `pack`; a refusal is audited and counted before it is thrown. */
  private async passGate(command: ExecutePatternCommand, pattern: CompiledPattern, pack: PricingPackRecord): Promise<GateDecision> {
    try {
      return freshnessGate(pack, command.requireFresh, this.deps.warmingEtaMs);
    } catch (error) {
      await this.auditBlock(command, pattern, pack, error);
      this.deps.observer?.gateBlocked(error instanceof AppError && error.code === 'PRICING_PACK_ERROR' ? 'error' : 'warming');
      throw error;
    }
  }

  /** The start statement refused for the portfolio or the balance: says which, having written nothing. */
  private async refuseStart(ctx: RequestCtx, cost: number): Promise<never> {
    if (ctx.portfolioId !== null && (await this.deps.portfolios.findForTenant(ctx.tenantId, ctx.portfolioId))?.archivedAt) {
      throw portfolioArchived(ctx.portfolioId);
    }
    const balance = await this.deps.credits.balance(ctx.tenantId);
    throw new AppError('INSUFFICIENT_CREDITS', `This run costs ${cost} credits; the balance is ${balance}`, {
      balance,
      required: cost,
    });
  }

  private async portfolioOf(tenantId: string, inputs: Record<string, unknown>): Promise<PortfolioRecord | null> {
    if (typeof inputs.portfolioId !== 'string') return null;
    const portfolio = await this.deps.portfolios.findForTenant(tenantId, inputs.portfolioId);
    // Another tenant's portfolio is reported exactly like a missing one.
    if (!portfolio) throw new AppError('NOT_FOUND', `No portfolio ${inputs.portfolioId}`, { path: ['inputs.portfolioId'] });
    // The start statement checks again, under a lock: an archive that commits after this read still wins.
    if (portfolio.archivedAt !== null) throw portfolioArchived(portfolio.id);
    return portfolio;
  }

  private async ledgerCommitOf(portfolio: PortfolioRecord | null, pinned: string | null | undefined): Promise<string | null> {
    if (!portfolio) {
      if (pinned)
        throw badInput('ledgerCommit needs a pattern that reads a portfolio', [{ path: 'ledgerCommit', message: 'no portfolio' }]);
      return null;
    }
    if (!pinned) return portfolio.ledgerHead;
    const commit = await this.deps.ledgerCommits.findCommit(portfolio.id, pinned);
    if (!commit)
      throw badInput(`ledgerCommit ${pinned} is not a commit of portfolio ${portfolio.id}`, [
        { path: 'ledgerCommit', message: 'unknown commit' },
      ]);
    return commit.hash;
  }

  private async run(
    execution: ExecutionRecord,
    pattern: CompiledPattern,
    ctx: RequestCtx,
    inputs: Record<string, unknown>,
    parent: OtelContext,
  ): Promise<ExecutionRecord> {
    // The span an operator finds a run by: what it ran on, and where its time went (children).
    const span = tracer().startSpan(
      'freshgate.execution',
      {
        attributes: {
          'freshgate.execution_id': execution.id,
          pricing_pack_id: ctx.pricingPackId,
          ledger_commit_hash: ctx.ledgerCommitHash ?? '',
          pattern_id: pattern.definition.id,
          pattern_version: pattern.definition.version,
          tenant_hash: sha256Hex(ctx.tenantId).slice(0, 16),
          'freshgate.pack_fresh': ctx.packIsFresh,
        },
      },
      parent,
    );
    try {
      const finished = await this.runTraced(execution, pattern, ctx, inputs, trace.setSpan(parent, span));
      span.setAttribute('execution_status', finished.status);
      if (finished.status === 'FAILED') span.setStatus({ code: SpanStatusCode.ERROR, message: 'execution failed' });
      return finished;
    } catch (error) {
      span.recordException(error as Error);
      span.setStatus({ code: SpanStatusCode.ERROR });
      throw error;
    } finally {
      span.end();
    }
  }

  private async runTraced(
    execution: ExecutionRecord,
    pattern: CompiledPattern,
    ctx: RequestCtx,
    inputs: Record<string, unknown>,
    traceContext: OtelContext,
  ): Promise<ExecutionRecord> {
    const { events } = this.deps;
    const began = performance.now();
    let outcome: OrchestrationResult;
    try {
      outcome = await this.deps.orchestrator.run(pattern, ctx, inputs, {
        traceContext,
        onStep: (e) =>
          events.publish({
            executionId: execution.id,
            stepId: e.stepId,
            stepStatus: e.status,
            done: e.done,
            total: e.total,
            executionStatus: 'RUNNING',
            final: false,
          }),
      });
    } catch (error) {
      outcome = {
        status: 'FAILED',
        output: {},
        steps: [],
        errors: [{ stepId: '', code: 'ORCHESTRATION_FAILED', message: (error as Error).message, retryable: false }],
        provenance: [],
        warnings: [],
        stepsStatus: 'FAILED',
      };
    }
    let status = outcome.status;
    const errors = outcome.errors.map((e) => ({ stepId: e.stepId || null, code: e.code, message: e.message, retryable: e.retryable }));
    const sealed = status === 'FAILED' ? null : envelope(outcome.output);
    if (sealed && !pattern.validateOutput(sealed.result)) {
      status = 'FAILED';
      errors.push({
        stepId: null,
        code: 'OUTPUT_INVALID',
        message: `result does not match the pattern's outputSchema: ${ajvMessages(pattern.validateOutput.errors)}`,
        retryable: false,
      });
    }
    const ok = status !== 'FAILED';
    const outcomeRecord: FinishedExecution = {
      status,
      resultJson: ok ? sealed!.canonical : null,
      resultSha256: ok ? sealed!.sha256 : null,
      // A run PARTIAL only because its data is incomplete is not penalised twice: the data's own
      // confidence (the share of holdings valued) already says how much is missing.
      confidence: confidenceOf({
        status: status === 'FAILED' ? 'FAILED' : outcome.stepsStatus,
        provenance: outcome.provenance.map((p) => p.confidence),
        warnings: outcome.warnings.length,
        packIsFresh: ctx.packIsFresh,
      }),
      attributions: this.attributions(pattern, outcome.provenance, ctx),
      errors,
      warnings: outcome.warnings.map((w) => ({ code: w.code, message: w.message, symbol: w.symbol, stepId: w.stepId })),
      durationMs: performance.now() - began,
      steps: outcome.steps.map((s) => ({
        stepId: s.stepId,
        capability: s.capability,
        agent: s.agent,
        status: s.status,
        attempt: s.attempt,
        startedAt: s.startedAt,
        finishedAt: s.finishedAt,
        durationMs: s.durationMs,
        error: s.error,
      })),
    };
    const finished = await this.store(execution, ctx, outcomeRecord);
    this.deps.observer?.executionFinished(finished);
    const total = outcome.steps.length;
    events.publish({
      executionId: execution.id,
      stepId: null,
      stepStatus: null,
      done: total,
      total,
      executionStatus: finished.status,
      final: true,
    });
    return finished;
  }

  /**
   * The finish: outcome, steps, refund of a FAILED run and audit entry in one transaction. A
   * database that drops out meanwhile (a restart) is waited for and the transaction retried, so a
   * debited run is not left RUNNING; a run that shutdown already ended keeps that ending.
   */
  private async store(execution: ExecutionRecord, ctx: RequestCtx, outcome: FinishedExecution): Promise<ExecutionRecord> {
    const ok = outcome.status !== 'FAILED';
    const effects = {
      // A FAILED run is refunded; PARTIAL and SUCCESS delivered something and are not.
      refund: ok || execution.credits === 0 ? null : { amount: execution.credits, reason: 'execution failed' },
      audit: {
        actorId: ctx.userId,
        tenantId: ctx.tenantId,
        action: 'execution.finish',
        resource: `execution:${execution.id}`,
        changes: { status: outcome.status, refunded: ok ? 0 : execution.credits, errors: outcome.errors.map((e) => e.code) },
        result: outcome.status,
        traceId: ctx.traceId,
        requestId: ctx.requestId,
      },
    };
    let finished: ExecutionRecord | null;
    try {
      finished = await retryWhileUnavailable(() => this.deps.executions.finish(execution, outcome, effects));
    } catch (error) {
      // Still unreachable after the retries: nothing more to do here (the sweep ends it later).
      if (isDatabaseUnavailable(error) && !isLastingRefusal(error)) throw error;
      // The database refused this finish for good (the result itself, a constraint, a time limit,
      // a full disk): the run is not lost, it failed, and says why — at once, refunded and audited,
      // instead of waiting for the sweep.
      finished = await this.failUnstorable(execution, ctx, outcome, error);
    }
    if (finished) return finished;
    // Someone else ended it first (shutdown, or this write's own earlier attempt): that stands.
    const ended = await this.deps.executions.findForTenant(ctx.tenantId, execution.id);
    if (!ended) throw new Error(`execution ${execution.id} vanished while finishing`);
    return ended;
  }

  /** Ends a run whose finish the database refused: FAILED (RESULT_NOT_STORED), refunded, audited. */
  private async failUnstorable(
    execution: ExecutionRecord,
    ctx: RequestCtx,
    outcome: FinishedExecution,
    cause: unknown,
  ): Promise<ExecutionRecord | null> {
    const sqlState = sqlStateOf(cause);
    this.deps.onUnstorable?.(cause, execution.id);
    const error = {
      stepId: null,
      code: RESULT_NOT_STORED,
      message: `The run finished ${outcome.status} but its result could not be stored (database error ${sqlState ?? 'unknown'}); it was refunded and may be run again.`,
      retryable: true,
    };
    const failed: FinishedExecution = {
      ...outcome,
      status: 'FAILED',
      resultJson: null,
      resultSha256: null,
      confidence: 0,
      errors: [...outcome.errors, error],
    };
    return retryWhileUnavailable(() =>
      this.deps.executions.finish(execution, failed, {
        refund: execution.credits === 0 ? null : { amount: execution.credits, reason: 'result not stored' },
        audit: {
          actorId: ctx.userId,
          tenantId: ctx.tenantId,
          action: 'execution.finish',
          resource: `execution:${execution.id}`,
          changes: {
            status: 'FAILED',
            refunded: execution.credits,
            errors: failed.errors.map((e) => e.code),
            sqlState,
            outcome: outcome.status,
          },
          result: 'FAILED',
          traceId: ctx.traceId,
          requestId: ctx.requestId,
        },
      }),
    );
  }

  /**
   * A refused run changes nothing, so its audit entry is written on its own, in plain SQL: the
   * refusal's latency is what a user waits for while a pack warms.
   */
  private async auditBlock(
    command: ExecutePatternCommand,
    pattern: CompiledPattern,
    pack: PricingPackRecord,
    error: unknown,
  ): Promise<void> {
    const code = error instanceof AppError ? error.code : 'UNKNOWN';
    await this.deps.audit.append({
      actorId: command.userId,
      tenantId: command.tenantId,
      action: 'execution.blocked',
      resource: `pack:${pack.id}`,
      changes: {
        reason: code === 'PRICING_PACK_ERROR' ? 'error' : 'warming',
        code,
        patternId: pattern.definition.id,
        requireFresh: command.requireFresh,
      },
      result: 'BLOCKED',
      traceId: command.traceId,
      requestId: command.requestId,
    });
  }

  /** Every source the pattern declares or the data reported, with the registry's attribution text. */
  private attributions(pattern: CompiledPattern, provenance: Provenance[], ctx: RequestCtx): AttributionRecord[] {
    const asOf = new Map<string, string>();
    for (const source of pattern.definition.sources) asOf.set(source, ctx.asofDate);
    for (const p of provenance) {
      const known = asOf.get(p.source);
      if (!known || p.asOf > known) asOf.set(p.source, p.asOf);
    }
    return [...asOf.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([source, date]) => {
        const rights = this.deps.rights.current().rightsOf(source);
        return { source, text: rights.attributionText, required: rights.attributionRequired, asOf: date };
      });
  }
}

/**
 * How many times a run is decided again when the start statement finds that the pack it chose is no
 * longer the database's answer (each time on the pack the database now holds): pack writes are rare,
 * so a second attempt almost always settles it.
 */
const START_ATTEMPTS = 3;

/** How long shutdown tries to write one cut-off run's end (FAILED, refund, audit) before leaving it to the sweep. */
const ABANDON_WRITE_LIMIT_MS = 1_500;

const IDEMPOTENCY_KEY = /^[A-Za-z0-9._:-]{1,255}$/;

function idempotencyKeyOf(command: ExecutePatternCommand): string | null {
  const key = command.idempotencyKey;
  if (key === undefined || key === null) return null;
  if (!IDEMPOTENCY_KEY.test(key)) {
    throw badInput('idempotencyKey must be 1–255 characters of letters, digits and . _ : -', [
      { path: 'idempotencyKey', message: 'invalid' },
    ]);
  }
  return key;
}

/** What makes two requests "the same" for an idempotency key: everything that decides the run. */
function requestDigest(command: ExecutePatternCommand, inputs: Record<string, unknown>): string {
  return contentHash({
    patternId: command.patternId,
    inputs,
    requireFresh: command.requireFresh,
    packId: command.packId ?? null,
    ledgerCommit: command.ledgerCommit ?? null,
    mode: command.mode,
  });
}

/** Why a run may fail without having been processed: the server's reasons, not the request's. */
const SERVER_ENDINGS: ReadonlySet<string> = new Set(['SHUTDOWN', 'RUN_LOST', 'RESULT_NOT_STORED']);
const RESULT_NOT_STORED = 'RESULT_NOT_STORED';

function endedByTheServer(execution: ExecutionRecord): boolean {
  return execution.status === 'FAILED' && execution.errors.some((e) => SERVER_ENDINGS.has(e.code));
}

function sameRequestOrRefuse(earlier: ExecutionRecord, requestSha256: string): ExecutionRecord {
  if (earlier.requestSha256 === requestSha256) return earlier;
  throw new AppError('IDEMPOTENCY_KEY_REUSED', 'This idempotency key was used for a different request', { executionId: earlier.id });
}

function validateInputs(pattern: CompiledPattern, raw: unknown): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw badInput('inputs must be a JSON object', [{ path: 'inputs', message: 'not an object' }]);
  }
  const inputs = structuredClone(raw) as Record<string, unknown>; // ajv fills defaults in place
  if (!pattern.validateInputs(inputs)) {
    const issues = (pattern.validateInputs.errors ?? []).map((e) => ({ path: inputPath(e), message: e.message ?? 'invalid' }));
    throw badInput(`inputs do not match ${pattern.definition.id}'s input schema`, issues);
  }
  return inputs;
}

function inputPath(error: ErrorObject): string {
  const base = ['inputs', ...error.instancePath.split('/').filter(Boolean)];
  if (error.keyword === 'required') base.push(String((error.params as { missingProperty: string }).missingProperty));
  if (error.keyword === 'additionalProperties') base.push(String((error.params as { additionalProperty: string }).additionalProperty));
  return base.join('.');
}

function ajvMessages(errors: ErrorObject[] | null | undefined): string {
  return (errors ?? []).map((e) => `${e.instancePath || '/'} ${e.message}`).join('; ');
}

/** What the start statement stores for a run decided on `ctx`. */
function newExecution(
  command: ExecutePatternCommand,
  pattern: CompiledPattern,
  ctx: RequestCtx,
  inputs: Record<string, unknown>,
  run: { cost: number; key: string | null; requestSha256: string | null; retryOf: ExecutionRecord | null },
): NewExecution {
  return {
    tenantId: ctx.tenantId,
    userId: ctx.userId,
    patternId: pattern.definition.id,
    patternVersion: pattern.definition.version,
    portfolioId: ctx.portfolioId,
    packId: ctx.pricingPackId,
    ledgerCommitHash: ctx.ledgerCommitHash,
    asofDate: ctx.asofDate,
    requireFresh: ctx.requireFresh,
    packFresh: ctx.packIsFresh,
    inputs,
    traceId: ctx.traceId,
    requestId: ctx.requestId,
    credits: run.cost,
    idempotencyKey: run.key,
    requestSha256: run.requestSha256,
    retryOf: run.retryOf?.id ?? null,
    pinnedPack: Boolean(command.packId),
  };
}

function requestCtx(
  command: ExecutePatternCommand,
  pack: PricingPackRecord,
  portfolio: PortfolioRecord | null,
  ledgerCommitHash: string | null,
  packIsFresh: boolean,
): RequestCtx {
  return Object.freeze({
    userId: command.userId,
    tenantId: command.tenantId,
    pricingPackId: pack.id,
    pricingPackCreatedAt: pack.createdAt.toISOString(),
    policy: pack.policy,
    packBaseCurrency: baseCurrencyOf(pack.policy),
    baseCurrency: portfolio?.baseCurrency ?? baseCurrencyOf(pack.policy),
    ledgerCommitHash,
    portfolioId: portfolio?.id ?? null,
    asofDate: pack.date,
    defaultStart: oneYearBefore(pack.date),
    requireFresh: command.requireFresh,
    packIsFresh,
    traceId: command.traceId,
    requestId: command.requestId,
  });
}

function oneYearBefore(isoDate: string): string {
  const date = new Date(`${isoDate}T00:00:00Z`);
  date.setUTCFullYear(date.getUTCFullYear() - 1);
  return date.toISOString().slice(0, 10);
}
