import Fastify, { type FastifyInstance } from 'fastify';
import type { AddressInfo } from 'node:net';
import { graphqlShapedHttpError } from '../../../src/http/edge';
import { ROUTER_HEADER, routerGate } from '../../../src/http/router-gate';

type Refusal = { errors: { message: string; extensions: Record<string, unknown> }[] };
const bodyOf = async (response: Response) => (await response.json()) as Refusal;

async function listening(fastify: FastifyInstance): Promise<string> {
  await fastify.listen({ host: '127.0.0.1', port: 0 });
  return `http://127.0.0.1:${(fastify.server.address() as AddressInfo).port}`;
}

describe("fastify's own refusals, GraphQL-shaped (graphqlShapedHttpError)", () => {
  let fastify: FastifyInstance;
  let base: string;

  beforeAll(async () => {
    fastify = Fastify({ logger: false, bodyLimit: 64 });
    fastify.setErrorHandler(graphqlShapedHttpError);
    fastify.post('/echo', async (request) => request.body);
    fastify.get('/broken', async () => {
      throw new Error('SELECT secret FROM somewhere');
    });
    base = await listening(fastify);
  });

  afterAll(() => fastify.close());

  const post = (body: string, contentType = 'application/json') =>
    fetch(`${base}/echo`, { method: 'POST', headers: { 'content-type': contentType }, body });

  it('a body over the limit is 413 PAYLOAD_TOO_LARGE', async () => {
    const response = await post(JSON.stringify({ query: 'x'.repeat(200) }));
    expect(response.status).toBe(413);
    expect((await bodyOf(response)).errors[0].extensions).toEqual({ code: 'PAYLOAD_TOO_LARGE' });
  });

  it('a content type fastify does not read is 415 UNSUPPORTED_MEDIA_TYPE', async () => {
    const response = await post('<query/>', 'application/xml');
    expect(response.status).toBe(415);
    expect((await bodyOf(response)).errors[0].extensions).toEqual({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  });

  it('malformed JSON is 400 BAD_REQUEST with fastify’s message', async () => {
    const response = await post('{"query":');
    expect(response.status).toBe(400);
    const [error] = (await bodyOf(response)).errors;
    expect(error.extensions).toEqual({ code: 'BAD_REQUEST' });
    expect(error.message).toEqual(expect.any(String));
  });

  it('anything else is a 500 that says nothing of its cause', async () => {
    const response = await fetch(`${base}/broken`);
    expect(response.status).toBe(500);
    expect(await response.json()).toEqual({
      errors: [{ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } }],
    });
  });
});

describe('routerGate', () => {
  it('without ROUTER_SECRET lets everyone pass', () => {
    expect(routerGate(undefined).refusal({})).toBeUndefined();
  });

  it('with it, refuses a request without the exact secret as 401 UNAUTHENTICATED', () => {
    const gate = routerGate('s3cret');
    const refused = {
      status: 401,
      body: { errors: [{ message: 'Requests must come through the router', extensions: { code: 'UNAUTHENTICATED' } }] },
    };
    expect(gate.refusal({})).toEqual(refused);
    expect(gate.refusal({ [ROUTER_HEADER]: 's3cre' })).toEqual(refused);
    expect(gate.refusal({ [ROUTER_HEADER]: 's3cret ' })).toEqual(refused);
    expect(gate.refusal({ [ROUTER_HEADER]: 's3cret' })).toBeUndefined();
  });

  it('as a route hook, refuses before the handler runs (and before the body is parsed)', async () => {
    const fastify = Fastify({ logger: false });
    let handled = 0;
    fastify.post('/graphql', { onRequest: routerGate('s3cret').onRequest }, async () => ({ handled: ++handled }));
    const base = await listening(fastify);
    try {
      const refused = await fetch(`${base}/graphql`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{not json',
      });
      expect(refused.status).toBe(401);
      expect((await bodyOf(refused)).errors[0].extensions.code).toBe('UNAUTHENTICATED');
      const passed = await fetch(`${base}/graphql`, { method: 'POST', headers: { [ROUTER_HEADER]: 's3cret' } });
      expect(await passed.json()).toEqual({ handled: 1 });
    } finally {
      await fastify.close();
    }
  });
});
