import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, JSONScalar } from '../scalars';

/** Where a run stands: RUNNING until it ends, then SUCCESS, PARTIAL (an optional step failed) or FAILED. */
export enum ExecutionStatusEnum {
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  PARTIAL = 'PARTIAL',
  FAILED = 'FAILED',
}
registerEnumType(ExecutionStatusEnum, {
  name: 'ExecutionStatus',
  description: 'Where a run stands: RUNNING, then one of SUCCESS, PARTIAL or FAILED.',
  valuesConfig: {
    RUNNING: { description: 'Accepted and not finished yet.' },
    SUCCESS: { description: 'Every step succeeded.' },
    PARTIAL: { description: 'Finished with a result, though an optional step failed.' },
    FAILED: { description: 'No result: a required step failed, or the server could not finish the run; its credits are refunded.' },
  },
});

/** Whether executePattern waits for the run to finish before it answers. */
export enum ExecutionModeEnum {
  SYNC = 'SYNC',
  ASYNC = 'ASYNC',
}
registerEnumType(ExecutionModeEnum, {
  name: 'ExecutionMode',
  description: 'SYNC answers with the finished execution; ASYNC answers at once with status RUNNING (follow executionProgress).',
  valuesConfig: {
    SYNC: { description: 'executePattern answers once the run has finished.' },
    ASYNC: { description: 'executePattern answers at once with status RUNNING; follow executionProgress or query execution(id).' },
  },
});

/** What executePattern is asked to run: the pattern, its inputs, and optionally the pack and ledger commit to pin. */
@InputType({ description: 'A pattern to run, with its inputs, and what to run it on.' })
export class ExecutePatternInput {
  @Field(() => ID, { description: 'The pattern to run, at its current version (e.g. portfolio_overview).' })
  patternId!: string;

  @Field(() => JSONScalar, { description: "Validated against the pattern's inputSchema." })
  inputs!: unknown;

  @Field(() => Boolean, {
    defaultValue: true,
    description: 'false lets a warming pack through; the result says so and its confidence drops.',
  })
  requireFresh!: boolean;

  @Field(() => ID, { nullable: true, description: 'Pin a pack (with ledgerCommit) to reproduce an earlier result.' })
  packId?: string | null;

  @Field(() => String, { nullable: true, description: 'Pin a ledger commit of the portfolio; default its head.' })
  ledgerCommit?: string | null;

  @Field(() => String, {
    nullable: true,
    description:
      '1–255 letters, digits and . _ : -, unique per tenant: the same key with the same request answers with the first run instead of running (and charging) again; with a different request, IDEMPOTENCY_KEY_REUSED.',
  })
  idempotencyKey?: string | null;

  @Field(() => ExecutionModeEnum, { defaultValue: ExecutionModeEnum.SYNC, description: 'Wait for the result (SYNC) or not (ASYNC).' })
  mode!: ExecutionModeEnum;
}

/** The pack, ledger commit and pattern version a run used, with its timing and ids, so it can be reproduced and traced. */
@ObjectType({ description: 'What an execution ran on: enough to reproduce it.' })
export class ExecutionMetadata {
  @Field(() => ID, { description: 'The pricing pack the run valued with; pin it (packId) to reproduce the result.' })
  pricingPackId!: string;

  @Field(() => String, {
    description: 'The ledger commit the run read (pin it as ledgerCommit); empty for a run whose inputs name no portfolio.',
  })
  ledgerCommitHash!: string;

  @Field(() => ID, { description: 'The pattern that ran.' })
  patternId!: string;

  @Field(() => String, { description: 'The version of the pattern that ran.' })
  patternVersion!: string;

  @Field(() => DateScalar, { description: "The pack's as-of date: the date the run values everything as of." })
  asofDate!: string;

  @Field(() => Float, { description: 'Wall time of the run; 0 while RUNNING.' })
  durationMs!: number;

  @Field(() => DateTimeScalar, { description: 'When the execution was accepted.' })
  timestamp!: Date;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the run ended; null while RUNNING.' })
  finishedAt!: Date | null;

