import { RawSocket } from '../support/raw-socket';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

const PACK_HEALTH = 'subscription { packHealthChanged { status packId } }';

describe('hostile graphql-ws traffic', () => {
  let t: TestServer;
  const sockets: RawSocket[] = [];
  const open = (headers?: Record<string, string>) => {
    const s = new RawSocket(t.server.wsUrl, headers);
    sockets.push(s);
    return s;
  };

  beforeAll(async () => {
    t = await startTestServer({
      config: {
        fieldSuggestions: false,
        limits: { ...testConfig().limits, wsInitTimeoutMs: 300, wsMaxPayloadBytes: 4096, wsMaxSubscriptionsPerConnection: 3 },
      },
    });
  });
  afterEach(() => sockets.splice(0).forEach((s) => s.close()));
  afterAll(async () => {
    await t.close();
  });

  it('closes a socket that subscribes before connection_init (4401)', async () => {
    const s = open();
    await s.opened();
    s.send({ type: 'subscribe', id: '1', payload: { query: PACK_HEALTH } });
    expect((await s.closed).code).toBe(4401);
  });

  it('closes a socket that sends no connection_init in time (4408)', async () => {
    const s = open();
    await s.opened();
    expect((await s.closed).code).toBe(4408);
  });

  it('closes on a second connection_init (4429)', async () => {
    const s = open();
    await s.init();
    s.send({ type: 'connection_init', payload: {} });
    expect((await s.closed).code).toBe(4429);
  });

  it('closes on an unknown message type (4400)', async () => {
    const s = open();
    await s.init();
    s.send({ type: 'make_coffee' });
    expect((await s.closed).code).toBe(4400);
  });

  it('closes on a frame that is not JSON (4400)', async () => {
    const s = open();
    await s.init();
    s.send('{{{ not json');
    expect((await s.closed).code).toBe(4400);
  });

  it('closes on a duplicate subscription id (4409)', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'dup', type: 'subscribe', payload: { query: PACK_HEALTH } });
    await s.next((f) => f.id === 'dup' && f.type === 'next');
    s.send({ id: 'dup', type: 'subscribe', payload: { query: PACK_HEALTH } });
    expect((await s.closed).code).toBe(4409);
  });

  it('closes on a frame larger than WS_MAX_PAYLOAD_BYTES (1009)', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'big', type: 'subscribe', payload: { query: `# ${'x'.repeat(10_000)}\n${PACK_HEALTH}` } });
    expect((await s.closed).code).toBe(1009);
  });

  it('answers a syntax error for that subscription only; the socket and its other subscriptions live on', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'good', type: 'subscribe', payload: { query: PACK_HEALTH } });
    await s.next((f) => f.id === 'good' && f.type === 'next');
    s.send({ id: 'bad', type: 'subscribe', payload: { query: 'subscription { packHealthChanged { ' } });
    const error = await s.next((f) => f.id === 'bad');
    expect(error.type).toBe('error');
    expect((error.payload as { extensions: { code: string } }[])[0].extensions.code).toBe('GRAPHQL_PARSE_FAILED');
    await t.app.db.sql.query(`UPDATE pricing_packs SET prewarm_done = NOT prewarm_done WHERE id = 'PP_2026-11-20'`);
    const change = await s.next((f) => f.id === 'good' && f.type === 'next' && s.frames.filter((g) => g.id === 'good').length > 1);
    expect(change.type).toBe('next');
  });

  it('applies the operation limits on ws too (aliases)', async () => {
    const s = open();
    await s.init();
    const aliases = Array.from({ length: 16 }, (_, i) => `a${i}: packHealth { status }`).join(' ');
    s.send({ id: 'q', type: 'subscribe', payload: { query: `{ ${aliases} }` } });
    const error = await s.next((f) => f.id === 'q');
    expect(error.type).toBe('error');
    expect((error.payload as { message: string }[])[0].message).toMatch(/aliases limit/i);
  });

  it('applies the token limit on ws too', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'q', type: 'subscribe', payload: { query: `{ packHealth { ${'status '.repeat(2500)} } }`.slice(0, 4000) } });
    const error = await s.next((f) => f.id === 'q');
    expect(error.type).toBe('error');
  });

  it('hides field suggestions on ws too', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'q', type: 'subscribe', payload: { query: '{ packHealt { status } }' } });
    const error = await s.next((f) => f.id === 'q');
    expect((error.payload as { message: string }[])[0].message).toBe('Cannot query field "packHealt" on type "Query".');
  });

  it('caps subscriptions per connection', async () => {
    const s = open();
    await s.init();
    for (const id of ['1', '2', '3']) s.send({ id, type: 'subscribe', payload: { query: PACK_HEALTH } });
    await Promise.all(['1', '2', '3'].map((id) => s.next((f) => f.id === id && f.type === 'next')));
    s.send({ id: '4', type: 'subscribe', payload: { query: PACK_HEALTH } });
    const error = await s.next((f) => f.id === '4');
    expect(error.type).toBe('error');
    expect((error.payload as { extensions: { code: string } }[])[0].extensions.code).toBe('TOO_MANY_SUBSCRIPTIONS');
  });

  it('refuses mutations over ws (HTTP only)', async () => {
    const s = open();
    await s.init({ authorization: `Bearer ${await t.token('demo-admin')}` });
    s.send({
      id: 'm',
      type: 'subscribe',
      payload: { query: 'mutation { grantCredits(tenantId: "demo", amount: 5, reason: "ws") { id } }' },
    });
    const error = await s.next((f) => f.id === 'm');
    expect(error.type).toBe('error');
    expect((error.payload as { message: string }[])[0].message).toBe('Mutations are accepted over HTTP only');
  });

  describe('variables', () => {
    const BY_PACK = 'subscription($p: ID) { packHealthChanged(packId: $p) { status packId } }';
    type ErrorPayload = { message: string; extensions?: { code?: string; path?: string[] } }[];

    it('refuses a variable of the wrong type as BAD_USER_INPUT, without suggestions, before the operation starts', async () => {
      const s = open();
      await s.init();
      s.send(
        '{"id":"inf","type":"subscribe","payload":{"query":"subscription($p: ID) { packHealthChanged(packId: $p) { status } }","variables":{"p":1e400}}}',
      );
      const error = await s.next((f) => f.id === 'inf');
      expect(error.type).toBe('error');
      expect((error.payload as ErrorPayload)[0]).toMatchObject({
        message: expect.stringMatching(/ID cannot represent/),
        extensions: { code: 'BAD_USER_INPUT' },
      });
      s.send({
        id: 'enum',
        type: 'subscribe',
        payload: {
          query: 'query($s: ExecutionStatus!) { executions(filter: { status: [$s] }) { edges { cursor } } }',
          variables: { s: 'SUCCES' },
        },
      });
      const hint = await s.next((f) => f.id === 'enum');
      expect((hint.payload as ErrorPayload)[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect((hint.payload as ErrorPayload)[0].message).not.toMatch(/Did you mean/);
    });

    it('refuses a NUL in an argument with its path, and the socket lives on', async () => {
      const s = open();
      await s.init();
      s.send({ id: 'nul', type: 'subscribe', payload: { query: BY_PACK, variables: { p: 'PP_\u0000' } } });
      const refused = await s.next((f) => f.id === 'nul' && f.type === 'next');
      expect((refused.payload as { errors: ErrorPayload }).errors[0].extensions).toMatchObject({
        code: 'BAD_USER_INPUT',
        path: ['packId'],
      });
      s.send({ id: 'ok', type: 'subscribe', payload: { query: BY_PACK, variables: { p: 'PP_2026-11-20' } } });
      expect((await s.next((f) => f.id === 'ok')).payload).toMatchObject({ data: { packHealthChanged: { packId: 'PP_2026-11-20' } } });
    });

    it('serves a subscription sent with an unused variable JSON cannot write back (1e400)', async () => {
      const s = open();
      await s.init();
      s.send(`{"id":"odd","type":"subscribe","payload":{"query":${JSON.stringify(PACK_HEALTH)},"variables":{"unused":1e400}}}`);
      const first = await s.next((f) => f.id === 'odd');
      expect(first).toMatchObject({ type: 'next', payload: { data: { packHealthChanged: { packId: 'PP_2026-11-20' } } } });
    });
  });

  it('refuses a bad token in connection_init (4403)', async () => {
    const s = open();
    await s.opened();
    s.send({ type: 'connection_init', payload: { authorization: 'Bearer nope' } });
    expect((await s.closed).code).toBe(4403);
  });

  it.each([
    ['an object', { authorization: { not: 'x' } }],
    ['a number', { authorization: 42 }],
    ['an array', { authorization: ['Bearer a', 'Bearer b'] }],
    ['null', { authorization: null }],
    ['two spellings that differ', { authorization: 'Bearer a', Authorization: 'Bearer b' }],
  ])('treats connectionParams.authorization given as %s as a bad credential (4403), never as anonymous', async (_what, payload) => {
    const s = open();
    await s.opened();
    s.send({ type: 'connection_init', payload });
    expect((await s.closed).code).toBe(4403);
    expect(s.frames.some((f) => f.type === 'connection_ack')).toBe(false);
  });

  it('reads authorization in any letter case', async () => {
    const s = open();
    await s.init({ AUTHORIZATION: `Bearer ${await t.token('demo-analyst')}` });
    s.send({ id: 'v', type: 'subscribe', payload: { query: '{ viewer { userId } }' } });
    const result = await s.next((f) => f.id === 'v' && f.type === 'next');
    expect(result.payload).toEqual({ data: { viewer: { userId: 'demo-analyst' } } });
  });

  it('still serves a normal subscription afterwards', async () => {
    const s = open();
    await s.init();
    s.send({ id: 'ok', type: 'subscribe', payload: { query: PACK_HEALTH } });
    const first = await s.next((f) => f.id === 'ok');
    expect(first.payload).toMatchObject({ data: { packHealthChanged: { packId: 'PP_2026-11-20' } } });
  });
});
