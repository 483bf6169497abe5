import { print, type DocumentNode } from 'graphql';
import type { TypedDocumentNode } from '@graphql-typed-document-node/core';
import { createClient, type Client as WsClient } from 'graphql-ws';
import WebSocket from 'ws';
import { createApp, type App, type AppOptions } from '../../src/app';
import { issueToken } from '../../src/auth/token-issuer';
import { loadConfig, type Config } from '../../src/config';
import { startServer, type RunningServer } from '../../src/http/server';
import { openTestDatabase, TEST_DATABASE_ROLE, type TestDatabase } from './test-database';

export const TEST_JWT_SECRET = 'freshgate-test-secret-at-least-32-bytes-long!';

export interface GraphQLResponse<T> {
  status: number;
  data?: T | null;
  errors?: { message: string; path?: string[]; extensions?: Record<string, unknown> }[];
}

export interface TestServer {
  app: App;
  server: RunningServer;
  database: TestDatabase;
  token(userId: string, options?: { expiresIn?: string }): Promise<string>;
  /** POSTs an operation as a client would; `as` names the user whose token to send. */
  request<T, V>(
    document: TypedDocumentNode<T, V> | DocumentNode | string,
    variables?: V,
    options?: { as?: string; token?: string; headers?: Record<string, string> },
  ): Promise<GraphQLResponse<T>>;
  wsClient(options?: { as?: string; token?: string }): WsClient;
  close(): Promise<void>;
}

export function testConfig(overrides: Partial<Config> = {}): Config {
  // TEST_LOG_LEVEL=error shows the servers' logs while debugging a test.
  const base = loadConfig({
    JWT_SECRET: TEST_JWT_SECRET,
    FRESHGATE_ENV: 'test',
    LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'silent',
    SEED_DEMO_DATA: 'true',
  });
  // As the application role, the schema is the owner's job: start-up only checks it is current.
  return { ...base, host: '127.0.0.1', port: 0, migrateOnStart: TEST_DATABASE_ROLE === undefined, ...overrides };
}

/** The real server on a free port, on a fresh test database seeded with the demo data. */
export async function startTestServer(
  options: { config?: Partial<Config>; database?: TestDatabase; app?: Omit<AppOptions, 'db'> } = {},
): Promise<TestServer> {
  const database = options.database ?? (await openTestDatabase());
  const config = testConfig(options.config);
  const app = await createApp(config, { ...options.app, db: database.db });
  const server = await startServer(app, { host: config.host, port: config.port });
  const clients: WsClient[] = [];

  const token = (userId: string, tokenOptions: { expiresIn?: string } = {}) =>
    issueToken(TEST_JWT_SECRET, userId, { expiresIn: tokenOptions.expiresIn ?? '1h' });

  return {
    app,
    server,
    database,
    token,
    async request(document, variables, requestOptions = {}) {
      const headers: Record<string, string> = { 'content-type': 'application/json', ...requestOptions.headers };
      const bearer = requestOptions.token ?? (requestOptions.as ? await token(requestOptions.as) : undefined);
      if (bearer) headers.authorization = `Bearer ${bearer}`;
      const query = typeof document === 'string' ? document : print(document);
      const response = await fetch(server.url, { method: 'POST', headers, body: JSON.stringify({ query, variables }) });
      const body = (await response.json()) as Omit<GraphQLResponse<never>, 'status'>;
      return { status: response.status, ...body };
    },
    wsClient(clientOptions = {}) {
      const client = createClient({
        url: server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        lazy: true,
        connectionParams: async () => {
          const bearer = clientOptions.token ?? (clientOptions.as ? await token(clientOptions.as) : undefined);
          return bearer ? { authorization: `Bearer ${bearer}` } : {};
        },
      });
      clients.push(client);
      return client;
    },
    async close() {
      await Promise.all(clients.map((c) => c.dispose()));
      await server.close();
      await app.close();
      if (!options.database) await database.close();
    },
  };
}
