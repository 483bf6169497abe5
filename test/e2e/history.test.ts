// executions and auditLog through the real server: shield, tenancy, connections, error codes.
import { randomUUID } from 'node:crypto';
import { appendAudit } from '../../src/data/audit/audit-writer';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server';

const EXECUTIONS = /* GraphQL */ `
  query Executions($filter: ExecutionFilter, $first: Int, $after: String) {
    executions(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          status
          createdAt
          creditsConsumed
          pattern {
            id
            version
          }
          metadata {
            patternId
            pricingPackId
            traceId
          }
        }
      }
      pageInfo {
        hasNextPage
        hasPreviousPage
        startCursor
        endCursor
      }
    }
  }
`;

const AUDIT_LOG = /* GraphQL */ `
  query AuditLog($filter: AuditFilter, $first: Int, $after: String) {
    auditLog(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          occurredAt
          actorId
          tenantId
          action
          resource
          changes
          result
          traceId
          requestId
        }
      }
      pageInfo {
        hasNextPage
        endCursor
      }
    }
  }
`;

interface Connection<T> {
  edges: { cursor: string; node: T }[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage?: boolean; startCursor?: string | null; endCursor: string | null };
}
type ExecutionNode = {
  id: string;
  status: string;
  createdAt: string;
  pattern: { id: string; version: string };
  metadata: { patternId: string };
};
type AuditNode = {
  id: string;
  occurredAt: string;
  actorId: string | null;
  tenantId: string | null;
  action: string;
  resource: string | null;
  changes: unknown;
  result: string;
  traceId: string | null;
};
type ExecutionsData = { executions: Connection<ExecutionNode> };

interface Run {
  id: string;
  tenantId: string;
  status: 'SUCCESS' | 'FAILED' | 'PARTIAL';
  createdAt: Date;
}

