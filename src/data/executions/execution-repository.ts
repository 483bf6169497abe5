import { AppError } from '../../shared/errors';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';
import { fromDbDate, toDbDate } from '../../shared/dates';

export type ExecutionStatusName = 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED';

export interface AttributionRecord {
  source: string;
  text: string | null;
  required: boolean;
  asOf: string;
}

export interface ExecutionErrorRecord {
  stepId: string | null;
  code: string;
  message: string;
  retryable: boolean;
}

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
  durationMs: number | null;
  traceId: string;
  requestId: string;
  credits: number;
  idempotencyKey: string | null;
  requestSha256: string | null;
  createdAt: Date;
  finishedAt: Date | null;
}

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
}

export interface FinishedExecution {
  status: Exclude<ExecutionStatusName, 'RUNNING'>;
  /** The result as the canonical JSON text that was hashed (null without a result). */
  resultJson: string | null;
  resultSha256: string | null;
  confidence: number;
  attributions: AttributionRecord[];
  errors: ExecutionErrorRecord[];
  durationMs: number;
  steps: StepRecord[];
}

type Client = PrismaClient | Prisma.TransactionClient;

type Row = Awaited<ReturnType<PrismaClient['execution']['findUniqueOrThrow']>>;

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
    durationMs: row.durationMs,
    traceId: row.traceId,
    requestId: row.requestId,
    credits: row.credits.toNumber(),
    idempotencyKey: row.idempotencyKey,
    requestSha256: row.requestSha256,
    createdAt: row.createdAt,
    finishedAt: row.finishedAt,
  };
}

const json = (value: unknown) => (value === null || value === undefined ? Prisma.JsonNull : (value as Prisma.InputJsonValue));

export class ExecutionRepository {
  constructor(private readonly prisma: PrismaClient) {}

  /** Within the caller's transaction (the debit and the audit entry commit with it). */
  async create(tx: Client, execution: NewExecution): Promise<ExecutionRecord> {
    const row = await tx.execution.create({
      data: { ...execution, asofDate: toDbDate(execution.asofDate), status: 'RUNNING', inputs: json(execution.inputs) },
    });
    return toExecutionRecord(row);
  }

  /**
   * The outcome and every step trace, in the caller's transaction: never a finished run without
   * its steps. The row is written with one plain UPDATE taking the result as the canonical text
   * already hashed, and not read back: Prisma serialising a result of tens of kilobytes as a
   * Json value, then decoding it again, took several times longer than PostgreSQL storing it.
   */
  async finish(tx: Client, running: ExecutionRecord, outcome: FinishedExecution): Promise<ExecutionRecord> {
    await tx.executionStep.createMany({ data: outcome.steps.map((s) => ({ executionId: running.id, ...s, error: json(s.error) })) });
    const finishedAt = new Date();
    const updated = await tx.$executeRaw`
      UPDATE executions
      SET status = ${outcome.status}::"ExecutionStatus", result = ${outcome.resultJson}::jsonb, result_sha256 = ${outcome.resultSha256},
          confidence = ${outcome.confidence}, attributions = ${JSON.stringify(outcome.attributions)}::jsonb,
          errors = ${JSON.stringify(outcome.errors)}::jsonb, duration_ms = ${outcome.durationMs}, finished_at = ${finishedAt}
      WHERE id = ${running.id}::uuid AND status = 'RUNNING'`;
    if (updated === 0) {
      // Shutdown marked it FAILED and refunded it first: this finish must change nothing.
      throw new AppError('CONFLICT', `Execution ${running.id} was ended by a shutdown before it finished`, { executionId: running.id });
    }
    return {
      ...running,
      status: outcome.status,
      // Parsed from the canonical text, so its keys come out in canonical order.
      result: outcome.resultJson === null ? null : JSON.parse(outcome.resultJson),
      resultSha256: outcome.resultSha256,
      confidence: outcome.confidence,
      attributions: outcome.attributions,
      errors: outcome.errors,
      durationMs: outcome.durationMs,
      finishedAt,
    };
  }

  /** Executions still RUNNING that were created before `before`, oldest first. */
  async runningSince(before: Date): Promise<ExecutionRecord[]> {
    const rows = await this.prisma.execution.findMany({ where: { status: 'RUNNING', createdAt: { lt: before } }, orderBy: { createdAt: 'asc' }, take: 1000 });
    return rows.map(toExecutionRecord);
  }

  /** Marks a still-RUNNING execution FAILED with these errors; false when it was no longer running. */
  async abandon(tx: Client, id: string, errors: ExecutionErrorRecord[]): Promise<boolean> {
    const updated = await tx.$executeRaw`
      UPDATE executions SET status = 'FAILED'::"ExecutionStatus", errors = ${JSON.stringify(errors)}::jsonb, finished_at = now()
      WHERE id = ${id}::uuid AND status = 'RUNNING'`;
    return updated > 0;
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

  async steps(executionId: string): Promise<StepRecord[]> {
    const rows = await this.prisma.executionStep.findMany({ where: { executionId }, orderBy: { id: 'asc' } });
    return rows.map((r) => ({
      stepId: r.stepId,
      capability: r.capability,
      agent: r.agent,
      status: r.status,
      attempt: r.attempt,
      startedAt: r.startedAt,
      finishedAt: r.finishedAt,
      durationMs: r.durationMs,
      error: r.error as StepRecord['error'],
    }));
  }
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
