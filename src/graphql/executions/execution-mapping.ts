import type { ExecutionRecord, StepRecord } from '../../data/executions/execution-repository';
import type { ExecutionProgressEvent } from '../../execution/execution-events';
import {
  type ExecutionStatusEnum,
  type ExecutionMetadata,
  type ExecutionProgress,
  type PatternExecution,
  type StepTraceType,
} from './execution-types';

/** The stored record travels as the GraphQL object; field resolvers read what they need from it. */
export type ExecutionNode = PatternExecution & { record: ExecutionRecord };

/** A stored run as the GraphQL PatternExecution, carrying its record for the field resolvers. */
export function toExecution(record: ExecutionRecord): ExecutionNode {
  return {
    id: record.id,
    status: record.status as ExecutionStatusEnum,
    result: record.result,
    resultSha256: record.resultSha256,
    confidence: record.confidence,
    attributions: record.attributions,
    errors: record.errors,
    warnings: record.warnings ?? [],
    creditsConsumed: record.credits,
    inputs: record.inputs,
    retryOf: record.retryOf,
    createdAt: record.createdAt,
    record,
  };
}

/** A run's metadata: what it ran on (pack, ledger commit, pattern version) and when, to reproduce and trace it. */
export function toMetadata(record: ExecutionRecord): ExecutionMetadata {
  return {
    pricingPackId: record.packId,
    ledgerCommitHash: record.ledgerCommitHash ?? '',
    patternId: record.patternId,
    patternVersion: record.patternVersion,
    asofDate: record.asofDate,
    durationMs: record.durationMs ?? 0,
    timestamp: record.createdAt,
    finishedAt: record.finishedAt,
    traceId: record.traceId,
    requestId: record.requestId,
    packFresh: record.packFresh,
  };
}

/** One stored step of a run as the GraphQL StepTrace. */
export function toStepTrace(step: StepRecord): StepTraceType {
  return {
    stepId: step.stepId,
    capability: step.capability,
    agent: step.agent,
    status: step.status,
    attempt: step.attempt,
    startedAt: step.startedAt,
    finishedAt: step.finishedAt,
    durationMs: step.durationMs,
    errorCode: step.error?.code ?? null,
    errorMessage: step.error?.message ?? null,
  };
}

/** A run's progress event (a step finished, or the run did) as the GraphQL ExecutionProgress. */
export function toProgress(event: ExecutionProgressEvent): ExecutionProgress {
  return { ...event, status: event.executionStatus as ExecutionStatusEnum };
}
