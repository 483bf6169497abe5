import { groupBy } from '../group-by';
import { randomUUID } from 'node:crypto';
import type { SqlExecutor } from '../../db/database';
import { auditInsertSelect, type AuditRecord } from '../audit/audit-writer';
import { creditInsertSelect } from '../credits/credit-writer';
import type { PrismaClient } from '../../generated/prisma/client';
import type { DataHandle } from '../handle';
import { fromDbDate } from '../../shared/dates';

/** A run's status: RUNNING until it finishes, then how it ended. */
export type ExecutionStatusName = 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED';

/** The credit a run's result owes one data source: the attribution text, whether its licence requires showing it, and the data's date. */
export interface AttributionRecord {
  source: string;
  text: string | null;
  required: boolean;
  asOf: string;
}

/** An error a run recorded: the step it came from (null for the run as a whole), and whether retrying may help. */
export interface ExecutionErrorRecord {
  stepId: string | null;
  code: string;
  message: string;
  retryable: boolean;
}

/** A warning a run recorded: what a step reported without failing, the security it concerns, and the step. */
export interface ExecutionWarningRecord {
  code: string;
  message: string;
  symbol: string | null;
  stepId: string | null;
}

/** A run of a pattern as stored in `executions`: what it ran on (pack, ledger commit, inputs), what it cost, and how it ended. */
export interface ExecutionRecord {
  id: string;
  tenantId: string;
  userId: string;
  patternId: string;
  patternVersion: string;
  portfolioId: string | null;
  status: ExecutionStatusName;
  packId: string;
  ledgerCommitHash: string | null;
  asofDate: string;
  requireFresh: boolean;
  packFresh: boolean;
  inputs: unknown;
  result: unknown;
  resultSha256: string | null;
  confidence: number;
  attributions: AttributionRecord[];
  errors: ExecutionErrorRecord[];
  warnings: ExecutionWarningRecord[];
  durationMs: number | null;
  traceId: string;
  requestId: string;
  credits: number;
  idempotencyKey: string | null;
  requestSha256: string | null;
  /** The earlier attempt (same idempotency key) this run retries. */
  retryOf: string | null;
  createdAt: Date;
  finishedAt: Date | null;
  /** Its steps, when the record is the answer of this process's own finish (which does not read them back). */
  steps?: StepRecord[];
}

/** The trace of one step of a run (execution_steps): the agent that served it, the attempt, its timing and its error. */
export interface StepRecord {
  stepId: string;
  capability: string;
  agent: string | null;
  status: string;
  attempt: number;
  startedAt: Date | null;
  finishedAt: Date | null;
  durationMs: number | null;
  error: { code: string; message: string; retryable: boolean } | null;
}

/** What starting a run records: the pattern, the pinned pack and ledger commit, the inputs and the credits to debit. */
export interface NewExecution {
  tenantId: string;
  userId: string;
  patternId: string;
  patternVersion: string;
  portfolioId: string | null;
  packId: string;
  ledgerCommitHash: string | null;
  asofDate: string;
  requireFresh: boolean;
  packFresh: boolean;
  inputs: unknown;
  traceId: string;
  requestId: string;
  credits: number;
  idempotencyKey: string | null;
  requestSha256: string | null;
  retryOf: string | null;
  /** The caller pinned packId: the start re-checks that pack, not that it is still the latest. */
  pinnedPack: boolean;
}

/** Why ExecutionRepository.start wrote nothing: the gate's pack choice no longer holds, or the portfolio or balance refused. */
export interface StartRefusal {
  refused: 'pack' | 'portfolio-or-balance';
}

/** How a run ended: its result, confidence, attributions and errors, written with its step traces by ExecutionRepository.finish. */
export interface FinishedExecution {
  status: Exclude<ExecutionStatusName, 'RUNNING'>;
  /** The result as the canonical JSON text that was hashed (null without a result). */
  resultJson: string | null;
  resultSha256: string | null;
  confidence: number;
  attributions: AttributionRecord[];
  errors: ExecutionErrorRecord[];
  /** Not part of resultSha256: see the README, "Result envelope". */
  warnings: ExecutionWarningRecord[];
  durationMs: number;
  steps: StepRecord[];
}

