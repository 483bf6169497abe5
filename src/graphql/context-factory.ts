import type { Context as OtelContext } from '@opentelemetry/api';
import { GraphQLError } from 'graphql';
import type { App } from '../app';
import type { Viewer } from '../auth/roles';
import { AppError } from '../shared/errors';
import type { GraphQLContext } from './context';

export interface RequestIdentity {
  requestId: string;
  traceId: string;
  otelContext: OtelContext;
}

/** Authenticates a caller; a bad credential is UNAUTHENTICATED (401), never anonymous. */
export async function authenticate(app: App, authorization: string | undefined): Promise<Viewer | undefined> {
  try {
    return await app.authenticator.authenticate(authorization);
  } catch (error) {
    if (error instanceof AppError) {
      throw new GraphQLError(error.message, { extensions: { code: error.code, http: { status: 401 } } });
    }
    throw error;
  }
}

export function contextFor(app: App, viewer: Viewer | undefined, ids: RequestIdentity): GraphQLContext {
  return { viewer, requestId: ids.requestId, traceId: ids.traceId, otelContext: ids.otelContext, services: app.services };
}
