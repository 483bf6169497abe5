import {
  Arg,
  Ctx,
  FieldResolver,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  UseMiddleware,
  type SubscribeResolverData,
} from 'type-graphql';
import type { ExecutionProgressEvent } from '../../execution/execution-events';
import { AppError, unauthenticated } from '../../shared/errors';
import { tenantOf, type GraphQLContext } from '../context';
import { ErrorBoundary, toGraphQLError } from '../errors';
import { loadersOf } from '../loaders/request-loaders';
import { toPattern, toPatternVersion } from '../patterns/pattern-mapping';
import { Pattern, PatternVersion } from '../patterns/pattern-types';
import { toExecution, toMetadata, toProgress, toStepTrace, type ExecutionNode } from './execution-mapping';
import { ExecutePatternInput, ExecutionMetadata, ExecutionProgress, PatternExecution, StepTraceType } from './execution-types';

const notFound = (id: string) => new AppError('NOT_FOUND', `No execution ${id}`, { executionId: id });

/**
 * Running patterns and following their runs: executePattern, an execution by id, its progress stream, and the
 * fields of an execution that are loaded on demand (its pattern, pattern version, metadata and steps).
 */
@Resolver(() => PatternExecution)
@UseMiddleware(ErrorBoundary)
export class ExecutionResolver {
  @Mutation(() => PatternExecution, {
    nullable: true,
    description:
      'Runs a pattern on the latest pricing pack (or a pinned one), only while it is fresh unless requireFresh is false, and debits its cost in credits. Roles: analyst, admin.',
  })
  async executePattern(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => ExecutePatternInput, { description: 'What to run, on what, and how.' }) input: ExecutePatternInput,
  ): Promise<ExecutionNode> {
    if (!context.viewer) throw unauthenticated();
    const record = await context.services.executePattern.execute({
      userId: context.viewer.userId,
      tenantId: context.viewer.tenantId,
      patternId: input.patternId,
      inputs: input.inputs,
      requireFresh: input.requireFresh,
      packId: input.packId,
      ledgerCommit: input.ledgerCommit,
      mode: input.mode,
      idempotencyKey: input.idempotencyKey,
      traceId: context.traceId,
      requestId: context.requestId,
      traceContext: context.otelContext,
    });
    return toExecution(record);
  }

  @Query(() => PatternExecution, { nullable: true, description: "Null for an unknown id or another tenant's execution alike." })
  async execution(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, { description: "The execution's id." }) id: string,
  ): Promise<ExecutionNode | null> {
    const record = await context.services.executions.findForTenant(tenantOf(context), id);
    return record ? toExecution(record) : null;
  }

  @Subscription(() => ExecutionProgress, {
    description:
      "One event per step start and finish, then a final event with the execution's status. An ASYNC run's events replay for 5 minutes after it ends; otherwise a finished execution sends its final event at once.",
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { executionId: string }, GraphQLContext>) =>
      subscribeToProgress(context, args.executionId),
  })
  executionProgress(
    @Root() event: ExecutionProgressEvent,
    @Arg('executionId', () => ID, { description: "An execution of the caller's tenant (NOT_FOUND otherwise)." }) _executionId: string,
  ): ExecutionProgress {
    return toProgress(event);
  }

  @FieldResolver(() => Pattern, {
    nullable: true,
    description:
      'The pattern, at its current version (the same object `pattern(id)` gives); what this execution ran is `patternVersion`. Null only for a run the caller may not see, reached through a router.',
  })
  async pattern(@Root() execution: ExecutionNode, @Ctx() context: GraphQLContext): Promise<Pattern> {
    const { patternId, patternVersion } = execution.record;
    const pattern =
      (await context.services.patterns.currentVersion(patternId)) ?? (await loadersOf(context).patternVersion(patternId, patternVersion));
    if (!pattern) throw new Error(`pattern ${execution.record.patternId} is missing`);
    return toPattern(pattern);
  }

  @FieldResolver(() => PatternVersion, {
    nullable: true,
    description:
      'The pattern version this execution ran, whatever has been published since. Null only for a run the caller may not see, reached through a router.',
  })
  async patternVersion(@Root() execution: ExecutionNode, @Ctx() context: GraphQLContext): Promise<PatternVersion> {
    const pattern = await loadersOf(context).patternVersion(execution.record.patternId, execution.record.patternVersion);
    if (!pattern) throw new Error(`pattern ${execution.record.patternId}@${execution.record.patternVersion} is missing`);
    return toPatternVersion(pattern);
  }

  @FieldResolver(() => ExecutionMetadata, {
    nullable: true,
    description: 'What the run ran on. Null only for a run the caller may not see, reached through a router.',
  })
  metadata(@Root() execution: ExecutionNode): ExecutionMetadata {
    return toMetadata(execution.record);
  }

  @FieldResolver(() => [StepTraceType], {
    nullable: true,
    description: 'Each step, as it ran. Null only for a run the caller may not see, reached through a router.',
  })
  async steps(@Root() execution: ExecutionNode, @Ctx() context: GraphQLContext): Promise<StepTraceType[]> {
    // A run this request just finished knows its steps; any other is read (batched).
    return (execution.record.steps ?? (await loadersOf(context).executionSteps(execution.id))).map(toStepTrace);
  }
}

/**
 * Access is decided here, when the subscription starts (shield only guards resolve): the
 * caller must be signed in and the execution must be their tenant's — otherwise it is as
 * absent as an unknown id.
 */
async function subscribeToProgress(context: GraphQLContext, executionId: string): Promise<AsyncIterable<ExecutionProgressEvent>> {
  try {
    const tenantId = tenantOf(context);
    const { executionEvents, executions } = context.services;
    // Known here: authorised from memory, so the stream starts before the next step event.
    const runningFor = executionEvents.tenantOfKnown(executionId);
    if (runningFor !== undefined ? runningFor !== tenantId : !(await executions.findForTenant(tenantId, executionId))) {
      throw notFound(executionId);
    }
    return executionEvents.stream(executionId, async () => {
      const current = await context.services.executions.findForTenant(tenantId, executionId);
      if (!current || current.status === 'RUNNING') return null;
      const total = (await context.services.executions.steps(executionId)).length;
      return { executionId, stepId: null, stepStatus: null, done: total, total, executionStatus: current.status, final: true };
    });
  } catch (error) {
    throw toGraphQLError(error, context);
  }
}
