import WebSocket from 'ws';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

const SECRET = 'router-shared-secret-value';

async function errorsOf(response: Response): Promise<{ message: string; extensions: { code: string } }[]> {
  return ((await response.json()) as { errors: { message: string; extensions: { code: string } }[] }).errors;
}

function wsHandshake(url: string, headers: Record<string, string>): Promise<'open' | number> {
  return new Promise((resolve) => {
    const socket = new WebSocket(url, 'graphql-transport-ws', { headers });
    socket.on('open', () => {
      socket.terminate();
      resolve('open');
    });
    socket.on('unexpected-response', (_request, response) => {
      resolve(response.statusCode ?? 0);
      socket.terminate();
    });
    socket.on('error', () => {});
  });
}

describe('router secret, CORS, introspection off, cost limit', () => {
  let t: TestServer;
  const post = (body: unknown, headers: Record<string, string> = {}) =>
    fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

  beforeAll(async () => {
    t = await startTestServer({
      config: {
        routerSecret: SECRET,
        corsOrigins: ['https://app.example.com'],
        introspection: false,
        limits: { ...testConfig().limits, maxCost: 40 },
      },
    });
  });
  afterAll(async () => {
    await t.close();
  });

  const viaRouter = { 'router-authorization': SECRET };

  it('refuses an HTTP request without the router secret before parsing it (401)', async () => {
    const response = await fetch(t.server.url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{not even json' });
    expect(response.status).toBe(401);
    expect((await errorsOf(response))[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a wrong router secret', async () => {
    const response = await post({ query: '{ packHealth { status } }' }, { 'router-authorization': 'guess' });
    expect(response.status).toBe(401);
  });

  it('serves a request that carries the router secret', async () => {
    const response = await post({ query: '{ packHealth { status } }' }, viaRouter);
    expect(response.status).toBe(200);
  });

  it('keeps tenant checks behind the router: the secret is not an identity', async () => {
    const response = await post({ query: '{ executions { edges { cursor } } }' }, viaRouter);
    expect((await errorsOf(response))[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('refuses a WebSocket upgrade without the router secret and accepts one with it', async () => {
    expect(await wsHandshake(t.server.wsUrl, {})).toBe(401);
    expect(await wsHandshake(t.server.wsUrl, viaRouter)).toBe('open');
  });

  it('answers CORS preflights for a configured origin only', async () => {
    const preflight = (origin: string) =>
      fetch(t.server.url, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type', ...viaRouter },
      });
    const allowed = await preflight('https://app.example.com');
    expect(allowed.headers.get('access-control-allow-origin')).toBe('https://app.example.com');
    const other = await preflight('https://evil.example.net');
    expect(other.headers.get('access-control-allow-origin')).toBeNull();
  });

  it('refuses introspection when it is configured off', async () => {
    const response = await post({ query: '{ __schema { types { name } } }' }, viaRouter);
    expect(response.status).toBe(400);
    expect((await errorsOf(response))[0].extensions.code).toBe('GRAPHQL_VALIDATION_FAILED');
  });

  it('refuses an operation over MAX_COST', async () => {
    const response = await post(
      {
        query:
          '{ pricingPacks { edges { node { id policy asofDate hash sources { name } health { status packId isFresh prewarmDone updatedAt } } } } }',
      },
      viaRouter,
    );
    expect(response.status).toBe(400);
    expect((await errorsOf(response))[0].message).toMatch(/cost/i);
  });
});
