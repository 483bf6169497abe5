import { Directive, Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar, JSONScalar } from '../scalars';

/** Where a run stands: RUNNING until it ends, then SUCCESS, PARTIAL (an optional step failed) or FAILED. */
export enum ExecutionStatusEnum {
  RUNNING = 'RUNNING',
  SUCCESS = 'SUCCESS',
  PARTIAL = 'PARTIAL',
  FAILED = 'FAILED',
}
registerEnumType(ExecutionStatusEnum, { name: 'ExecutionStatus' });

/** Whether executePattern waits for the run to finish before it answers. */
export enum ExecutionModeEnum {
  SYNC = 'SYNC',
  ASYNC = 'ASYNC',
}
registerEnumType(ExecutionModeEnum, {
  name: 'ExecutionMode',
  description: 'SYNC answers with the finished execution; ASYNC answers at once with status RUNNING (follow executionProgress).',
});

/** What executePattern is asked to run: the pattern, its inputs, and optionally the pack and ledger commit to pin. */
@InputType()
export class ExecutePatternInput {
  @Field(() => ID)
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

  @Field(() => String, { nullable: true })
  idempotencyKey?: string | null;

  @Field(() => ExecutionModeEnum, { defaultValue: ExecutionModeEnum.SYNC })
  mode!: ExecutionModeEnum;
}

/** The pack, ledger commit and pattern version a run used, with its timing and ids, so it can be reproduced and traced. */
@ObjectType({ description: 'What an execution ran on: enough to reproduce it.' })
export class ExecutionMetadata {
  @Field(() => ID)
  pricingPackId!: string;

  @Field(() => String)
  ledgerCommitHash!: string;

  @Field(() => ID)
  patternId!: string;

  @Field(() => String)
  patternVersion!: string;

  @Field(() => DateScalar)
  asofDate!: string;

  @Field(() => Float, { description: 'Wall time of the run; 0 while RUNNING.' })
  durationMs!: number;

  @Field(() => DateTimeScalar, { description: 'When the execution was accepted.' })
  timestamp!: Date;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => String)
  traceId!: string;

  @Field(() => String)
  requestId!: string;

  @Field(() => Boolean, { description: 'false when it ran on a pack that was not fresh (requireFresh: false).' })
  packFresh!: boolean;
}

/** How one step of a run went: its capability and agent, its outcome, attempts, timing and error if any. */
@ObjectType('StepTrace')
export class StepTraceType {
  @Field(() => String)
  stepId!: string;

  @Field(() => String)
  capability!: string;

  @Field(() => String, { nullable: true })
  agent!: string | null;

  @Field(() => String, { description: 'SUCCESS, FAILED or SKIPPED (not run because an upstream step failed).' })
  status!: string;

  @Field(() => Int)
  attempt!: number;

  @Field(() => DateTimeScalar, { nullable: true })
  startedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true })
  finishedAt!: Date | null;

  @Field(() => Float, { nullable: true })
  durationMs!: number | null;

  @Field(() => String, { nullable: true })
  errorCode!: string | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;
}

/** The attribution of one data source a result used, as its rights require it to be shown. */
@ObjectType({ description: 'A data source the result used, with the attribution its rights require.' })
export class Attribution {
  @Field(() => String)
  source!: string;

  @Field(() => String, { nullable: true })
  text!: string | null;

  @Field(() => Boolean)
  required!: boolean;

  @Field(() => DateScalar)
  asOf!: string;
}

/** A failure in a run, by step when one step caused it, and whether running again may succeed. */
@ObjectType()
export class ExecutionError {
  @Field(() => String, { nullable: true })
  stepId!: string | null;

  @Field(() => String)
  code!: string;

  @Field(() => String)
  message!: string;

  @Field(() => Boolean)
  retryable!: boolean;
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
  @Field(() => ID)
  id!: string;

  @Field(() => ExecutionStatusEnum, { nullable: true, description: `RUNNING, then SUCCESS, PARTIAL or FAILED. ${REFUSED}` })
  status!: ExecutionStatusEnum;

  @Field(() => JSONScalar, { nullable: true, description: 'Canonical JSON (sorted keys, numbers rounded to 8 decimals).' })
  result!: unknown;

  @Field(() => String, {
    nullable: true,
    description: 'sha256 of the canonical result: equal for the same pack, ledger, pattern and inputs.',
  })
  resultSha256!: string | null;

  @Field(() => Float, { nullable: true, description: `0..1, lowered by warnings, partial steps and an unfresh pack. ${REFUSED}` })
  confidence!: number;

  @Field(() => [Attribution], { nullable: true, description: `Every source the result used, with its attribution. ${REFUSED}` })
  attributions!: Attribution[];

  @Field(() => [ExecutionError], { nullable: true, description: `What failed, by step (empty for a SUCCESS). ${REFUSED}` })
  errors!: ExecutionError[];

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
  @Field(() => ID)
  executionId!: string;

  @Field(() => String, { nullable: true })
  stepId!: string | null;

  @Field(() => String, { nullable: true, description: 'RUNNING when the step starts, then SUCCESS, FAILED or SKIPPED.' })
  stepStatus!: string | null;

  @Field(() => Int)
  done!: number;

  @Field(() => Int)
  total!: number;

  @Field(() => ExecutionStatusEnum)
  status!: ExecutionStatusEnum;

  @Field(() => Boolean)
  final!: boolean;
}
