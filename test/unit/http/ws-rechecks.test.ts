import { CredentialRechecks, WS_FORBIDDEN } from '../../../src/http/ws-rechecks';
import { WsSessions, type Session } from '../../../src/http/ws-sessions';
import { unauthenticated } from '../../../src/shared/errors';
import type { Viewer } from '../../../src/auth/roles';

function fakeSession(userId: string, operationIds: string[], roles: string[] = []) {
  const frames: string[] = [];
  const closed: [number, string][] = [];
  const session = {
    subscriptions: Object.fromEntries(operationIds.map((id) => [id, null])),
    extra: {
      viewer: { userId, tenantId: 't', roles },
      deliver: (frame: string) => frames.push(frame),
      socket: { close: (code: number, reason: string) => closed.push([code, reason]) },
    },
  } as unknown as Session;
  return { session, frames, closed };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('CredentialRechecks', () => {
  const verdicts = new Map<string, () => Promise<Viewer | undefined>>();
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
    verdicts.set('Bearer fine', () => Promise.resolve({ userId: 'u3', tenantId: 't', roles: [] }));
    rechecks.recheckAll();
    await settle();
    expect([frames, closed]).toEqual([[], []]);
    rechecks.forget(session);
  });

  it('ends the connection of a user who lost a role (FORBIDDEN, complete, 4403), re-checking only that user when told', async () => {
    const demoted = fakeSession('u4', ['a'], ['analyst', 'admin']);
    const bystander = fakeSession('u5', ['a'], ['admin']);
    sessions.add(demoted.session);
    sessions.add(bystander.session);
    rechecks.track(demoted.session, 'Bearer demoted');
    rechecks.track(bystander.session, 'Bearer bystander');
    let bystanderChecks = 0;
    verdicts.set('Bearer demoted', () => Promise.resolve({ userId: 'u4', tenantId: 't', roles: ['analyst'] }));
    verdicts.set('Bearer bystander', () => {
      bystanderChecks++;
      return Promise.resolve({ userId: 'u5', tenantId: 't', roles: ['admin'] });
    });
    rechecks.recheckUser('u4');
    await settle();
    expect(demoted.frames.map((f) => JSON.parse(f))).toEqual([
      {
        id: 'a',
        type: 'next',
        payload: { errors: [{ message: "The user's roles changed; connect again", extensions: { code: 'FORBIDDEN' } }] },
      },
      { id: 'a', type: 'complete' },
    ]);
    expect(demoted.closed).toEqual([[WS_FORBIDDEN, 'Forbidden: the roles changed']]);
    expect([bystanderChecks, bystander.frames, bystander.closed]).toEqual([0, [], []]);
    rechecks.forget(bystander.session);
  });

  it('keeps the connection of a user who only gained roles, and runs its later operations with them', async () => {
    const { session, frames, closed } = fakeSession('u6', ['a'], ['viewer']);
    rechecks.track(session, 'Bearer promoted');
    verdicts.set('Bearer promoted', () => Promise.resolve({ userId: 'u6', tenantId: 't', roles: ['viewer', 'analyst'] }));
    rechecks.recheckAll();
    await settle();
    expect([frames, closed]).toEqual([[], []]);
    expect(session.extra.viewer?.roles).toEqual(['viewer', 'analyst']);
    rechecks.forget(session);
  });
});
