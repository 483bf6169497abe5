import { unauthenticated } from '../shared/errors';

/**
 * The credential in graphql-ws's connection_init payload, under `authorization` in any letter
 * case (clients and routers differ). Present but not a string, or given twice with different
 * values, it is a bad credential — never a reason to treat the connection as anonymous.
 */
export function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const values = Object.entries(params ?? {})
    .filter(([key]) => key.toLowerCase() === 'authorization')
    .map(([, value]) => value);
  if (values.length === 0 || (values.length === 1 && values[0] === undefined)) return undefined;
  const [first] = values;
  if (typeof first !== 'string' || values.some((v) => v !== first)) {
    throw unauthenticated('connectionParams.authorization must be one string, "Bearer <token>"');
  }
  return first;
}
