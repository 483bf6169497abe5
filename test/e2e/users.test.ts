import type { Client } from 'graphql-ws';
import {
  AuditLogDocument,
  CreateUserDocument,
  RemoveUserDocument,
  SetUserRolesDocument,
  UsersDocument,
  ViewerDocument,
} from '../generated/operations';
import { Tenancy } from '../../src/tenancy/tenancy';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server';

const ADMIN = { as: 'demo-admin' };
const operator = (tenantId: string) => ({ userId: 'cli:test', tenantId, traceId: 't'.repeat(32), requestId: 'test-setup' });

function errorOf(response: GraphQLResponse<unknown>): { code: unknown; path: unknown; message: string } {
  expect(response.errors).toHaveLength(1);
  const [error] = response.errors!;
  return { code: error.extensions?.code, path: error.extensions?.path, message: error.message };
}

/** What a live subscription saw: its payloads (errors included), whether it completed, and the close code. */
interface Watched {
  payloads: { data?: unknown; errors?: { message: string; extensions?: { code?: string } }[] }[];
  completed: Promise<void>;
  closedWith: Promise<number>;
  started: Promise<void>;
}

/** Subscribes to packHealthChanged over a real graphql-ws client and records what happens to it. */
function watch(client: Client): Watched {
  const payloads: Watched['payloads'] = [];
  let started!: () => void;
  let completed!: () => void;
  let closed!: (code: number) => void;
  const watched: Watched = {
    payloads,
    started: new Promise((resolve) => (started = resolve)),
    completed: new Promise((resolve) => (completed = resolve)),
    closedWith: new Promise((resolve) => (closed = resolve)),
  };
  client.on('closed', (event) => closed((event as { code: number }).code));
  client.subscribe(
    { query: 'subscription { packHealthChanged { status } }' },
    {
      next: (payload) => {
        payloads.push(payload as Watched['payloads'][number]);
        started();
      },
      error: () => completed(),
      complete: () => completed(),
    },
  );
  return watched;
}

