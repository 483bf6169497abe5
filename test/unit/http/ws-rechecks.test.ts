import { CredentialRechecks, WS_FORBIDDEN } from '../../../src/http/ws-rechecks';
import { WsSessions, type Session } from '../../../src/http/ws-sessions';
import { unauthenticated } from '../../../src/shared/errors';

function fakeSession(userId: string, operationIds: string[]) {
  const frames: string[] = [];
  const closed: [number, string][] = [];
  const session = {
    subscriptions: Object.fromEntries(operationIds.map((id) => [id, null])),
    extra: {
      viewer: { userId, tenantId: 't', roles: [] },
      deliver: (frame: string) => frames.push(frame),
      socket: { close: (code: number, reason: string) => closed.push([code, reason]) },
    },
  } as unknown as Session;
  return { session, frames, closed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CredentialRechecks', () => {
  const verdicts = new Map<string, () => Promise<unknown>>();
  const sessions = new WsSessions();
  const rechecks = new CredentialRechecks((authorization) => verdicts.get(authorization)!(), sessions);

  it('ends each operation of a connection whose credential is gone (UNAUTHENTICATED, complete), then closes it with 4403', async () => {
    const { session, frames, closed } = fakeSession('u1', ['a', 'b']);
    sessions.add(session);
    rechecks.track(session, 'Bearer expired');
    verdicts.set('Bearer expired', () => Promise.reject(unauthenticated('The token has expired')));
    rechecks.recheckAll();
    await settle();
    const ending = { errors: [{ message: 'The credential is no longer valid; sign in again', extensions: { code: 'UNAUTHENTICATED' } }] };
    expect(frames.map((f) => JSON.parse(f))).toEqual([
      { id: 'a', type: 'next', payload: ending },
      { id: 'a', type: 'complete' },
      { id: 'b', type: 'next', payload: ending },
      { id: 'b', type: 'complete' },
    ]);
    expect(closed).toEqual([[WS_FORBIDDEN, 'Forbidden: the credential is no longer valid']]);
    // Forgotten: the next round does not end it again.
    rechecks.recheckAll();
    await settle();
    expect(closed).toHaveLength(1);
  });

  it('keeps a connection whose re-check could not reach the database (an outage is not a sign-out)', async () => {
    const { session, frames, closed } = fakeSession('u2', ['a']);
    rechecks.track(session, 'Bearer during-outage');
    verdicts.set('Bearer during-outage', () => Promise.reject(Object.assign(new Error('connect ECONNREFUSED'), { code: 'ECONNREFUSED' })));
    rechecks.recheckAll();
    await settle();
    expect(frames).toEqual([]);
    expect(closed).toEqual([]);
    rechecks.forget(session);
  });

  it('keeps a connection whose credential still holds', async () => {
    const { session, frames, closed } = fakeSession('u3', ['a']);
    rechecks.track(session, 'Bearer fine');
    verdicts.set('Bearer fine', () => Promise.resolve({ userId: 'u3' }));
    rechecks.recheckAll();
    await settle();
    expect([frames, closed]).toEqual([[], []]);
    rechecks.forget(session);
  });
});
