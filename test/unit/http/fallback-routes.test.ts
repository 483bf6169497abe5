import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { registerFallbacks } from '../../../src/http/fallback-routes';

describe('registerFallbacks on a bare fastify', () => {
  let fastify: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    fastify = Fastify({ logger: false });
    fastify.get('/only-get', async () => ({ ok: true }));
    fastify.route({ url: '/get-and-post', method: ['GET', 'POST'], handler: async () => ({ ok: true }) });
    registerFallbacks(fastify);
    await fastify.listen({ host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
  });

  afterAll(() => fastify.close());

  it('answers a known path asked with another method 405, naming the methods it serves in Allow', async () => {
    const response = await fetch(`${base}/get-and-post`, { method: 'DELETE' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD, POST');
    expect(await response.json()).toEqual({
      errors: [{ message: 'DELETE is not allowed here; use GET, HEAD, POST', extensions: { code: 'METHOD_NOT_ALLOWED' } }],
    });
  });

  it('recognises a known path the way routing does (percent-encoded, with a query string)', async () => {
    const response = await fetch(`${base}/only-%67et?x=1`, { method: 'POST' });
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, HEAD');
  });

  it('answers an unknown path 404 as JSON in GraphQL error shape, never HTML', async () => {
    const response = await fetch(`${base}/nothing/here`);
    expect(response.status).toBe(404);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ errors: [{ message: 'Not found', extensions: { code: 'NOT_FOUND' } }] });
  });
});
