import { appendAudit } from '../../../src/data/audit/audit-writer';
import { AuditQuery, type AuditEntryRecord, type AuditFilter } from '../../../src/data/audit/audit-query';
import { seedDemoData } from '../../../src/demo/seed-demo';
import { AppError } from '../../../src/shared/errors';
import { encodeCursor } from '../../../src/shared/pagination';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';
import { newestFirst } from './history-fixtures';

let test: TestDatabase;
let audit: AuditQuery;

beforeAll(async () => {
  test = await openTestDatabase();
  expect((await seedDemoData(test.data)).seeded).toBe(true);
  audit = new AuditQuery(test.db);
});
afterAll(async () => {
  await test?.close();
});

interface StoredEntry {
  id: string;
  tenantId: string | null;
  occurredAt: Date;
  action: string;
  actorId: string | null;
  resource: string | null;
  result: string;
}

/** Inserts entries (the log is append-only, so each scenario uses its own tenant ids) and reads them back. */
async function insertEntries(
  entries: {
    tenantId: string | null;
    occurredAt?: Date;
    action?: string;
    actorId?: string | null;
    resource?: string | null;
    result?: string;
    changes?: unknown;
  }[],
): Promise<StoredEntry[]> {
  const stored: StoredEntry[] = [];
  // One at a time, so ids follow the input order; occurredAt as given (or the default now()).
  for (const e of entries) {
    const row = await test.db.prisma.auditEntry.create({
      data: {
        tenantId: e.tenantId,
        action: e.action ?? 'executePattern',
        actorId: e.actorId === undefined ? 'someone' : e.actorId,
        resource: e.resource === undefined ? null : e.resource,
        result: e.result ?? 'OK',
        changes: (e.changes ?? { n: stored.length }) as object,
        traceId: 'trace-audit',
        requestId: 'request-audit',
        ...(e.occurredAt ? { occurredAt: e.occurredAt } : {}),
      },
    });
    stored.push({ ...row, id: row.id.toString() });
  }
  return stored;
}

async function pageThrough(
  tenantId: string,
  filter: AuditFilter | null,
  first: number,
  between: () => Promise<void> = async () => {},
): Promise<string[]> {
  const seen: string[] = [];
  let after: string | undefined;
  for (;;) {
    const page = await audit.list(tenantId, filter, { first, after });
    expect(page.items.length).toBeLessThanOrEqual(first);
    seen.push(...page.items.map((i) => i.node.id));
    if (!page.hasNextPage) return seen;
    expect(page.items).toHaveLength(first);
    after = page.items[page.items.length - 1].cursor;
    await between();
  }
}

const ids = (rows: readonly { id: string }[]) => rows.map((r) => r.id);

async function badInputPath(promise: Promise<unknown>): Promise<string[]> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('BAD_USER_INPUT');
    return (error as AppError).extensions.path as string[];
  }
  throw new Error('expected BAD_USER_INPUT');
}

describe('AuditQuery: stable keyset paging', () => {
  const tenantId = 'audit-paging';

  it('visits each entry once, newest first, while new entries are appended between pages', async () => {
    const base = Date.now() - 3_600_000;
    // Entries in pairs on one instant (ties on occurred_at are broken by id), and ids that do not
    // follow time: odd and even entries run down two interleaved clocks.
    const existing = await insertEntries(
      Array.from({ length: 150 }, (_, i) => ({
        tenantId,
        occurredAt: new Date(base + (149 - Math.floor(i / 4)) * (i % 2 ? 1000 : 500)),
      })),
    );
    const expected = ids(newestFirst(existing));
    const dbOrder = await test.db.sql.query<{ key: string }>(
      // Aliased apart from id: a bare `id` in ORDER BY would otherwise sort the text output column.
      `SELECT id::text AS key FROM audit_log WHERE tenant_id = $1 ORDER BY occurred_at DESC, id DESC`,
      [tenantId],
    );
    expect(dbOrder.map((r) => r.key)).toEqual(expected);

    let appended = 0;
    const seen = await pageThrough(tenantId, null, 11, async () => {
      // Written as the application writes them: appendAudit, occurred_at = now().
      for (let k = 0; k < 3; k++) {
        await appendAudit(test.db.sql, {
          tenantId,
          actorId: 'late',
          action: 'grantCredits',
          resource: null,
          result: 'OK',
          traceId: null,
          requestId: null,
        });
        appended++;
      }
    });
    expect(appended).toBeGreaterThan(30);
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expected);
  });
});

