import type { Context as OtelContext } from '@opentelemetry/api';
import type { Viewer } from '../auth/roles';
import type { Services } from '../services';

/** Everything a resolver may use: who is calling, the request's ids, and the use-cases. */
export interface GraphQLContext {
  viewer: Viewer | undefined;
  requestId: string;
  traceId: string;
  /** Parent of the spans this request starts (OpenTelemetry context). */
  otelContext: OtelContext;
  services: Services;
}
