import type { ApolloServerPlugin, GraphQLRequestListener } from '@apollo/server';
import { graphQLErrorOf } from '../graphql/errors';
import { AppError } from '../shared/errors';

const REFUSAL = 'Subscriptions are served over WebSocket (graphql-ws) at this URL, not over HTTP';

/**
 * A subscription sent over HTTP is refused with 400 before it runs: Apollo would execute it like a
 * query, and a subscription field's resolver, which maps events, would fail without one.
 */
export function subscriptionsOverWebSocketOnly<C extends object>(): ApolloServerPlugin<C> {
  // Stateless, so one listener serves every request.
  const listener: GraphQLRequestListener<C> = {
    async didResolveOperation({ operation }) {
      if (operation?.operation === 'subscription') throw graphQLErrorOf(new AppError('BAD_REQUEST', REFUSAL), { wholeRequest: true });
    },
  };
  return { requestDidStart: async () => listener };
}