describe('AuditQuery: the entry as stored', () => {
  it('carries every column, the bigint id as a string and changes as JSON', async () => {
    await appendAudit(test.db.sql, {
      tenantId: 'audit-shape',
      actorId: 'demo-admin',
      action: 'exportExecution',
      resource: 'execution:123',
      changes: { format: 'CSV', blockedSources: ['NewsAPI'] },
      result: 'BLOCKED',
      traceId: 'trace-1',
      requestId: 'request-1',
    });
    await appendAudit(test.db.sql, {
      tenantId: 'audit-shape',
      actorId: null,
      action: 'markPackFresh',
      resource: null,
      result: 'OK',
      traceId: null,
      requestId: null,
    });
    const page = await audit.list('audit-shape', null, {});
    expect(page.hasNextPage).toBe(false);
    const [newest, older] = page.items.map((i) => i.node);
    expect(older).toEqual<AuditEntryRecord>({
      id: expect.stringMatching(/^\d+$/) as unknown as string,
      occurredAt: expect.any(Date) as unknown as Date,
      tenantId: 'audit-shape',
      actorId: 'demo-admin',
      action: 'exportExecution',
      resource: 'execution:123',
      changes: { format: 'CSV', blockedSources: ['NewsAPI'] },
      result: 'BLOCKED',
      traceId: 'trace-1',
      requestId: 'request-1',
    });
    expect(newest).toMatchObject({ action: 'markPackFresh', actorId: null, resource: null, changes: null, traceId: null, requestId: null });
  });
});

describe('AuditQuery: filters', () => {
  const tenantId = 'audit-filters';
  let entries: StoredEntry[];
  const actions = ['executePattern', 'exportExecution', 'grantCredits'];
  const results = ['OK', 'DENIED', 'BLOCKED', 'FAILED'];
  const t0 = Date.parse('2026-04-01T08:00:00.000Z');

  beforeAll(async () => {
    entries = await insertEntries(
      Array.from({ length: 60 }, (_, i) => ({
        tenantId,
        occurredAt: new Date(t0 + Math.floor(i / 3) * 60_000),
        action: actions[i % 3],
        actorId: i % 2 ? 'demo-admin' : 'demo-analyst',
        resource: i % 5 === 0 ? null : `execution:${i % 4}`,
        result: results[Math.floor(i / 3) % 4],
      })),
    );
  });

  const expectFilter = async (filter: AuditFilter, keep: (e: StoredEntry) => boolean) => {
    const expected = ids(newestFirst(entries.filter(keep)));
    expect(expected.length).toBeGreaterThan(0);
    expect(ids((await audit.list(tenantId, filter, { first: 100 })).items.map((i) => i.node))).toEqual(expected);
    expect(await pageThrough(tenantId, filter, 4)).toEqual(expected);
  };

  it('lists everything without a filter', async () => {
    await expectFilter({}, () => true);
  });

  it('filters by action, actor, resource and result', async () => {
    await expectFilter({ action: 'exportExecution' }, (e) => e.action === 'exportExecution');
    await expectFilter({ actorId: 'demo-admin' }, (e) => e.actorId === 'demo-admin');
    await expectFilter({ resource: 'execution:2' }, (e) => e.resource === 'execution:2');
    await expectFilter({ result: 'DENIED' }, (e) => e.result === 'DENIED');
  });

  it('matches exactly, not by prefix or case', async () => {
    expect((await audit.list(tenantId, { action: 'export' }, {})).items).toEqual([]);
    expect((await audit.list(tenantId, { result: 'ok' }, {})).items).toEqual([]);
  });

  it('filters by an occurred_at range, from inclusive and to exclusive', async () => {
    const from = entries[9].occurredAt;
    const to = entries[42].occurredAt;
    await expectFilter({ from, to }, (e) => e.occurredAt >= from && e.occurredAt < to);
    const inRange = ids((await audit.list(tenantId, { from, to }, { first: 100 })).items.map((i) => i.node));
    expect(inRange).toContain(entries[9].id);
    expect(inRange).not.toContain(entries[42].id);
  });

  it('combines filters', async () => {
    const from = entries[3].occurredAt;
    const to = entries[57].occurredAt;
    await expectFilter(
      { action: 'executePattern', actorId: 'demo-analyst', result: 'OK', from, to },
      (e) =>
        e.action === 'executePattern' && e.actorId === 'demo-analyst' && e.result === 'OK' && e.occurredAt >= from && e.occurredAt < to,
    );
  });
});

