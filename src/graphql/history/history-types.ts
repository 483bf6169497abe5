import { ArgsType, Field, ID, InputType, Int, ObjectType } from 'type-graphql';
import { ExecutionStatusEnum, PatternExecution } from '../executions/execution-types';
import { connectionTypes } from '../relay';
import { DateTimeScalar, JSONScalar } from '../scalars';

/** Narrows the executions query by status, pattern, portfolio and creation time. */
@InputType({ description: 'Every given condition must hold. from is inclusive, to exclusive (both on createdAt).' })
export class ExecutionFilter {
  @Field(() => [ExecutionStatusEnum], { nullable: true, description: 'Any of these statuses; an empty list matches nothing.' })
  status?: ExecutionStatusEnum[] | null;

  @Field(() => ID, { nullable: true, description: 'Runs of this pattern (any version).' })
  patternId?: string | null;

  @Field(() => ID, { nullable: true, description: 'Runs on this portfolio.' })
  portfolioId?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Created before this instant.' })
  to?: Date | null;
}

/** filter, first, after — declared in one class so the SDL keeps this argument order. */
@ArgsType()
export class ExecutionsArgs {
  @Field(() => ExecutionFilter, { nullable: true, description: 'Only the executions that match it; omit for all.' })
  filter?: ExecutionFilter | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 0–100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** The Relay connection of executions the executions query pages through. */
export const PatternExecutionConnection = connectionTypes(PatternExecution, 'PatternExecution');

/** An audit log entry as the auditLog query shows it: who did what to what, when, and with what outcome. */
@ObjectType({ description: 'One entry of the append-only audit log.' })
export class AuditEntry {
  @Field(() => ID, { description: "The entry's sequence number, as a decimal string." })
  id!: string;

  @Field(() => DateTimeScalar, { description: 'When it was written.' })
  occurredAt!: Date;

  @Field(() => String, { nullable: true, description: 'The user who acted; null for a change made without one (e.g. by an internal job).' })
  actorId!: string | null;

  @Field(() => String, { nullable: true, description: "The tenant it concerns: always the caller's here." })
  tenantId!: string | null;

  @Field(() => String, {
    description: 'What was done or attempted, e.g. execution.start, execution.finish, ledger.append, credits.grant, rights.violation.',
  })
  action!: string;

  @Field(() => String, {
    nullable: true,
    description: 'What it was done to, as kind:id, e.g. execution:<id>, pack:PP_2026-11-20, portfolio:pf-demo-growth.',
  })
  resource!: string | null;

  @Field(() => JSONScalar, { nullable: true, description: 'The details, as JSON; their shape depends on action.' })
  changes!: unknown;

  @Field(() => String, { description: 'The outcome: OK, DENIED, BLOCKED, FAILED …' })
  result!: string;

  @Field(() => String, { nullable: true, description: 'The trace id of the request that caused it; null when no request did.' })
  traceId!: string | null;

  @Field(() => String, { nullable: true, description: 'The id of the request that caused it; null when no request did.' })
  requestId!: string | null;
}

/** Narrows the auditLog query by action, actor, resource, result and time. */
@InputType('AuditFilter', { description: 'Exact matches on the given fields. from is inclusive, to exclusive (both on occurredAt).' })
export class AuditFilterType {
  @Field(() => String, { nullable: true, description: 'This action exactly, e.g. credits.grant.' })
  action?: string | null;

  @Field(() => String, { nullable: true, description: "This actor's user id." })
  actorId?: string | null;

  @Field(() => String, { nullable: true, description: 'This resource exactly, e.g. execution:<id>.' })
  resource?: string | null;

  @Field(() => String, { nullable: true, description: 'This outcome, e.g. DENIED.' })
  result?: string | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Occurred at or after this instant.' })
  from?: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'Occurred before this instant.' })
  to?: Date | null;
}

/** filter, first, after — declared in one class so the SDL keeps this argument order. */
@ArgsType()
export class AuditLogArgs {
  @Field(() => AuditFilterType, { nullable: true, description: 'Only the entries that match it; omit for all.' })
  filter?: AuditFilterType | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 0–100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}

/** The Relay connection of audit entries the auditLog query pages through. */
export const AuditEntryConnection = connectionTypes(AuditEntry, 'AuditEntry');
