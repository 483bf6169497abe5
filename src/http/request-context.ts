import type { Context as OtelContext } from '@opentelemetry/api';
import type { IncomingHttpHeaders } from 'node:http';
import type { App } from '../app';
import type { Viewer } from '../auth/roles';
import type { GraphQLContext } from '../graphql/context';
import { requestTrace } from '../observability/tracing';
import { requestIdFrom } from '../request-ids';

/** The ids a request is logged and traced under, and the OpenTelemetry context its spans start from. */
export interface RequestIdentity {
  requestId: string;
  traceId: string;
  otelContext: OtelContext;
}

/** The ids a request is logged and traced under: the caller's X-Request-Id and traceparent when sane. */
export function requestIdentity(headers: IncomingHttpHeaders = {}): RequestIdentity {
  return { requestId: requestIdFrom(headers['x-request-id']), ...requestTrace(headers) };
}

/** The GraphQL context of an admitted request: the same shape over HTTP and ws. */
export function contextFor(app: App, viewer: Viewer | undefined, ids: RequestIdentity): GraphQLContext {
  return { viewer, requestId: ids.requestId, traceId: ids.traceId, otelContext: ids.otelContext, services: app.services };
}