  @Field(() => String, { description: 'The trace id of the request that started the run (OpenTelemetry; also in logs).' })
  traceId!: string;

  @Field(() => String, { description: 'The id of the request that started the run (also in logs and audit entries).' })
  requestId!: string;

  @Field(() => Boolean, { description: 'false when it ran on a pack that was not fresh (requireFresh: false).' })
  packFresh!: boolean;
}

/** How one step of a run went: its capability and agent, its outcome, attempts, timing and error if any. */
@ObjectType('StepTrace', { description: 'How one step of an execution ran.' })
export class StepTraceType {
  @Field(() => String, { description: "The step's id within its pattern." })
  stepId!: string;

  @Field(() => String, { description: 'The capability the step called, e.g. ledger.positions.' })
  capability!: string;

  @Field(() => String, { nullable: true, description: 'The agent that serves the capability; null when none does.' })
  agent!: string | null;

  @Field(() => String, { description: 'SUCCESS, FAILED or SKIPPED (not run because an upstream step failed).' })
  status!: string;

  @Field(() => Int, { description: 'Attempts made: 1 unless the step was retried; 0 when it never started.' })
  attempt!: number;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the step started; null when it never did.' })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When its last attempt ended; null while it runs or when it never started.' })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true, description: 'Wall time over all its attempts, in milliseconds; null until it has finished.' })
  durationMs!: number | null;

  @Field(() => String, { nullable: true, description: 'Why it failed or was skipped (e.g. UPSTREAM_FAILED); null for a success.' })
  errorCode!: string | null;

  @Field(() => String, { nullable: true, description: 'The failure, in words; null for a success.' })
  errorMessage!: string | null;
}

/** The attribution of one data source a result used, as its rights require it to be shown. */
@ObjectType({ description: 'A data source the result used, with the attribution its rights require.' })
export class Attribution {
  @Field(() => String, { description: 'The data source, as the rights registry names it (e.g. FMP).' })
  source!: string;

  @Field(() => String, { nullable: true, description: 'The attribution to show with the result; null when the source asks for none.' })
  text!: string | null;

  @Field(() => Boolean, { description: 'Whether the rights registry requires the attribution to be shown.' })
  required!: boolean;

  @Field(() => DateScalar, { description: "The date of the newest of this source's data the result used (at least the run's as-of date)." })
  asOf!: string;
}

/** A failure in a run, by step when one step caused it, and whether running again may succeed. */
@ObjectType({ description: 'Why a step, or the run as a whole, failed.' })
export class ExecutionError {
  @Field(() => String, { nullable: true, description: 'The step that failed; null when the run as a whole failed (e.g. SHUTDOWN).' })
  stepId!: string | null;

  @Field(() => String, { description: 'Machine-readable reason, e.g. STEP_FAILED, UPSTREAM_FAILED, SHUTDOWN, RUN_LOST.' })
  code!: string;

  @Field(() => String, { description: 'The failure, in words.' })
  message!: string;

  @Field(() => Boolean, { description: 'Whether running again may succeed: a passing fault, not one of the inputs or data.' })
  retryable!: boolean;
}

/** Something a step reported without failing: the run went on, with lower confidence (and PARTIAL when data was left out). */
@ObjectType({
  description:
    'A problem a step met without failing (a missing price, a carried-forward close). A warning that leaves part of the result out (an unvalued holding) makes the run PARTIAL.',
})
export class ExecutionWarning {
  @Field(() => String, {
    description:
      'Machine-readable reason: PRICE_MISSING, FX_RATE_MISSING, TRADE_DATE_FX_APPROXIMATED, PRICE_CARRIED_FORWARD, MWR_UNDEFINED.',
  })
  code!: string;

  @Field(() => String, { description: 'The problem, in words.' })
  message!: string;

  @Field(() => String, { nullable: true, description: 'The security it concerns; null when it concerns none.' })
  symbol!: string | null;