describe('AuditQuery: tenant scoping', () => {
  let demo: StoredEntry[];
  let other: StoredEntry[];

  beforeAll(async () => {
    const at = (i: number) => new Date(Date.parse('2026-05-01T00:00:00Z') + i * 1000);
    demo = await insertEntries(
      Array.from({ length: 7 }, (_, i) => ({ tenantId: 'audit-demo', occurredAt: at(i), actorId: 'shared-actor' })),
    );
    other = await insertEntries(
      Array.from({ length: 5 }, (_, i) => ({ tenantId: 'audit-other', occurredAt: at(i), actorId: 'shared-actor' })),
    );
    // Operator actions without a tenant are never part of any tenant's log.
    await insertEntries([{ tenantId: null, occurredAt: at(3), actorId: 'shared-actor' }]);
  });

  it("lists only the caller's tenant's entries", async () => {
    expect(await pageThrough('audit-demo', null, 3)).toEqual(ids(newestFirst(demo)));
    expect(await pageThrough('audit-other', null, 3)).toEqual(ids(newestFirst(other)));
  });

  it("does not reach another tenant's entries through a filter or a cursor", async () => {
    expect(ids((await audit.list('audit-other', { actorId: 'shared-actor' }, { first: 100 })).items.map((i) => i.node))).toEqual(
      ids(newestFirst(other)),
    );
    const demoCursor = (await audit.list('audit-demo', null, { first: 1 })).items[0].cursor;
    const after = ids((await audit.list('audit-other', null, { first: 100, after: demoCursor })).items.map((i) => i.node));
    expect(after.length).toBeGreaterThan(0);
    expect(after.every((id) => other.some((e) => e.id === id))).toBe(true);
  });
});

describe('AuditQuery: bad arguments', () => {
  it.each([
    ['garbage', '%%%'],
    ['a non-numeric id', encodeCursor(['2026-05-01T00:00:00.000Z', 'abc'])],
    ['a negative id', encodeCursor(['2026-05-01T00:00:00.000Z', '-1'])],
    ['an id beyond bigint', encodeCursor(['2026-05-01T00:00:00.000Z', '9999999999999999999'])],
    ['a numeric id', encodeCursor(['2026-05-01T00:00:00.000Z', 12])],
    ['a bad instant', encodeCursor(['not a time', '12'])],
    ['an execution cursor shape', encodeCursor(['2026-05-01T00:00:00.000Z', '00000000-0000-4000-8000-000000000000'])],
  ])('rejects a cursor with %s as BAD_USER_INPUT on after', async (_what, after) => {
    expect(await badInputPath(audit.list('audit-demo', null, { after }))).toEqual(['after']);
  });

  it('rejects first beyond 100 as BAD_USER_INPUT on first', async () => {
    expect(await badInputPath(audit.list('audit-demo', null, { first: 500 }))).toEqual(['first']);
  });
});