describe('execution history and audit log', () => {
  let t: TestServer;
  let pattern: { patternId: string; version: string };
  const runs: Run[] = [];
  const TRACE = `history-e2e-${randomUUID()}`;

  /** Every page of a connection, following endCursor. */
  async function all<T>(
    query: string,
    field: 'executions' | 'auditLog',
    variables: Record<string, unknown>,
    as: string,
    first = 3,
  ): Promise<T[]> {
    const nodes: T[] = [];
    let after: string | null = null;
    for (let pages = 0; pages < 1000; pages++) {
      const response: GraphQLResponse<Record<string, Connection<T>>> = await t.request<
        Record<string, Connection<T>>,
        Record<string, unknown>
      >(query, { ...variables, first, after }, { as });
      expect(response.errors).toBeUndefined();
      const connection: Connection<T> = response.data![field];
      nodes.push(...connection.edges.map((e) => e.node));
      if (!connection.pageInfo.hasNextPage) return nodes;
      after = connection.pageInfo.endCursor;
    }
    throw new Error('paging did not end');
  }

  const newestFirst = (rows: Run[]) => [...rows].sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime() || (a.id < b.id ? 1 : -1));

  beforeAll(async () => {
    t = await startTestServer();
    const prisma = t.app.db.prisma;
    const version = await prisma.patternVersion.findFirstOrThrow({
      where: { patternId: 'portfolio_overview' },
      orderBy: { createdAt: 'desc' },
    });
    pattern = { patternId: version.patternId, version: version.version };
    const base = Date.parse('2026-10-01T09:00:00Z');
    const statuses = ['SUCCESS', 'FAILED', 'PARTIAL'] as const;
    for (let i = 0; i < 14; i++) {
      const tenantId = i % 2 ? 'other' : 'demo';
      runs.push({ id: randomUUID(), tenantId, status: statuses[i % 3], createdAt: new Date(base + Math.floor(i / 2) * 60_000) });
    }
    await prisma.execution.createMany({
      data: runs.map((r) => ({
        id: r.id,
        tenantId: r.tenantId,
        userId: r.tenantId === 'demo' ? 'demo-analyst' : 'other-analyst',
        patternId: pattern.patternId,
        patternVersion: pattern.version,
        portfolioId: r.tenantId === 'demo' ? 'pf-demo-growth' : 'pf-other-income',
        status: r.status,
        packId: 'PP_2026-11-20',
        asofDate: new Date('2026-11-20T00:00:00Z'),
        inputs: {},
        traceId: TRACE,
        requestId: 'history-e2e',
        createdAt: r.createdAt,
      })),
    });
    // An admin of the other tenant, to see that an admin's log is their own tenant's.
    await prisma.user.create({ data: { id: 'other-admin', tenantId: 'other', roles: ['admin'] } });
    for (const [tenantId, action, result] of [
      ['demo', 'history.test.grant', 'OK'],
      ['other', 'history.test.grant', 'OK'],
      ['demo', 'history.test.export', 'DENIED'],
      ['other', 'history.test.export', 'DENIED'],
      ['demo', 'history.test.grant', 'OK'],
    ] as const) {
      await appendAudit(t.app.db.sql, {
        tenantId,
        actorId: `${tenantId}-admin`,
        action,
        resource: `tenant:${tenantId}`,
        changes: { note: 'history e2e' },
        result,
        traceId: TRACE,
        requestId: 'history-e2e',
      });
    }
    // An operator action with no tenant belongs to no tenant's log.
    await appendAudit(t.app.db.sql, {
      tenantId: null,
      actorId: 'operator',
      action: 'history.test.grant',
      resource: null,
      result: 'OK',
      traceId: TRACE,
      requestId: null,
    });
  });
  afterAll(async () => {
    await t?.close();
  });

  describe('executions', () => {
    it("lists the caller's tenant's executions newest first, paging with stable cursors", async () => {
      const demoIds = new Set(runs.filter((r) => r.tenantId === 'demo').map((r) => r.id));
      const otherIds = new Set(runs.filter((r) => r.tenantId === 'other').map((r) => r.id));
      const seen = await all<ExecutionNode>(EXECUTIONS, 'executions', {}, 'demo-viewer');
      expect(seen.filter((n) => otherIds.has(n.id))).toEqual([]);
      // Ours, in order (the tenant may have other runs from elsewhere in its history).
      expect(seen.filter((n) => demoIds.has(n.id)).map((n) => n.id)).toEqual(
        newestFirst(runs.filter((r) => r.tenantId === 'demo')).map((r) => r.id),
      );
      const times = seen.map((n) => Date.parse(n.createdAt));
      expect(times).toEqual([...times].sort((a, b) => b - a));
      expect(new Set(seen.map((n) => n.id)).size).toBe(seen.length);
    });

    it("does not show demo's executions to other-analyst", async () => {
      const seen = await all<ExecutionNode>(EXECUTIONS, 'executions', {}, 'other-analyst');
      const demoIds = new Set(runs.filter((r) => r.tenantId === 'demo').map((r) => r.id));
      expect(seen.filter((n) => demoIds.has(n.id))).toEqual([]);
      expect(seen.map((n) => n.id)).toEqual(expect.arrayContaining(runs.filter((r) => r.tenantId === 'other').map((r) => r.id)));
      // Not through a filter on demo's portfolio either.
      const filtered = await all<ExecutionNode>(EXECUTIONS, 'executions', { filter: { portfolioId: 'pf-demo-growth' } }, 'other-analyst');
      expect(filtered).toEqual([]);
    });

    it('resolves the PatternExecution fields of each node', async () => {
      const response = await t.request<ExecutionsData, Record<string, unknown>>(
        EXECUTIONS,
        { first: 1, filter: { patternId: pattern.patternId, to: '2026-10-01T09:01:00.000Z' } },
        { as: 'demo-analyst' },
      );
      expect(response.errors).toBeUndefined();
      const [edge] = response.data!.executions.edges;
      const first = runs[0];
      expect(edge.node).toMatchObject({
        id: first.id,
        status: first.status,
        createdAt: first.createdAt.toISOString(),
        pattern: { id: pattern.patternId, version: pattern.version },
        metadata: { patternId: pattern.patternId },
      });
      expect(response.data!.executions.pageInfo).toMatchObject({
        hasPreviousPage: false,
        startCursor: edge.cursor,
        endCursor: edge.cursor,
      });
    });

    it('filters by status, pattern, portfolio and date range', async () => {
      const from = new Date('2026-10-01T09:01:00.000Z');
      const to = new Date('2026-10-01T09:05:00.000Z');
      const seen = await all<ExecutionNode>(
        EXECUTIONS,
        'executions',
        {
          filter: {
            status: ['SUCCESS', 'PARTIAL'],
            patternId: pattern.patternId,
            portfolioId: 'pf-demo-growth',
            from: from.toISOString(),
            to: to.toISOString(),
          },
        },
        'demo-admin',
        2,
      );
      const expected = newestFirst(
        runs.filter((r) => r.tenantId === 'demo' && r.status !== 'FAILED' && r.createdAt >= from && r.createdAt < to),
      ).map((r) => r.id);
      expect(expected.length).toBeGreaterThan(0);
      expect(seen.map((n) => n.id)).toEqual(expected);
    });

    it('answers a cursor it did not issue with BAD_USER_INPUT', async () => {
      const response = await t.request(EXECUTIONS, { after: 'not-a-cursor' }, { as: 'demo-viewer' });
      expect(response.data).toBeNull();
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['after'] });
    });

    it('needs a token', async () => {
      const response = await t.request(EXECUTIONS, {});
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });
  });

  describe('auditLog', () => {
    it("gives demo-admin demo's entries only, newest first", async () => {
      const seen = await all<AuditNode>(AUDIT_LOG, 'auditLog', {}, 'demo-admin', 2);
      expect(seen.length).toBeGreaterThan(0);
      expect(seen.every((n) => n.tenantId === 'demo')).toBe(true);
      const ours = seen.filter((n) => n.traceId === TRACE);
      expect(ours.map((n) => n.action)).toEqual(['history.test.grant', 'history.test.export', 'history.test.grant']);
      expect(ours[0]).toMatchObject({ actorId: 'demo-admin', resource: 'tenant:demo', changes: { note: 'history e2e' }, result: 'OK' });
      const ids = seen.map((n) => BigInt(n.id));
      expect(new Set(ids).size).toBe(ids.length);
    });

    it("gives other-admin the other tenant's entries only", async () => {
      const seen = await all<AuditNode>(AUDIT_LOG, 'auditLog', { filter: { action: 'history.test.grant' } }, 'other-admin');
      expect(seen.map((n) => [n.tenantId, n.traceId])).toEqual([['other', TRACE]]);
    });

    it('filters by action, actor, resource, result and time', async () => {
      const seen = await all<AuditNode>(
        AUDIT_LOG,
        'auditLog',
        {
          filter: {
            action: 'history.test.export',
            actorId: 'demo-admin',
            resource: 'tenant:demo',
            result: 'DENIED',
            from: '2000-01-01T00:00:00Z',
            to: new Date(Date.now() + 60_000).toISOString(),
          },
        },
        'demo-admin',
      );
      expect(seen.map((n) => [n.action, n.result, n.tenantId])).toEqual([['history.test.export', 'DENIED', 'demo']]);
      const none = await all<AuditNode>(
        AUDIT_LOG,
        'auditLog',
        { filter: { action: 'history.test.export', to: '2000-01-01T00:00:00Z' } },
        'demo-admin',
      );
      expect(none).toEqual([]);
    });

    it.each(['demo-analyst', 'demo-viewer', 'other-analyst', 'pack-builder'])('refuses %s with FORBIDDEN', async (user) => {
      const response = await t.request(AUDIT_LOG, {}, { as: user });
      expect(response.data).toBeNull();
      expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });

    it('needs a token', async () => {
      const response = await t.request(AUDIT_LOG, {});
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    });

    it('answers a cursor it did not issue with BAD_USER_INPUT', async () => {
      const response = await t.request(AUDIT_LOG, { after: 'bm9wZQ' }, { as: 'demo-admin' });
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['after'] });
    });
  });
});
