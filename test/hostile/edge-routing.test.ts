import { connect } from 'node:net';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const SECRET = 'router-shared-secret-value';
const OPS_TOKEN = 'ops-token-for-prometheus-scrapes';

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One request exactly as written — request line, headers, body — on a fresh socket: fetch and
 * ws clients normalise targets (dot segments, percent-encoding), which is what this suite must
 * not let them do.
 */
function rawRequest(port: number, requestLine: string, headers: Record<string, string>, body = ''): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    let data = '';
    socket.setTimeout(5_000, () => socket.destroy(new Error(`no answer to ${requestLine}`)));
    socket.on('connect', () => {
      const lines = [requestLine, 'Host: 127.0.0.1', 'Connection: close', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)];
      if (body) lines.push(`Content-Length: ${Buffer.byteLength(body)}`);
      socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`);
    });
    socket.on('data', (chunk) => {
      data += chunk.toString('utf8');
      // An upgrade answered 101 keeps the socket open: its head is all this suite needs.
      if (data.startsWith('HTTP/1.1 101') && data.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', reject);
    socket.on('close', () => {
      const [head, ...rest] = data.split('\r\n\r\n');
      const [statusLine, ...headerLines] = head.split('\r\n');
      const parsed: Record<string, string> = {};
      for (const line of headerLines) {
        const at = line.indexOf(':');
        parsed[line.slice(0, at).toLowerCase()] = line.slice(at + 1).trim();
      }
      resolve({ status: Number(statusLine.split(' ')[1]), headers: parsed, body: rest.join('\r\n\r\n') });
    });
  });
}

// One database for the file: each describe starts its own server on it, with its own settings.
let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

const SDL_QUERY = JSON.stringify({ query: '{ _service { sdl } }' });
const upgradeHeaders = {
  Upgrade: 'websocket',
  Connection: 'Upgrade',
  'Sec-WebSocket-Version': '13',
  'Sec-WebSocket-Key': 'dGhlIHNhbXBsZSBub25jZQ==',
  'Sec-WebSocket-Protocol': 'graphql-transport-ws',
};

/**
 * Every spelling of the request target, and whether fastify routes it to GraphQL. The rule under
 * test: whatever reaches GraphQL meets the router secret; what does not reach it is a 404.
 */
const TARGETS: { target: string; routesToGraphql: boolean }[] = [
  { target: '/graphql', routesToGraphql: true },
  { target: '/%67raphql', routesToGraphql: true },
  { target: '/%67%72%61%70%68%71%6C', routesToGraphql: true },
  { target: '/graph%71l', routesToGraphql: true },
  { target: '/graphql?x=1', routesToGraphql: true },
  { target: '/%67raphql?query=x', routesToGraphql: true },
  { target: 'http://127.0.0.1/graphql', routesToGraphql: true },
  { target: 'http://example.com/%67raphql', routesToGraphql: true },
  { target: '/graphql#fragment', routesToGraphql: true },
  { target: '/./graphql', routesToGraphql: false },
  { target: '/x/../graphql', routesToGraphql: false },
  { target: '//graphql', routesToGraphql: false },
  { target: '/graphql/', routesToGraphql: false },
  { target: '/graphql//', routesToGraphql: false },
  { target: '/GRAPHQL', routesToGraphql: false },
  { target: '/%2Fgraphql', routesToGraphql: false },
];

describe('the router secret follows routing, not the raw URL', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ database, config: { routerSecret: SECRET } });
  });
  afterAll(async () => {
    await t.close();
  });

  describe.each(TARGETS)('$target', ({ target, routesToGraphql }) => {
    const getTarget =
      target.includes('?') || target.includes('#') ? target : `${target}?query=${encodeURIComponent('{ _service { sdl } }')}`;

    it.each(['POST', 'GET', 'HEAD'])('%s without the secret never reaches GraphQL', async (method) => {
      const requestTarget = method === 'POST' ? target : getTarget;
      const response = await rawRequest(
        t.server.port,
        `${method} ${requestTarget} HTTP/1.1`,
        { 'content-type': 'application/json', 'apollo-require-preflight': 'true' },
        method === 'POST' ? SDL_QUERY : '',
      );
      expect(response.status).toBe(routesToGraphql ? 401 : 404);
      expect(response.body).not.toContain('_service');
      expect(response.body).not.toContain('type Query');
      if (method !== 'HEAD')
        expect(JSON.parse(response.body).errors[0].extensions.code).toBe(routesToGraphql ? 'UNAUTHENTICATED' : 'NOT_FOUND');
    });

    it('POST with the secret is served exactly when it routes to GraphQL', async () => {
      const response = await rawRequest(
        t.server.port,
        `POST ${target} HTTP/1.1`,
        { 'content-type': 'application/json', 'router-authorization': SECRET },
        SDL_QUERY,
      );
      if (routesToGraphql) {
        expect(response.status).toBe(200);
        expect(JSON.parse(response.body).data._service.sdl).toContain('type Query');
      } else {
        expect(response.status).toBe(404);
      }
    });

    it('a WebSocket upgrade without the secret is refused; with it, upgraded where GraphQL is served', async () => {
      const refused = await rawRequest(t.server.port, `GET ${target} HTTP/1.1`, upgradeHeaders);
      expect(refused.status).toBe(routesToGraphql ? 401 : 404);
      const admitted = await rawRequest(t.server.port, `GET ${target} HTTP/1.1`, { ...upgradeHeaders, 'router-authorization': SECRET });
      expect(admitted.status).toBe(routesToGraphql ? 101 : 404);
    });
  });

  it('a paid mutation under an encoded spelling, with a valid bearer token but no secret, runs nothing', async () => {
    const token = await t.token('demo-analyst');
    const before = await t.app.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM executions');
    const body = JSON.stringify({
      query: 'mutation { executePattern(input: { patternId: "portfolio_overview", inputs: { portfolioId: "pf-demo-growth" } }) { id } }',
    });
    const response = await rawRequest(
      t.server.port,
      'POST /%67raphql HTTP/1.1',
      { 'content-type': 'application/json', authorization: `Bearer ${token}` },
      body,
    );
    expect(response.status).toBe(401);
    const after = await t.app.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM executions');
    expect(after[0].n).toBe(before[0].n);
  });
});

describe('methods and unknown paths', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer({ database });
  });
  afterAll(async () => {
    await t.close();
  });

  it.each([
    ['PUT', '/graphql', ['GET', 'POST']],
    ['DELETE', '/%67raphql', ['GET', 'POST']],
    ['PATCH', '/health', ['GET', 'HEAD']],
    ['POST', '/health/ready', ['GET', 'HEAD']],
    ['DELETE', '/health/pack', ['GET', 'HEAD']],
    ['POST', '/metrics', ['GET', 'HEAD']],
    ['PUT', '/health/detailed', ['GET', 'HEAD']],
    ['PROPFIND', '/graphql', ['GET', 'POST']],
  ])('%s %s is 405 with an Allow header', async (method, path, mustAllow) => {
    const response = await rawRequest(t.server.port, `${method} ${path} HTTP/1.1`, {});
    expect(response.status).toBe(405);
    const allow = response.headers.allow.split(/,\s*/);
    for (const m of mustAllow) expect(allow).toContain(m);
    expect(allow).not.toContain(method);
    expect(response.headers['content-type']).toMatch(/^application\/json/);
    expect(JSON.parse(response.body).errors[0].extensions.code).toBe('METHOD_NOT_ALLOWED');
  });

  it.each(['/', '/index.html', '/graphiql', '/graphql/../../etc/passwd', '/.env', '/%00', '/health/../metrics/x'])(
    'GET %s is a JSON 404, never HTML',
    async (path) => {
      const response = await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, { accept: 'text/html' });
      expect(response.status).toBe(404);
      expect(response.headers['content-type']).toMatch(/^application\/json/);
      expect(response.body).not.toMatch(/<html|<!doctype/i);
      expect(JSON.parse(response.body).errors[0].extensions.code).toBe('NOT_FOUND');
    },
  );
});

describe('operational endpoints: OPS_TOKEN and OPS_PORT', () => {
  let t: TestServer;

  afterEach(async () => {
    await t.close();
  });

  it('with OPS_TOKEN, /metrics and /health/detailed need the bearer token; the probes stay open', async () => {
    t = await startTestServer({ database, config: { ops: { token: OPS_TOKEN, port: undefined, host: '127.0.0.1' } } });
    for (const path of ['/metrics', '/health/detailed']) {
      const anonymous = await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, {});
      expect(anonymous.status).toBe(401);
      expect(anonymous.headers['www-authenticate']).toMatch(/^Bearer/);
      expect(anonymous.body).not.toMatch(/freshgate_|version/);
      expect((await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, { authorization: 'Bearer wrong-token' })).status).toBe(401);
      // The same rule for another spelling of the path.
      const encoded = path.replace('m', '%6D').replace('d', '%64');
      expect((await rawRequest(t.server.port, `GET ${encoded} HTTP/1.1`, {})).status).toBe(401);
      const scraped = await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, { authorization: `Bearer ${OPS_TOKEN}` });
      expect(scraped.status).toBe(200);
    }
    for (const path of ['/health', '/health/ready', '/health/pack']) {
      expect((await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, {})).status).toBe(200);
    }
  });

  it('with OPS_PORT, /metrics and /health/detailed move to their own listener (and keep the token there)', async () => {
    t = await startTestServer({ database, config: { ops: { token: OPS_TOKEN, port: 0, host: '127.0.0.1' } } });
    const opsPort = t.server.opsPort!;
    expect(opsPort).toBeGreaterThan(0);
    expect(opsPort).not.toBe(t.server.port);
    for (const path of ['/metrics', '/health/detailed']) {
      const onPublic = await rawRequest(t.server.port, `GET ${path} HTTP/1.1`, { authorization: `Bearer ${OPS_TOKEN}` });
      expect(onPublic.status).toBe(404);
      expect((await rawRequest(opsPort, `GET ${path} HTTP/1.1`, {})).status).toBe(401);
      expect((await rawRequest(opsPort, `GET ${path} HTTP/1.1`, { authorization: `Bearer ${OPS_TOKEN}` })).status).toBe(200);
    }
    const metrics = await rawRequest(opsPort, 'GET /metrics HTTP/1.1', { authorization: `Bearer ${OPS_TOKEN}` });
    expect(metrics.body).toContain('freshgate_');
    // GraphQL is not on the ops listener.
    expect((await rawRequest(opsPort, 'POST /graphql HTTP/1.1', { 'content-type': 'application/json' }, SDL_QUERY)).status).toBe(404);
    expect((await rawRequest(t.server.port, 'GET /health HTTP/1.1', {})).status).toBe(200);
  });
});