  @Field(() => String, { nullable: true, description: "The pattern step that reported it (the step's id)." })
  stepId!: string | null;
}

/**
 * Like Portfolio's: a run is tenant data, and one another subgraph references that is not the
 * caller's resolves to null in `_entities`; a router then completes the fields it asked freshgate
 * for with null, which non-null fields would turn into an internal error. freshgate's own queries
 * always fill them.
 */
const REFUSED = 'Null only when a router reached, through another subgraph, a run the caller may not see.';

/** A run of a pattern as the API shows it, and a federation entity by id, so other subgraphs can refer to a run. */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'One run of a pattern: its result, what it ran on, and how each step went.' })
export class PatternExecution {
  @Field(() => ID, { description: "The execution's id (a UUID)." })
  id!: string;

  @Field(() => ExecutionStatusEnum, { nullable: true, description: `RUNNING, then SUCCESS, PARTIAL or FAILED. ${REFUSED}` })
  status!: ExecutionStatusEnum;

  @Field(() => JSONScalar, {
    nullable: true,
    description:
      "The pattern's output as canonical JSON (sorted keys, numbers rounded to 8 decimals); null while RUNNING and for a FAILED run.",
  })
  result!: unknown;

  @Field(() => String, {
    nullable: true,
    description:
      'sha256:<hex> of the canonical result: equal for the same pack, ledger, pattern and inputs; null while RUNNING and for a FAILED run.',
  })
  resultSha256!: string | null;

  @Field(() => Float, { nullable: true, description: `0..1, lowered by warnings, partial steps and an unfresh pack. ${REFUSED}` })
  confidence!: number;

  @Field(() => [Attribution], { nullable: true, description: `Every source the result used, with its attribution. ${REFUSED}` })
  attributions!: Attribution[];

  @Field(() => [ExecutionError], { nullable: true, description: `What failed, by step (empty for a SUCCESS). ${REFUSED}` })
  errors!: ExecutionError[];

  // DESIGN.md §4b spells it [ExecutionWarning!]!; nullable like errors, for routers (see REFUSED).
  @Field(() => [ExecutionWarning], {
    nullable: true,
    description: `What the steps reported without failing, in step order; empty while RUNNING and when there is nothing to report. Not part of resultSha256 (a rerun reports the same warnings). ${REFUSED}`,
  })
  warnings!: ExecutionWarning[];

  @Field(() => Float, { nullable: true, description: `Credits debited for the run (refunded for a FAILED one). ${REFUSED}` })
  creditsConsumed!: number;

  @Field(() => JSONScalar, { nullable: true, description: `The validated inputs (defaults applied). ${REFUSED}` })
  inputs!: unknown;

  @Field(() => ID, {
    nullable: true,
    description:
      'The earlier attempt this run retries: the same idempotency key, after a run the server failed to process (SHUTDOWN, RUN_LOST, RESULT_NOT_STORED).',
  })
  retryOf!: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: `When the run started. ${REFUSED}` })
  createdAt!: Date;
}

/** One event of the executionProgress subscription: how far a run has got, step by step, until its final event. */
@ObjectType({ description: 'A step started or finished; the final event carries the execution status.' })
export class ExecutionProgress {
  @Field(() => ID, { description: 'The execution.' })
  executionId!: string;

  @Field(() => String, { nullable: true, description: 'The step that started or finished; null on the final event.' })
  stepId!: string | null;

  @Field(() => String, { nullable: true, description: 'RUNNING when the step starts, then SUCCESS, FAILED or SKIPPED.' })
  stepStatus!: string | null;

  @Field(() => Int, { description: 'Steps settled (succeeded, failed or skipped) so far.' })
  done!: number;

  @Field(() => Int, { description: 'Steps in the pattern.' })
  total!: number;

  @Field(() => ExecutionStatusEnum, { description: "The execution's status: RUNNING until the final event." })
  status!: ExecutionStatusEnum;

  @Field(() => Boolean, { description: 'True on the last event, after which the stream completes.' })
  final!: boolean;
}
