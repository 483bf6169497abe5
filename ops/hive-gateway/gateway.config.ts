// Hive Gateway (2.x) in front of freshgate: `hive-gateway supergraph supergraph.graphql -c gateway.config.ts`.
// test/e2e/router.test.ts runs the gateway with exactly this file. See README, "Federation".
import { defineConfig } from '@graphql-hive/gateway';

/**
 * freshgate's ROUTER_SECRET, from the gateway's environment. Sent as a header of each HTTP
 * request and of the WebSocket upgrade only: freshgate checks it there, so it never travels in
 * the GraphQL messages themselves.
 */
const routerSecret: [string, string] = ['router-authorization', '{env.FRESHGATE_ROUTER_SECRET}'];

export const gatewayConfig = defineConfig({
  transportEntries: {
    // The subgraph's name in the supergraph (`rover supergraph compose`, or @apollo/composition).
    freshgate: {
      // HTTP: the client's own `authorization` header, per request (a header that interpolates to
      // nothing is left out, so anonymous callers stay anonymous).
      headers: [routerSecret, ['authorization', '{context.headers.authorization}']],
      options: {
        subscriptions: {
          // graphql-ws on the same path as HTTP. One WebSocket per distinct set of connection
          // params: every anonymous subscriber shares one, each signed-in credential has its own.
          kind: 'ws',
          location: '/graphql',
          // Headers of the WebSocket upgrade (the ws transport takes none from the HTTP entry).
          headers: [routerSecret],
          options: {
            // freshgate reads the credential from connection_init. Hive Gateway merges a
            // WebSocket client's connectionParams into context.headers as given, so clients send
            // it lower-case: `connectionParams: { authorization: 'Bearer …' }`.
            connectionParams: { authorization: '{context.headers.authorization}' },
          },
        },
      },
    },
  },
});
