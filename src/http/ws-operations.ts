import { getOperationAST, type ExecutionArgs, type GraphQLError, type GraphQLFormattedError } from 'graphql';
import type { SubscribePayload } from 'graphql-ws';
import type { App } from '../app';
import { graphQLErrorOf } from '../graphql/errors';
import type { OperationChecker } from '../graphql/operation-limits';
import type { DeliveringContext } from '../graphql/shared-subscriptions';
import { rateLimited } from '../ratelimit/rate-limited-error';
import type { RequestLimiter } from '../ratelimit/request-limiter';
import { AppError, type ErrorCode } from '../shared/errors';
import { contextFor, requestIdentity } from './request-context';
import type { Session, WsSessions } from './ws-sessions';

/** What the ws path shares with HTTP: the rate limiter, the operation checks and the error formatter. */
export interface WebSocketOptions {
  limiter: RequestLimiter;
  /** Parse and validation with Apollo's limits, which graphql-ws would otherwise do without. */
  operations: OperationChecker;
  /** What every error sent to a client goes through last, as on HTTP. */
  formatError(formatted: GraphQLFormattedError, error?: unknown): GraphQLFormattedError;
}

/** What startOperation needs: those, the app, and the sessions it counts subscriptions in. */
export interface OperationDeps extends WebSocketOptions {
  app: App;
  sessions: WsSessions;
}

/**
 * graphql-ws's `onSubscribe`: what Apollo does on HTTP before executing — the subscription caps,
 * the rate limit, parse and validation with the operation limits, variable coercion — then the
 * operation's execution arguments, or the errors that answer this operation only.
 */
export async function startOperation(
  deps: OperationDeps,
  ctx: Session,
  id: string,
  payload: SubscribePayload,
): Promise<ExecutionArgs | readonly GraphQLError[]> {
  const { app, operations } = deps;
  const capped = subscriptionCapRefusal(deps, ctx);
  if (capped) return [capped];
  const verdict = await deps.limiter.consume({ viewer: ctx.extra.viewer, address: ctx.extra.request.socket.remoteAddress });
  if (!verdict.allowed) return [graphQLErrorOf(rateLimited(verdict))];
  const checked = operations.check(payload.query);
  if ('errors' in checked) return checked.errors;
  const operation = getOperationAST(checked.document, payload.operationName);
  if (!operation) return [refusal('BAD_REQUEST', 'The document must name one operation to run')];
  // Mutations debit credits, write audit entries and take idempotency keys: HTTP only.
  if (operation.operation === 'mutation') return [refusal('BAD_REQUEST', 'Mutations are accepted over HTTP only')];
  const variableErrors = operations.variableErrors(operation, payload.variables);
  if (variableErrors) return variableErrors;
  const contextValue: DeliveringContext = {
    ...contextFor(app, ctx.extra.viewer, requestIdentity()),
    delivery: { id, send: ctx.extra.deliver },
  };
  return {
    schema: app.schema,
    document: checked.document,
    operationName: payload.operationName,
    variableValues: payload.variables ?? undefined,
    contextValue,
  };
}

/**
 * graphql-ws has already registered this id when onSubscribe runs: it counts itself. A router's
 * connection carries many end users: it is held to the router's cap, and each signed-in user,
 * on whatever connection, to theirs.
 */
function subscriptionCapRefusal({ app, sessions }: OperationDeps, ctx: Session): GraphQLError | undefined {
  const { limits } = app.config;
  const perConnection = ctx.extra.viaRouter ? limits.wsMaxSubscriptionsPerRouterConnection : limits.wsMaxSubscriptionsPerConnection;
  if (perConnection > 0 && Object.keys(ctx.subscriptions).length > perConnection) {
    return refusal('TOO_MANY_SUBSCRIPTIONS', `At most ${perConnection} operations at once on one connection`);
  }
  const viewer = ctx.extra.viewer;
  if (viewer && limits.wsMaxSubscriptionsPerUser > 0 && sessions.subscriptionsOf(viewer.userId) > limits.wsMaxSubscriptionsPerUser) {
    return refusal('TOO_MANY_SUBSCRIPTIONS', `At most ${limits.wsMaxSubscriptionsPerUser} operations at once per user`);
  }
  return undefined;
}

function refusal(code: ErrorCode, message: string): GraphQLError {
  return graphQLErrorOf(new AppError(code, message));
}
