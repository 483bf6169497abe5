import http from 'node:http';
import { CreatePricingPackDocument, PackHealthDocument } from '../generated/operations';
import { samplePack } from '../support/packs';
import { startTestServer, type TestServer } from '../support/test-server';

describe('plain HTTP endpoints and server configuration', () => {
  let t: TestServer;
  const base = () => t.server.url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('GET /health answers while the process is alive', async () => {
    const response = await fetch(`${base()}/health`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it("keeps an idle connection open for 72 s (fastify's default), not Node's 5 s", async () => {
    const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });
    const get = () =>
      new Promise<{ status: number; keepAlive: string | undefined; reused: boolean }>((resolve, reject) => {
        const request = http.get(`${base()}/health`, { agent }, (response) => {
          response.resume();
          response.on('end', () =>
            resolve({
              status: response.statusCode!,
              keepAlive: response.headers['keep-alive'] as string | undefined,
              reused: request.reusedSocket,
            }),
          );
        });
        request.on('error', reject);
      });
    try {
      expect(await get()).toEqual({ status: 200, keepAlive: 'timeout=72', reused: false });
      await new Promise((resolve) => setTimeout(resolve, 6000));
      expect(await get()).toEqual({ status: 200, keepAlive: 'timeout=72', reused: true });
    } finally {
      agent.destroy();
    }
  });

  it('GET /health/pack has the same fields as the packHealth query and follows pack events', async () => {
    const viaGraphQL = await t.request(PackHealthDocument, {});
    expect(await (await fetch(`${base()}/health/pack`)).json()).toEqual(viaGraphQL.data!.packHealth);

    await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-29') }, { as: 'pack-builder' });
    const deadline = Date.now() + 5_000;
    let body: { status?: string; packId?: string } = {};
    while (Date.now() < deadline && body.packId !== 'PP_2026-11-29') {
      body = (await (await fetch(`${base()}/health/pack`)).json()) as typeof body;
    }
    expect(body).toMatchObject({ status: 'WARMING', packId: 'PP_2026-11-29' });
  });

  it('GET /health/ready is 200 with the database and listener up, 503 when the pack listener is down', async () => {
    const ready = await fetch(`${base()}/health/ready`);
    expect(ready.status).toBe(200);
    expect(await ready.json()).toEqual({ status: 'ready', database: true, packListener: true });

    await t.app.services.packHealth.stop();
    try {
      const down = await fetch(`${base()}/health/ready`);
      expect(down.status).toBe(503);
      expect(await down.json()).toEqual({ status: 'unavailable', database: true, packListener: false });
    } finally {
      await t.app.services.packHealth.start();
    }
    expect((await fetch(`${base()}/health/ready`)).status).toBe(200);
  });

  it('allows introspection by default, and refuses it when INTROSPECTION=false', async () => {
    const query = '{ __schema { queryType { name } } }';
    const open = await t.request<{ __schema: { queryType: { name: string } } }, never>(query);
    expect(open.data?.__schema.queryType.name).toBe('Query');

    const closed = await startTestServer({ database: t.database, config: { introspection: false } });
    try {
      const refused = await closed.request(query);
      expect(refused.status).toBe(400);
      expect(refused.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
      expect((await closed.request(PackHealthDocument, {})).data?.packHealth.status).toBe('WARMING');
    } finally {
      await closed.close();
    }
  });

  it('serves the landing page to browsers on GET /graphql', async () => {
    const response = await fetch(t.server.url, { headers: { accept: 'text/html' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/html');
  });

  it('refuses a GET query without a CSRF-safe header (Apollo CSRF prevention)', async () => {
    const response = await fetch(`${t.server.url}?query=${encodeURIComponent('{ packHealth { status } }')}`);
    expect(response.status).toBe(400);
  });
});
