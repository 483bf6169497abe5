import type { ApolloServerPlugin } from '@apollo/server';
import { performance } from 'node:perf_hooks';
import type { App } from '../app';
import type { Viewer } from '../auth/roles';
import type { GraphQLContext } from '../graphql/context';
import { hashIdentifier } from '../observability/redaction';

/** What recordRequest logs and times about one request, whether Apollo ran it or the edge refused it. */
export interface RequestLine {
  requestId: string | undefined;
  traceId: string | undefined;
  operationName: string | null | undefined;
  /** query, mutation, subscription; `invalid` for a document that did not resolve; `refused` before Apollo ran. */
  operationType: string;
  durationMs: number;
  viewer: Viewer | undefined;
  /** The codes of the errors answered. */
  errors: string[] | undefined;
}

/** One log line and one timing per request; never the query, variables or token; ids hashed. */
export function recordRequest(app: App, line: RequestLine): void {
  const operation = app.metrics.operationLabel(line.operationName);
  app.metrics.graphqlDuration.observe({ operation_name: operation, operation_type: line.operationType }, line.durationMs / 1000);
  for (const code of line.errors ?? []) {
    app.metrics.graphqlErrors.inc({ code: app.metrics.errorCodeLabel(code), operation_type: line.operationType });
  }
  app.logger.info(
    {
      requestId: line.requestId,
      traceId: line.traceId,
      operation,
      operationType: line.operationType,
      durationMs: Math.round(line.durationMs * 100) / 100,
      user: hashIdentifier(line.viewer?.userId),
      tenant: hashIdentifier(line.viewer?.tenantId),
      errors: line.errors,
    },
    'graphql request',
  );
}

/** Times and logs every GraphQL operation over HTTP that reached Apollo, by (bounded) operation name and type. */
export function operationTiming(app: App): ApolloServerPlugin<GraphQLContext> {
  return {
    async requestDidStart() {
      const started = performance.now();
      return {
        async willSendResponse({ operationName, operation, contextValue, errors }) {
          recordRequest(app, {
            requestId: contextValue?.requestId,
            traceId: contextValue?.traceId,
            operationName,
            operationType: operation?.operation ?? 'invalid',
            durationMs: performance.now() - started,
            viewer: contextValue?.viewer,
            errors: errors?.map((e) => String(e.extensions?.code ?? 'UNKNOWN')),
          });
        },
      };
    },
  };
}
