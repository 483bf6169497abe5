import { SignJWT } from 'jose';
import WebSocket from 'ws';
import { startTestServer, TEST_JWT_SECRET, type TestServer } from '../support/test-server';

const key = new TextEncoder().encode(TEST_JWT_SECRET);

/** Tokens signed with the server's own secret, each wrong in one way that used to get through or crash. */
const BAD_TOKENS: [string, () => Promise<string>][] = [
  ['no exp', () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('demo-analyst').setIssuedAt().sign(key)],
  [
    'a 30-day lifetime',
    () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('demo-analyst').setIssuedAt().setExpirationTime('30d').sign(key),
  ],
  [
    'an object sub',
    () => new SignJWT({ sub: { not: 'x' } } as never).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key),
  ],
  [
    'a NUL in sub',
    () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('demo-\u0000analyst').setExpirationTime('1h').sign(key),
  ],
  [
    'a 10,000-character sub',
    () => new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u'.repeat(10_000)).setExpirationTime('1h').sign(key),
  ],
  ['an empty sub', () => new SignJWT({ sub: '' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key)],
];

describe('credentials are strict', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it.each(BAD_TOKENS)('a token with %s is UNAUTHENTICATED over HTTP (401, never a 500)', async (_what, make) => {
    const response = await t.request('{ viewer { userId } }', undefined, { token: await make() });
    expect(response.status).toBe(401);
    expect(response.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
    expect(response.data ?? null).toBeNull();
  });

  it.each(BAD_TOKENS)('a token with %s closes the WebSocket with 4403', async (_what, make) => {
    const token = await make();
    const code = await new Promise<number>((resolve) => {
      const socket = new WebSocket(t.server.wsUrl, 'graphql-transport-ws');
      socket.on('open', () => socket.send(JSON.stringify({ type: 'connection_init', payload: { authorization: `Bearer ${token}` } })));
      socket.on('close', (closeCode) => resolve(closeCode));
      socket.on('error', () => {});
    });
    expect(code).toBe(4403);
  });

  it('accepts a well-formed token of the same user', async () => {
    const response = await t.request<{ viewer: { userId: string } }, never>('{ viewer { userId } }', undefined, { as: 'demo-analyst' });
    expect(response.data!.viewer.userId).toBe('demo-analyst');
  });
});
