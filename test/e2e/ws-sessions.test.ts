import { RawSocket, type Frame } from '../support/raw-socket';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

const SECRET = 'router-shared-secret-value';
const PACK_HEALTH = 'subscription { packHealthChanged { status packId } }';
const viaRouter = { 'router-authorization': SECRET };

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => {
  await database.close();
});

/** Subscribes `count` operations on the socket; resolves with the frame answering each. */
async function subscribe(socket: RawSocket, count: number, prefix: string): Promise<Frame[]> {
  for (let i = 0; i < count; i++) socket.send({ id: `${prefix}${i}`, type: 'subscribe', payload: { query: PACK_HEALTH } });
  return Promise.all(Array.from({ length: count }, (_, i) => socket.next((f) => f.id === `${prefix}${i}`)));
}

const refusedCode = (frame: Frame) =>
  frame.type === 'error' ? (frame.payload as { extensions: { code: string } }[])[0].extensions.code : undefined;

describe('subscription caps: per direct connection, per router connection, per user', () => {
  let direct: TestServer;
  let routed: TestServer;
  const sockets: RawSocket[] = [];
  const limits = {
    ...testConfig().limits,
    wsMaxSubscriptionsPerConnection: 3,
    wsMaxSubscriptionsPerRouterConnection: 40,
    wsMaxSubscriptionsPerUser: 5,
  };

  beforeAll(async () => {
    direct = await startTestServer({ database, config: { limits } });
    routed = await startTestServer({ database, config: { limits, routerSecret: SECRET } });
  });
  afterAll(async () => {
    sockets.forEach((s) => s.close());
    await direct.close();
    await routed.close();
  });
  const open = (url: string, headers?: Record<string, string>) => {
    const socket = new RawSocket(url, headers);
    sockets.push(socket);
    return socket;
  };

  it('holds a direct anonymous connection to WS_MAX_SUBSCRIPTIONS', async () => {
    const socket = open(direct.server.wsUrl);
    await socket.init();
    const answers = await subscribe(socket, 4, 'd');
    expect(answers.slice(0, 3).every((f) => f.type === 'next')).toBe(true);
    expect(refusedCode(answers[3])).toBe('TOO_MANY_SUBSCRIPTIONS');
  });

  it("lets a router's connection (it presented the secret) carry many anonymous end users, up to WS_MAX_SUBSCRIPTIONS_ROUTER", async () => {
    const socket = open(routed.server.wsUrl, viaRouter);
    await socket.init();
    const answers = await subscribe(socket, 41, 'r');
    expect(answers.slice(0, 40).every((f) => f.type === 'next')).toBe(true);
    expect(refusedCode(answers[40])).toBe('TOO_MANY_SUBSCRIPTIONS');
  });

  it("holds each signed-in user to WS_MAX_SUBSCRIPTIONS_PER_USER over all their connections, a router's included", async () => {
    const token = await routed.token('demo-viewer');
    const first = open(routed.server.wsUrl, viaRouter);
    const second = open(routed.server.wsUrl, viaRouter);
    await first.init({ authorization: `Bearer ${token}` });
    await second.init({ authorization: `Bearer ${token}` });
    expect((await subscribe(first, 3, 'a')).every((f) => f.type === 'next')).toBe(true);
    const more = await subscribe(second, 3, 'b');
    expect(more.slice(0, 2).every((f) => f.type === 'next')).toBe(true);
    expect(refusedCode(more[2])).toBe('TOO_MANY_SUBSCRIPTIONS');
    // Another user is not affected.
    const other = open(routed.server.wsUrl, viaRouter);
    await other.init({ authorization: `Bearer ${await routed.token('demo-analyst')}` });
    expect((await subscribe(other, 5, 'o')).every((f) => f.type === 'next')).toBe(true);
  });
});

describe('operations the server ends are ended visibly: next with the error, then complete', () => {
  let t: TestServer;

  afterEach(async () => {
    await t?.close();
  });

  /** The frames a subscription got after its first state: the error it was ended with, and its completion. */
  async function ending(socket: RawSocket, id: string): Promise<{ code: string; retryable?: boolean; completed: boolean }> {
    const errorFrame = await socket.next(
      (f) => f.id === id && f.type === 'next' && Array.isArray((f.payload as { errors?: unknown[] }).errors),
      15_000,
    );
    const [error] = (errorFrame.payload as { errors: { extensions: { code: string; retryable?: boolean } }[] }).errors;
    const completed = await socket
      .next((f) => f.id === id && f.type === 'complete', 5_000)
      .then(
        () => true,
        () => false,
      );
    return { ...error.extensions, completed };
  }

  it('when the credential expires: UNAUTHENTICATED, complete, then 4403', async () => {
    t = await startTestServer({ database, config: { wsReauthIntervalMs: 300 } });
    const socket = new RawSocket(t.server.wsUrl);
    await socket.init({ authorization: `Bearer ${await t.token('demo-viewer', { expiresIn: '2s' })}` });
    await subscribe(socket, 2, 's');
    expect(await ending(socket, 's0')).toMatchObject({ code: 'UNAUTHENTICATED', completed: true });
    expect(await ending(socket, 's1')).toMatchObject({ code: 'UNAUTHENTICATED', completed: true });
    expect((await socket.closed).code).toBe(4403);
  });

  it('when the user is removed: the same', async () => {
    t = await startTestServer({ database, config: { wsReauthIntervalMs: 300 } });
    await t.app.db.sql.query(
      `INSERT INTO users (id, tenant_id, roles) VALUES ('leaving-user', 'demo', ARRAY['viewer']) ON CONFLICT (id) DO NOTHING`,
    );
    const socket = new RawSocket(t.server.wsUrl);
    await socket.init({ authorization: `Bearer ${await t.token('leaving-user')}` });
    await subscribe(socket, 1, 'u');
    // Deleted by the operator (the application only marks a removed user; its role may not delete).
    await t.database.owner.query(`DELETE FROM users WHERE id = 'leaving-user'`);
    expect(await ending(socket, 'u0')).toMatchObject({ code: 'UNAUTHENTICATED', completed: true });
    expect((await socket.closed).code).toBe(4403);
  });

  it('at shutdown: SERVICE_UNAVAILABLE (retryable), complete, then 1001', async () => {
    t = await startTestServer({ database });
    const socket = new RawSocket(t.server.wsUrl);
    await socket.init();
    await subscribe(socket, 1, 'x');
    const closing = t.server.close({ graceMs: 2_000 });
    expect(await ending(socket, 'x0')).toMatchObject({ code: 'SERVICE_UNAVAILABLE', retryable: true, completed: true });
    expect((await socket.closed).code).toBe(1001);
    await closing;
  });
});