/** What finishing a run also writes: the refund of a failed run, and the audit entry. */
export interface FinishEffects {
  refund: { amount: number; reason: string } | null;
  audit: AuditRecord;
}

type Row = Awaited<ReturnType<PrismaClient['execution']['findUniqueOrThrow']>>;

/** An `executions` row as the record the rest of the code uses (the as-of date as YYYY-MM-DD, credits as a number). */
export function toExecutionRecord(row: Row): ExecutionRecord {
  return {
    id: row.id,
    tenantId: row.tenantId,
    userId: row.userId,
    patternId: row.patternId,
    patternVersion: row.patternVersion,
    portfolioId: row.portfolioId,
    status: row.status,
    packId: row.packId,
    ledgerCommitHash: row.ledgerCommitHash,
    asofDate: fromDbDate(row.asofDate),
    requireFresh: row.requireFresh,
    packFresh: row.packFresh,
    inputs: row.inputs,
    result: row.result,
    resultSha256: row.resultSha256,
    confidence: row.confidence,
    attributions: row.attributions as unknown as AttributionRecord[],
    errors: row.errors as unknown as ExecutionErrorRecord[],
    warnings: row.warnings as unknown as ExecutionWarningRecord[],
    durationMs: row.durationMs,
    traceId: row.traceId,
    requestId: row.requestId,
    credits: row.credits.toNumber(),
    idempotencyKey: row.idempotencyKey,
    requestSha256: row.requestSha256,
    retryOf: row.retryOf,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

// The writes of the two single statements below take their columns from the writers of
// credit_transactions and audit_log: one list per table, whichever path writes it.

/** Start: the debit's entry ($2 credits, $3 tenant, $4 user) and the audit entry ($14 trace, $15 request, $18 changes). */
const DEBIT_ENTRY = creditInsertSelect(
  {
    tenant_id: '$3',
    execution_id: 'c.id',
    amount: '-$2::numeric',
    kind: `'DEBIT'::"CreditTransactionKind"`,
    balance_after: 'd.credit_balance',
    reason: 'NULL',
    actor_id: '$4',
  },
  'created c CROSS JOIN debit d WHERE $2::numeric > 0',
);
const START_AUDIT = auditInsertSelect(
  {
    actor_id: '$4',
    tenant_id: '$3',
    action: `'execution.start'`,
    resource: `'execution:' || c.id`,
    changes: `$18::jsonb || jsonb_build_object('balanceAfter', d.credit_balance::float8)`,
    result: `'OK'`,
    trace_id: '$14',
    request_id: '$15',
  },
  'created c CROSS JOIN debit d',
);
/** Finish: the refund's entry ($11 amount, $12 reason, $13 actor) and the audit entry ($13–$20). */
const REFUND_ENTRY = creditInsertSelect(
  {
    tenant_id: 'r.tenant_id',
    execution_id: 'r.execution_id',
    amount: '$11::numeric',
    kind: `'REFUND'::"CreditTransactionKind"`,
    balance_after: 'r.credit_balance',
    reason: '$12',
    actor_id: '$13',
  },
  'refunded r',
);
const FINISH_AUDIT = auditInsertSelect(
  {
    actor_id: '$13',
    tenant_id: '$14',
    action: '$15',
    resource: '$16',
    changes: '$17::jsonb',
    result: '$18',
    trace_id: '$19',
    request_id: '$20',
  },
  'finished',
);

/**
 * Runs: started (debited) and finished (refunded when FAILED) by one statement each, and read
 * back only inside their tenant.
 */
export class ExecutionRepository {
  private readonly prisma: DataHandle['prisma'];
  private readonly sql: SqlExecutor;

  constructor(db: DataHandle) {
    this.prisma = db.prisma;
    this.sql = db.sql;
  }

  /**
   * Starts a run as one statement: the tenant is debited the run's credits if its balance allows
   * (a conditional UPDATE, so concurrent runs can never overdraw it), and only then are the
   * execution row, the debit's credit entry and the `execution.start` audit entry written —
   * together or not at all. Nothing is written, and the answer says why, when:
   *
   * - `pack`: the freshness gate's choice no longer holds in the database. An unpinned run needs
   *   its pack to still be the latest (the pricing_pack_head row), a pinned one its own pack row;
   *   either must not have failed reconciliation, and must be fresh if the gate let it run as
   *   fresh. The row is locked FOR SHARE until the run commits: a pack write that committed after
   *   this statement's snapshot makes PostgreSQL re-check the condition on the new row version
   *   (READ COMMITTED's re-evaluation of a locked row) and refuse, and one still in progress
   *   either waits for the run's row or is waited for. No window on one instance or across many.
   * - `portfolio-or-balance`: the run's portfolio is archived (read live, share-locked the same
   *   way: an archive commits first and refuses the run, or waits for the run's row), or the
   *   balance is too low.
   *
   * A second row for the same idempotency key fails the whole statement (unique violation).
   *
   * `flush: 'with-finish'` lets the start's commit return before its WAL reaches the disk — for a
   * run whose caller hears nothing until its finish: the finish's synchronous commit flushes the
   * WAL up to itself, the start included (WAL is flushed in order). A database crash in between
   * loses the start as well — no run, no debit, and no answer was given for either. This saves a
   * disk flush per SYNC run (measured: ~5 ms of PostgreSQL CPU a portfolio_overview run for the two).
   * An ASYNC run answers with the started run, so its start is flushed before the answer (`'now'`).
   */
  async start(execution: NewExecution, options: { mode: string; flush: 'now' | 'with-finish' }): Promise<ExecutionRecord | StartRefusal> {
    const id = randomUUID();
    const changes = {
      patternId: execution.patternId,
      patternVersion: execution.patternVersion,
      packId: execution.packId,
      ledgerCommitHash: execution.ledgerCommitHash,
      credits: execution.credits,
      mode: options.mode,
      ...(execution.retryOf ? { retryOf: execution.retryOf } : {}),
    };
    const [row] = await this.sql.query<{ created_at: Date | string | null; pack_holds: boolean }>(
      /* sql */ `WITH latest_pack AS (
         SELECT 1 FROM pricing_pack_head
         WHERE singleton AND NOT $20::boolean AND pack_id = $8 AND NOT reconciliation_failed AND (is_fresh OR NOT $12::boolean)
         FOR SHARE
       ), pinned_pack AS (
         SELECT 1 FROM pricing_packs
         WHERE $20::boolean AND id = $8 AND NOT reconciliation_failed AND (is_fresh OR NOT $12::boolean)
         FOR SHARE
       ), gate AS (
         SELECT 1 FROM latest_pack UNION ALL SELECT 1 FROM pinned_pack
       ), live_portfolio AS (
         SELECT id FROM portfolios WHERE id = $7 AND tenant_id = $3 AND archived_at IS NULL FOR SHARE
       ), debit AS (
         UPDATE tenants SET credit_balance = credit_balance - $2::numeric
         WHERE id = $3 AND credit_balance >= $2::numeric AND EXISTS (SELECT 1 FROM gate)
           AND ($7::text IS NULL OR EXISTS (SELECT 1 FROM live_portfolio))
         RETURNING credit_balance
       ), created AS (
         INSERT INTO executions (id, tenant_id, user_id, pattern_id, pattern_version, portfolio_id, status, pack_id, ledger_commit_hash,
           asof_date, require_fresh, pack_fresh, inputs, trace_id, request_id, credits, idempotency_key, request_sha256, retry_of)
         SELECT $1::uuid, $3, $4, $5, $6, $7, 'RUNNING'::"ExecutionStatus", $8, $9, $10::date, $11, $12, $13::jsonb, $14, $15, $2::numeric, $16, $17, $19::uuid
         FROM debit
         RETURNING id, created_at
       ), debit_entry AS (
         ${DEBIT_ENTRY}
       ), audit AS (
         ${START_AUDIT}
       ), flush AS (
         -- For this statement's own transaction only (is_local), read when it commits.
         SELECT set_config('synchronous_commit', 'off', true) WHERE $21::boolean
       )
       SELECT (SELECT created_at FROM created) AS created_at, EXISTS (SELECT 1 FROM gate) AS pack_holds,
         EXISTS (SELECT 1 FROM flush) AS flush_deferred`,
      [
        id,
        execution.credits,
        execution.tenantId,
        execution.userId,
        execution.patternId,
        execution.patternVersion,
        execution.portfolioId,
        execution.packId,
        execution.ledgerCommitHash,
        execution.asofDate,
        execution.requireFresh,
        execution.packFresh,
        JSON.stringify(execution.inputs),
        execution.traceId,
        execution.requestId,
        execution.idempotencyKey,
        execution.requestSha256,
        JSON.stringify(changes),
        execution.retryOf,
        execution.pinnedPack,
        options.flush === 'with-finish',
      ],
    );
    if (row.created_at === null) return { refused: row.pack_holds ? 'portfolio-or-balance' : 'pack' };
    const { pinnedPack: _, ...stored } = execution;
    return {
      ...stored,
      id,
      status: 'RUNNING',
      result: null,
      resultSha256: null,
      confidence: 0,
      attributions: [],
      errors: [],
      warnings: [],
      durationMs: null,
      createdAt: new Date(row.created_at),
      finishedAt: null,
    };
  }

  /**
   * Writes a finished run as one statement — its data-modifying parts commit together or not at
   * all, without an interactive transaction: the row (only while it is still RUNNING), every step
   * trace, the refund of a failed run with its credit entry, and the audit entry. The run's warnings
   * go in the row ($21, last so the other placeholders keep their numbers). The result goes
   * in as the canonical text already hashed and is not read back. Returns null, having written
   * nothing, when the row was no longer RUNNING (a shutdown ended it, or an earlier attempt of this
   * same write committed before its answer was lost).
   *
   * One statement instead of Prisma's interactive transaction: the two took ~20 ms of a ~42 ms
   * portfolio_overview run, most of it Prisma's per-statement and per-transaction cost.
   */
  async finish(running: ExecutionRecord, outcome: FinishedExecution, effects: FinishEffects): Promise<ExecutionRecord | null> {
    const finishedAt = new Date();
    const steps = outcome.steps.map((s) => ({
      step_id: s.stepId,
      capability: s.capability,
      agent: s.agent,
      status: s.status,
      attempt: s.attempt,
      started_at: s.startedAt?.toISOString() ?? null,
      finished_at: s.finishedAt?.toISOString() ?? null,
      duration_ms: s.durationMs,
      error: s.error ?? null,
    }));
    const { audit } = effects;
    const [{ finished }] = await this.sql.query<{ finished: number }>(
      `WITH finished AS (
         UPDATE executions
         SET status = $1::"ExecutionStatus", result = $2::json, result_sha256 = $3, confidence = $4,
             attributions = $5::jsonb, errors = $6::jsonb, duration_ms = $7, finished_at = $8, warnings = $21::jsonb
         WHERE id = $9::uuid AND status = 'RUNNING'
         RETURNING id, tenant_id
       ), steps AS (
         INSERT INTO execution_steps (execution_id, step_id, capability, agent, status, attempt, started_at, finished_at, duration_ms, error)
         SELECT f.id, s.step_id, s.capability, s.agent, s.status, s.attempt, s.started_at, s.finished_at, s.duration_ms, s.error
         FROM finished f
         CROSS JOIN jsonb_to_recordset($10::jsonb) AS s(step_id text, capability text, agent text, status text, attempt int,
           started_at timestamptz, finished_at timestamptz, duration_ms float8, error jsonb)
       ), refunded AS (
         UPDATE tenants t SET credit_balance = t.credit_balance + $11::numeric
         FROM finished f WHERE t.id = f.tenant_id AND $11::numeric > 0
         RETURNING t.id AS tenant_id, t.credit_balance, f.id AS execution_id
       ), refund_entry AS (
         ${REFUND_ENTRY}
       ), audit AS (
         ${FINISH_AUDIT}
       )
       SELECT count(*)::int AS finished FROM finished`,
      [
        outcome.status,
        outcome.resultJson,
        outcome.resultSha256,
        outcome.confidence,
        JSON.stringify(outcome.attributions),
        JSON.stringify(outcome.errors),
        outcome.durationMs,
        finishedAt,
        running.id,
        JSON.stringify(steps),
        effects.refund?.amount ?? 0,
        effects.refund?.reason ?? null,
        audit.actorId,
        audit.tenantId,
        audit.action,
        audit.resource,
        JSON.stringify(audit.changes ?? null),
        audit.result,
        audit.traceId,
        audit.requestId,
        JSON.stringify(outcome.warnings),
      ],
    );
    if (finished === 0) return null;
    return {
      ...running,
      status: outcome.status,
      // Parsed from the canonical text, so its keys come out in canonical order.
      result: outcome.resultJson === null ? null : JSON.parse(outcome.resultJson),
      resultSha256: outcome.resultSha256,
      confidence: outcome.confidence,
      attributions: outcome.attributions,
      errors: outcome.errors,
      warnings: outcome.warnings,
      durationMs: outcome.durationMs,
      finishedAt,
      steps: outcome.steps,
    };
  }

  /**
   * Lets a new attempt take the idempotency key of one that failed for the server's reasons: the
   * key is taken off the failed run (which keeps everything else). Safe to race: a second caller
   * releases nothing, and of two new attempts with the key only one can be inserted.
   */
  async releaseIdempotencyKey(failed: { id: string; tenantId: string; idempotencyKey: string }): Promise<void> {
    await this.sql.query(
      `UPDATE executions SET idempotency_key = NULL WHERE id = $1::uuid AND tenant_id = $2 AND idempotency_key = $3 AND status = 'FAILED'`,
      [failed.id, failed.tenantId, failed.idempotencyKey],
    );
  }

  /** Executions still RUNNING that were created before `before`, oldest first. */
  async runningSince(before: Date): Promise<ExecutionRecord[]> {
    const rows = await this.prisma.execution.findMany({
      where: { status: 'RUNNING', createdAt: { lt: before } },
      orderBy: { createdAt: 'asc' },
      take: 1000,
    });
    return rows.map(toExecutionRecord);
  }

  async findByIdempotencyKey(tenantId: string, key: string): Promise<ExecutionRecord | null> {
    const row = await this.prisma.execution.findUnique({ where: { tenantId_idempotencyKey: { tenantId, idempotencyKey: key } } });
    return row ? toExecutionRecord(row) : null;
  }

  /** Another tenant's execution is exactly as absent as one that does not exist. */
  async findForTenant(tenantId: string, id: string): Promise<ExecutionRecord | null> {
    if (!UUID.test(id)) return null;
    const row = await this.prisma.execution.findFirst({ where: { id, tenantId } });
    return row ? toExecutionRecord(row) : null;
  }

  /** One query for many ids (federation batches): the tenant's executions among them, in no order. */
  async findManyForTenant(tenantId: string, ids: readonly string[]): Promise<ExecutionRecord[]> {
    // Execution ids are UUIDs; anything else cannot match and must not reach the uuid column.
    const candidates = ids.filter((id) => UUID.test(id));
    if (candidates.length === 0) return [];
    const rows = await this.prisma.execution.findMany({ where: { tenantId, id: { in: candidates } } });
    return rows.map(toExecutionRecord);
  }

  /** An execution's steps, in the order they were recorded. */
  async steps(executionId: string): Promise<StepRecord[]> {
    return (await this.stepsOf([executionId])).get(executionId) ?? [];
  }

  /** The steps of several executions in one query, by execution id (the caller has authorised the executions). */
  async stepsOf(executionIds: readonly string[]): Promise<Map<string, StepRecord[]>> {
    const rows = await this.prisma.executionStep.findMany({
      where: { executionId: { in: [...executionIds] } },
      orderBy: [{ executionId: 'asc' }, { id: 'asc' }],
    });
    return groupBy(
      rows,
      (r) => r.executionId,
      (r): StepRecord => ({
        stepId: r.stepId,
        capability: r.capability,
        agent: r.agent,
        status: r.status,
        attempt: r.attempt,
        startedAt: r.startedAt,
        finishedAt: r.finishedAt,
        durationMs: r.durationMs,
        error: r.error as StepRecord['error'],
      }),
    );
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
