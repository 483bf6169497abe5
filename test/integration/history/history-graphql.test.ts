import { ROOT_CONTEXT } from '@opentelemetry/api';
// The history resolvers through a GraphQL schema of their own (the server's schema wires them in
// build-schema.ts; the e2e suite covers that path and the shield). Here: SDL, argument handling,
// mapping to the connection types, error codes, and the tenant taken from the caller.
import { createPubSub } from '@graphql-yoga/subscription';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { graphql, parse, validate, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { appendAudit } from '../../../src/data/audit/audit-writer';
import { AuditQuery } from '../../../src/data/audit/audit-query';
import { ExecutionHistory } from '../../../src/data/executions/execution-history';
import { ExecutionRepository } from '../../../src/data/executions/execution-repository';
import { seedDemoData } from '../../../src/demo/seed-demo';
import type { Role } from '../../../src/auth/roles';
import type { GraphQLContext } from '../../../src/graphql/context';
import { ExecutionResolver } from '../../../src/graphql/executions/execution-resolver';
import { AuditLogResolver, ExecutionHistoryResolver, type HistoryServices } from '../../../src/graphql/history/history-resolver';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';
import { createPatternVersion, insertExecutions, newestFirst, type ExecutionRow } from './history-fixtures';

let test: TestDatabase;
let schema: GraphQLSchema;
let demoRuns: ExecutionRow[];
let otherRuns: ExecutionRow[];

beforeAll(async () => {
  test = await openTestDatabase();
  expect((await seedDemoData(test.data)).seeded).toBe(true);
  schema = await buildSchema({
    resolvers: [ExecutionResolver, ExecutionHistoryResolver, AuditLogResolver],
    validate: false,
    skipCheck: true,
    emitSchemaFile: false,
    pubSub: createPubSub(),
  });
  await createPatternVersion(test.db.prisma, 'history_gql');
  const at = (i: number) => new Date(Date.parse('2026-07-01T10:00:00Z') + i * 60_000);
  demoRuns = await insertExecutions(
    test.db.prisma,
    Array.from({ length: 9 }, (_, i) => ({
      tenantId: 'demo',
      patternId: 'history_gql',
      portfolioId: 'pf-demo-growth',
      status: i % 3 === 0 ? ('FAILED' as const) : ('SUCCESS' as const),
      createdAt: at(i),
    })),
  );
  otherRuns = await insertExecutions(
    test.db.prisma,
    Array.from({ length: 4 }, (_, i) => ({
      tenantId: 'other',
      patternId: 'history_gql',
      portfolioId: 'pf-other-income',
      createdAt: at(i),
    })),
  );
  for (const tenantId of ['demo', 'other', 'demo']) {
    await appendAudit(test.db.sql, {
      tenantId,
      actorId: `${tenantId}-admin`,
      action: 'grantCredits',
      resource: `tenant:${tenantId}`,
      changes: { amount: 10 },
      result: 'OK',
      traceId: 'trace-g',
      requestId: 'request-g',
    });
  }
});
afterAll(async () => {
  await test?.close();
});

function contextFor(viewer: { userId: string; tenantId: string; roles: Role[] } | undefined): GraphQLContext {
  const services: Partial<GraphQLContext['services']> & HistoryServices = {
    executionHistory: new ExecutionHistory(test.db),
    auditQuery: new AuditQuery(test.db),
    executions: new ExecutionRepository(test.db),
  };
  return {
    viewer,
    requestId: 'request-test',
    traceId: 'trace-test',
    otelContext: ROOT_CONTEXT,
    services: services as unknown as GraphQLContext['services'],
  };
}

const demoViewer = { userId: 'demo-viewer', tenantId: 'demo', roles: ['viewer'] as Role[] };
const demoAdmin = { userId: 'demo-admin', tenantId: 'demo', roles: ['admin'] as Role[] };
const demoAnalyst = { userId: 'demo-analyst', tenantId: 'demo', roles: ['analyst'] as Role[] };
const otherAnalyst = { userId: 'other-analyst', tenantId: 'other', roles: ['analyst'] as Role[] };

interface Edge<T> {
  cursor: string;
  node: T;
}
interface ConnectionResult<T> {
  edges: Edge<T>[];
  pageInfo: { hasNextPage: boolean; hasPreviousPage: boolean; startCursor: string | null; endCursor: string | null };
}

async function run<T>(source: string, variables: Record<string, unknown>, viewer: Parameters<typeof contextFor>[0]) {
  const result = await graphql({ schema, source, variableValues: variables, contextValue: contextFor(viewer) });
  // As a client sees it: serialised (DateTime values become ISO strings on the wire).
  return JSON.parse(JSON.stringify(result)) as {
    data?: T | null;
    errors?: readonly { message: string; extensions: Record<string, unknown> }[];
  };
}

const EXECUTIONS = /* GraphQL */ `
  query Executions($filter: ExecutionFilter, $first: Int, $after: String) {
    executions(filter: $filter, first: $first, after: $after) {
      edges {
        cursor
        node {
          id
          status
          createdAt
          metadata {
            patternId
            patternVersion
            pricingPackId
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

type ExecutionsData = { executions: ConnectionResult<{ id: string; status: string; createdAt: string; metadata: { patternId: string } }> };
type AuditData = {
  auditLog: ConnectionResult<{
    id: string;
    tenantId: string;
    action: string;
    changes: unknown;
    occurredAt: string;
    traceId: string | null;
  }>;
};

describe('history SDL', () => {
  it('declares the DESIGN §4 root fields with their arguments in order', () => {
    const signature = (name: string) => {
      const field = schema.getQueryType()!.getFields()[name];
      return `${name}(${field.args.map((a) => `${a.name}: ${a.type.toString()}`).join(', ')}): ${field.type.toString()}`;
    };
    expect(signature('executions')).toBe('executions(filter: ExecutionFilter, first: Int, after: String): PatternExecutionConnection!');
    expect(signature('auditLog')).toBe('auditLog(filter: AuditFilter, first: Int, after: String): AuditEntryConnection!');
  });

  it('declares the filters and the audit entry', () => {
    const field = (type: string, name: string) => {
      const t = schema.getType(type) as unknown as { getFields(): Record<string, { type: { toString(): string } }> };
      return t.getFields()[name]?.type.toString();
    };
    expect(['status', 'patternId', 'portfolioId', 'from', 'to'].map((f) => field('ExecutionFilter', f))).toEqual([
      '[ExecutionStatus!]',
      'ID',
      'ID',
      'DateTime',
      'DateTime',
    ]);
    expect(['action', 'actorId', 'resource', 'result', 'from', 'to'].map((f) => field('AuditFilter', f))).toEqual([
      'String',
      'String',
      'String',
      'String',
      'DateTime',
      'DateTime',
    ]);
    expect(
      ['id', 'occurredAt', 'actorId', 'tenantId', 'action', 'resource', 'changes', 'result', 'traceId', 'requestId'].map((f) =>
        field('AuditEntry', f),
      ),
    ).toEqual(['ID!', 'DateTime!', 'String', 'String', 'String!', 'String', 'JSON', 'String!', 'String', 'String']);
    expect(field('PatternExecutionConnection', 'edges')).toBe('[PatternExecutionEdge!]!');
    expect(field('PatternExecutionEdge', 'node')).toBe('PatternExecution!');
    expect(field('AuditEntryConnection', 'edges')).toBe('[AuditEntryEdge!]!');
  });

  it('accepts the client operations in schema/operations/history.graphql', () => {
    const operations = readFileSync(path.join(__dirname, '..', '..', '..', 'schema', 'operations', 'history.graphql'), 'utf8');
    expect(validate(schema, parse(operations))).toEqual([]);
  });
});

describe('executions', () => {
  it("pages through the caller's tenant's executions, newest first, with PatternExecution nodes", async () => {
    const seen: string[] = [];
    let after: string | null = null;
    for (;;) {
      const result: Awaited<ReturnType<typeof run<ExecutionsData>>> = await run<ExecutionsData>(
        EXECUTIONS,
        { first: 4, after },
        demoViewer,
      );
      expect(result.errors).toBeUndefined();
      const connection = result.data!.executions;
      expect(connection.pageInfo.hasPreviousPage).toBe(false);
      expect(connection.pageInfo.startCursor).toBe(connection.edges[0]?.cursor ?? null);
      expect(connection.pageInfo.endCursor).toBe(connection.edges.at(-1)?.cursor ?? null);
      for (const edge of connection.edges) {
        expect(edge.node.metadata).toEqual({ patternId: 'history_gql', patternVersion: '1.0.0', pricingPackId: 'PP_2026-11-20' });
        seen.push(edge.node.id);
      }
      if (!connection.pageInfo.hasNextPage) break;
      after = connection.pageInfo.endCursor;
    }
    expect(seen).toEqual(newestFirst(demoRuns).map((r) => r.id));
  });

  it('serialises status and createdAt', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, { first: 1 }, demoViewer);
    const newest = newestFirst(demoRuns)[0];
    expect(result.data!.executions.edges[0].node).toMatchObject({
      id: newest.id,
      status: newest.status,
      createdAt: newest.createdAt.toISOString(),
    });
  });

  it('applies the filter (statuses as enum values, instants as DateTime strings)', async () => {
    const from = demoRuns[1].createdAt;
    const to = demoRuns[7].createdAt;
    const result = await run<ExecutionsData>(
      EXECUTIONS,
      {
        filter: {
          status: ['SUCCESS'],
          patternId: 'history_gql',
          portfolioId: 'pf-demo-growth',
          from: from.toISOString(),
          to: to.toISOString(),
        },
      },
      demoViewer,
    );
    expect(result.errors).toBeUndefined();
    const expected = newestFirst(demoRuns.filter((r) => r.status === 'SUCCESS' && r.createdAt >= from && r.createdAt < to)).map(
      (r) => r.id,
    );
    expect(result.data!.executions.edges.map((e) => e.node.id)).toEqual(expected);
  });

  it('rejects an unknown status before running', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, { filter: { status: ['DONE'] } }, demoViewer);
    expect(result.errors?.[0].message).toMatch(/ExecutionStatus/);
  });

  it('shows another tenant only its own executions', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, { first: 50 }, otherAnalyst);
    expect(result.data!.executions.edges.map((e) => e.node.id)).toEqual(newestFirst(otherRuns).map((r) => r.id));
  });

  it('answers a bad cursor with BAD_USER_INPUT', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, { after: 'bm90IGEgY3Vyc29y' }, demoViewer);
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['after'] });
  });

  it('answers first out of range with BAD_USER_INPUT', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, { first: 1000 }, demoViewer);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['first'] });
  });

  it('needs a caller', async () => {
    const result = await run<ExecutionsData>(EXECUTIONS, {}, undefined);
    expect(result.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });
});

describe('auditLog', () => {
  it("lists the admin's tenant's entries only, with JSON changes", async () => {
    const result = await run<AuditData>(AUDIT_LOG, { first: 50 }, demoAdmin);
    expect(result.errors).toBeUndefined();
    const nodes = result.data!.auditLog.edges.map((e) => e.node);
    expect(nodes.every((n) => n.tenantId === 'demo')).toBe(true);
    // Whatever else the application logged for demo, the two entries written here are there, newest first.
    const ours = nodes.filter((n) => n.traceId === 'trace-g');
    expect(ours).toHaveLength(2);
    expect(ours[0]).toMatchObject({
      action: 'grantCredits',
      resource: 'tenant:demo',
      changes: { amount: 10 },
      result: 'OK',
      requestId: 'request-g',
    });
    expect(Number(ours[0].id)).toBeGreaterThan(Number(ours[1].id));
  });

  it('filters', async () => {
    const none = await run<AuditData>(AUDIT_LOG, { filter: { action: 'no-such-action' } }, demoAdmin);
    expect(none.data!.auditLog.edges).toEqual([]);
    const some = await run<AuditData>(
      AUDIT_LOG,
      {
        filter: {
          action: 'grantCredits',
          actorId: 'demo-admin',
          resource: 'tenant:demo',
          result: 'OK',
          to: new Date(Date.now() + 60_000).toISOString(),
        },
      },
      demoAdmin,
    );
    expect(some.data!.auditLog.edges.filter((e) => e.node.traceId === 'trace-g')).toHaveLength(2);
    expect(some.data!.auditLog.edges.every((e) => e.node.action === 'grantCredits' && e.node.tenantId === 'demo')).toBe(true);
  });

  it.each([
    ['a viewer', demoViewer],
    ['an analyst', demoAnalyst],
  ])('refuses %s with FORBIDDEN even without the shield', async (_who, viewer) => {
    const result = await run<AuditData>(AUDIT_LOG, {}, viewer);
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions.code).toBe('FORBIDDEN');
  });

  it('needs a caller', async () => {
    const result = await run<AuditData>(AUDIT_LOG, {}, undefined);
    expect(result.errors?.[0].extensions.code).toBe('UNAUTHENTICATED');
  });

  it('answers a bad cursor with BAD_USER_INPUT', async () => {
    const result = await run<AuditData>(AUDIT_LOG, { after: 'x' }, demoAdmin);
    expect(result.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['after'] });
  });
});