describe('users: admins manage their own tenant', () => {
  let database: TestDatabase;
  let t: TestServer;
  let tenancy: Tenancy;

  beforeAll(async () => {
    database = await openTestDatabase();
    // A long re-check interval: what closes sockets below is the change itself, not the timer.
    t = await startTestServer({ database, config: { wsReauthIntervalMs: 60_000 } });
    tenancy = new Tenancy(t.app.data);
    // Tenant `other` gets an admin of its own, for the cross-tenant cases.
    await tenancy.createUser(operator('other'), { tenantId: 'other', userId: 'other-admin', roles: ['admin'] });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  it("lists the caller's tenant's users only, by id", async () => {
    const demo = await t.request(UsersDocument, { first: 50 }, ADMIN);
    expect(demo.errors).toBeUndefined();
    const ids = demo.data!.users.edges.map((e) => e.node.userId);
    expect(ids).toEqual(['demo-admin', 'demo-analyst', 'demo-viewer', 'pack-builder']);
    expect(demo.data!.users.edges.every((e) => e.node.tenantId === 'demo')).toBe(true);
    const other = await t.request(UsersDocument, {}, { as: 'other-admin' });
    expect(other.data!.users.edges.map((e) => e.node.userId)).toEqual(['other-admin', 'other-analyst']);
  });

  describe('createUser', () => {
    it('adds a user whose token then works, audited with the admin as actor', async () => {
      const created = await t.request(
        CreateUserDocument,
        { input: { userId: 'new.analyst@demo', roles: ['analyst', 'viewer', 'analyst'] } },
        ADMIN,
      );
      expect(created.errors).toBeUndefined();
      expect(created.data!.createUser).toMatchObject({ userId: 'new.analyst@demo', tenantId: 'demo', roles: ['viewer', 'analyst'] });
      const viewer = await t.request(ViewerDocument, {}, { as: 'new.analyst@demo' });
      expect(viewer.data!.viewer).toMatchObject({ userId: 'new.analyst@demo', tenantId: 'demo', roles: ['viewer', 'analyst'] });
      const audit = await t.request(AuditLogDocument, { filter: { action: 'user.create', resource: 'user:new.analyst@demo' } }, ADMIN);
      expect(audit.data!.auditLog.edges.map((e) => e.node)).toEqual([
        expect.objectContaining({ actorId: 'demo-admin', tenantId: 'demo', changes: { roles: ['viewer', 'analyst'] }, result: 'OK' }),
      ]);
    });

    it('refuses a bad id and bad roles at their paths', async () => {
      const response = await t.request(CreateUserDocument, { input: { userId: 'cli:root', roles: ['admin', 'root'] } }, ADMIN);
      expect(errorOf(response)).toMatchObject({ code: 'BAD_USER_INPUT', path: ['userId', 'roles.1'] });
      const none = await t.request(CreateUserDocument, { input: { userId: 'nobody-yet', roles: [] } }, ADMIN);
      expect(errorOf(none)).toMatchObject({ code: 'BAD_USER_INPUT', path: ['roles'] });
    });

    it('refuses an id in use in this tenant or any other alike, without saying where', async () => {
      const here = errorOf(await t.request(CreateUserDocument, { input: { userId: 'demo-viewer', roles: ['viewer'] } }, ADMIN));
      const elsewhere = errorOf(await t.request(CreateUserDocument, { input: { userId: 'other-analyst', roles: ['viewer'] } }, ADMIN));
      expect(here).toEqual({ code: 'BAD_USER_INPUT', path: ['userId'], message: 'The user id demo-viewer is not available' });
      expect(elsewhere).toEqual({ code: 'BAD_USER_INPUT', path: ['userId'], message: 'The user id other-analyst is not available' });
    });
  });

  describe('setUserRoles and removeUser', () => {
    it("answers another tenant's user exactly like a missing one, and leaves it alone", async () => {
      for (const document of ['set', 'remove'] as const) {
        const ask = (userId: string) =>
          document === 'set'
            ? t.request(SetUserRolesDocument, { userId, roles: ['viewer'] }, ADMIN)
            : t.request(RemoveUserDocument, { userId }, ADMIN);
        const foreign = errorOf(await ask('other-analyst'));
        const missing = errorOf(await ask('no-such-user'));
        expect(foreign).toEqual({ code: 'NOT_FOUND', path: undefined, message: 'No user other-analyst' });
        expect({ ...missing, message: missing.message.replace('no-such-user', 'other-analyst') }).toEqual(foreign);
      }
      const [row] = await database.owner.query<{ roles: string[]; removed: boolean }>(
        `SELECT roles, removed_at IS NOT NULL AS removed FROM users WHERE id = 'other-analyst'`,
      );
      expect(row).toEqual({ roles: ['analyst'], removed: false });
    });

    it('never takes admin from the last admin of a tenant: not by demotion, not by removal, not themselves', async () => {
      expect(errorOf(await t.request(SetUserRolesDocument, { userId: 'other-admin', roles: ['analyst'] }, { as: 'other-admin' }))).toEqual({
        code: 'BAD_USER_INPUT',
        path: ['roles'],
        message: 'other-admin is the last admin of tenant other and cannot lose the admin role: make another user admin first',
      });
      expect(errorOf(await t.request(RemoveUserDocument, { userId: 'other-admin' }, { as: 'other-admin' }))).toMatchObject({
        code: 'BAD_USER_INPUT',
        path: ['userId'],
      });
      // Keeping admin among other roles is fine.
      const kept = await t.request(SetUserRolesDocument, { userId: 'other-admin', roles: ['admin', 'analyst'] }, { as: 'other-admin' });
      expect(kept.data!.setUserRoles!.roles).toEqual(['analyst', 'admin']);
    });

    it('two admins demoting or removing each other at once leave exactly one admin', async () => {
      for (let round = 0; round < 4; round++) {
        const tenantId = `race-${round}`;
        await tenancy.createTenant(operator(tenantId), { tenantId });
        const [a, b] = [`${tenantId}-a`, `${tenantId}-b`];
        for (const userId of [a, b]) await tenancy.createUser(operator(tenantId), { tenantId, userId, roles: ['admin'] });
        const [first, second] =
          round % 2 === 0
            ? await Promise.all([
                t.request(SetUserRolesDocument, { userId: b, roles: ['viewer'] }, { as: a }),
                t.request(SetUserRolesDocument, { userId: a, roles: ['viewer'] }, { as: b }),
              ])
            : await Promise.all([
                t.request(RemoveUserDocument, { userId: b }, { as: a }),
                t.request(RemoveUserDocument, { userId: a }, { as: b }),
              ]);
        const outcomes = [first, second].map((r) => (r.errors ? r.errors[0].extensions?.code : 'OK'));
        // The loser was refused either as the last admin's demoter, or (its own removal or demotion
        // having committed first) because its credential no longer reaches the field.
        expect(outcomes.filter((o) => o === 'OK')).toHaveLength(1);
        expect(['BAD_USER_INPUT', 'FORBIDDEN', 'UNAUTHENTICATED']).toContain(outcomes.find((o) => o !== 'OK'));
        const admins = await database.owner.query<{ id: string }>(
          `SELECT id FROM users WHERE tenant_id = $1 AND removed_at IS NULL AND 'admin' = ANY(roles)`,
          [tenantId],
        );
        expect(admins).toHaveLength(1);
      }
    });
  });

  describe('live access follows the change at once', () => {
    it('a removed user: tokens refused, subscriptions ended with UNAUTHENTICATED then closed with 4403; the id stays in history and is never reused', async () => {
      await tenancy.createUser(operator('demo'), { tenantId: 'demo', userId: 'leaving', roles: ['viewer'] });
      const watched = watch(t.wsClient({ as: 'leaving' }));
      await watched.started;
      const removed = await t.request(RemoveUserDocument, { userId: 'leaving' }, ADMIN);
      expect(removed.data!.removeUser).toEqual({ userId: 'leaving', roles: ['viewer'] });
      await watched.completed;
      expect(watched.payloads.at(-1)!.errors![0].extensions!.code).toBe('UNAUTHENTICATED');
      expect(await watched.closedWith).toBe(4403);

      expect(errorOf(await t.request(ViewerDocument, {}, { as: 'leaving' })).code).toBe('UNAUTHENTICATED');
      expect((await t.request(UsersDocument, { first: 50 }, ADMIN)).data!.users.edges.map((e) => e.node.userId)).not.toContain('leaving');
      const audit = await t.request(AuditLogDocument, { filter: { action: 'user.remove', resource: 'user:leaving' } }, ADMIN);
      expect(audit.data!.auditLog.edges.map((e) => e.node.actorId)).toEqual(['demo-admin']);
      const again = await t.request(CreateUserDocument, { input: { userId: 'leaving', roles: ['admin'] } }, ADMIN);
      expect(errorOf(again)).toMatchObject({ code: 'BAD_USER_INPUT', path: ['userId'] });
    });

    it('a user who lost a role: subscriptions ended with FORBIDDEN then closed; a user who gained one keeps theirs', async () => {
      await tenancy.createUser(operator('demo'), { tenantId: 'demo', userId: 'demoted', roles: ['analyst'] });
      await tenancy.createUser(operator('demo'), { tenantId: 'demo', userId: 'promoted', roles: ['viewer'] });
      const demoted = watch(t.wsClient({ as: 'demoted' }));
      const promoted = watch(t.wsClient({ as: 'promoted' }));
      await Promise.all([demoted.started, promoted.started]);

      expect((await t.request(SetUserRolesDocument, { userId: 'demoted', roles: ['viewer'] }, ADMIN)).errors).toBeUndefined();
      expect((await t.request(SetUserRolesDocument, { userId: 'promoted', roles: ['viewer', 'analyst'] }, ADMIN)).errors).toBeUndefined();
      await demoted.completed;
      expect(demoted.payloads.at(-1)!.errors![0]).toMatchObject({ extensions: { code: 'FORBIDDEN' } });
      expect(await demoted.closedWith).toBe(4403);
      // Their very next request carries the new roles: the cached user was forgotten.
      expect((await t.request(ViewerDocument, {}, { as: 'demoted' })).data!.viewer.roles).toEqual(['viewer']);

      const stillOpen = await Promise.race([promoted.closedWith, new Promise((resolve) => setTimeout(() => resolve('open'), 500))]);
      expect(stillOpen).toBe('open');
      expect(promoted.payloads.every((p) => p.errors === undefined)).toBe(true);
    });
  });
});
