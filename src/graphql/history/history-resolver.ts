import { Args, Ctx, Query, Resolver, UseMiddleware } from 'type-graphql';
import { hasAnyRole } from '../../auth/roles';
import type { AuditQuery } from '../../data/audit/audit-query';
import type { ExecutionHistory } from '../../data/executions/execution-history';
import { forbidden } from '../../shared/errors';
import { tenantOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { toExecution } from '../executions/execution-mapping';
import { toConnection } from '../relay';
import { AuditEntryConnection, AuditLogArgs, ExecutionsArgs, PatternExecutionConnection } from './history-types';

/** The read models these resolvers need from Services (createServices builds them once per process). */
export interface HistoryServices {
  executionHistory: ExecutionHistory;
  auditQuery: AuditQuery;
}

type HistoryContext = GraphQLContext & { services: HistoryServices };

/** The executions query: a tenant's run history, paged and filtered. */
@Resolver()
@UseMiddleware(ErrorBoundary)
export class ExecutionHistoryResolver {
  @Query(() => PatternExecutionConnection, {
    description: "The caller's tenant's executions, newest first; cursors stay stable while new runs arrive.",
  })
  async executions(@Ctx() context: HistoryContext, @Args(() => ExecutionsArgs) { filter, first, after }: ExecutionsArgs) {
    const page = await context.services.executionHistory.list(tenantOf(context), filter, { first, after });
    return toConnection({ ...page, items: page.items.map((e) => ({ cursor: e.cursor, node: toExecution(e.node) })) });
  }
}

/** The auditLog query: a tenant's audit entries for its admins, paged and filtered. */
@Resolver()
@UseMiddleware(ErrorBoundary)
export class AuditLogResolver {
  @Query(() => AuditEntryConnection, {
    description: "The caller's tenant's audit log, newest first. Roles: admin.",
  })
  async auditLog(@Ctx() context: HistoryContext, @Args(() => AuditLogArgs) { filter, first, after }: AuditLogArgs) {
    const tenantId = tenantOf(context);
    // The shield rule decides first; this keeps the use-case closed even without it.
    if (!hasAnyRole(context.viewer, ['admin'])) throw forbidden('Not allowed: needs one of the roles admin');
    return toConnection(await context.services.auditQuery.list(tenantId, filter, { first, after }));
  }
}
