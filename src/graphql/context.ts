import type { Context as OtelContext } from '@opentelemetry/api';
import type { Viewer } from '../auth/roles';
import type { Actor } from '../shared/actor';
import type { ApiServices } from './api-services';
import { unauthenticated } from '../shared/errors';

/** Everything a resolver may use: who is calling, the request's ids, and the use-cases. */
export interface GraphQLContext {
  viewer: Viewer | undefined;
  requestId: string;
  traceId: string;
  /** Parent of the spans this request starts (OpenTelemetry context). */
  otelContext: OtelContext;
  services: ApiServices;
}

/** The caller's tenant; every tenant-scoped read starts here. */
export function tenantOf(context: GraphQLContext): string {
  if (!context.viewer) throw unauthenticated();
  return context.viewer.tenantId;
}

/** The signed-in caller and this request's ids, as the audit log records them. */
export function actorOf(context: GraphQLContext): Actor {
  if (!context.viewer) throw unauthenticated();
  return { userId: context.viewer.userId, tenantId: context.viewer.tenantId, traceId: context.traceId, requestId: context.requestId };
}
