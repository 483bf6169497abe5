import type { Viewer } from '../auth/roles';
import type { Services } from '../services';

/** Everything a resolver may use: who is calling, the request's ids, and the use-cases. */
export interface GraphQLContext {
  viewer: Viewer | undefined;
  requestId: string;
  traceId: string;
  services: Services;
}
