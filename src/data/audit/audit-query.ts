import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import type { DataHandle } from '../handle';
import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** One entry of the audit log as the `auditLog` query lists it. */
export interface AuditEntryRecord {
  /** The bigint primary key, as a decimal string. */
  id: string;
  occurredAt: Date;
  actorId: string | null;
  tenantId: string | null;
  action: string;
  resource: string | null;
  changes: unknown;
  result: string;
  traceId: string | null;
  requestId: string | null;
}

/** Exact matches on the given columns; `from` inclusive, `to` exclusive (occurred_at). */
export interface AuditFilter {
  action?: string | null;
  actorId?: string | null;
  resource?: string | null;
  result?: string | null;
  from?: Date | null;
  to?: Date | null;
}

type Row = Awaited<ReturnType<PrismaClient['auditEntry']['findUniqueOrThrow']>>;

function toAuditRecord(row: Row): AuditEntryRecord {
  return {
    id: row.id.toString(),
    occurredAt: row.occurredAt,
    actorId: row.actorId,
    tenantId: row.tenantId,
    action: row.action,
    resource: row.resource,
    changes: row.changes,
    result: row.result,
    traceId: row.traceId,
    requestId: row.requestId,
  };
}

/** The key of the index audit_log(tenant_id, occurred_at desc, id desc). */
const NEWEST_FIRST: Prisma.AuditEntryOrderByWithRelationInput[] = [{ occurredAt: 'desc' }, { id: 'desc' }];

/**
 * Reads the append-only audit log of one tenant (DESIGN §4 `auditLog`), newest first, with
 * keyset cursors over (occurred_at, id): entries written while a client pages sort before
 * its cursor, so pages neither repeat nor skip. Entries without a tenant are never listed.
 */
export class AuditQuery {
  private readonly prisma: DataHandle['prisma'];

  constructor(db: DataHandle) {
    this.prisma = db.prisma;
  }

  async list(tenantId: string, filter: AuditFilter | null | undefined, request: PageRequest): Promise<Page<AuditEntryRecord>> {
    const size = pageSize(request.first);
    const conditions: Prisma.AuditEntryWhereInput[] = [{ tenantId }, ...filterConditions(filter ?? {})];
    if (request.after) conditions.push(afterKey(request.after));
    const rows = await this.prisma.auditEntry.findMany({ where: { AND: conditions }, orderBy: NEWEST_FIRST, take: size + 1 });
    return toPage(rows.map(toAuditRecord), size, auditCursor);
  }
}

/** The cursor of an entry: its (occurred_at, id) key, which the next page starts strictly after. */
export function auditCursor(entry: Pick<AuditEntryRecord, 'occurredAt' | 'id'>): string {
  return encodeCursor([entry.occurredAt.toISOString(), entry.id]);
}

function filterConditions(filter: AuditFilter): Prisma.AuditEntryWhereInput[] {
  const conditions: Prisma.AuditEntryWhereInput[] = [];
  if (filter.action != null) conditions.push({ action: filter.action });
  if (filter.actorId != null) conditions.push({ actorId: filter.actorId });
  if (filter.resource != null) conditions.push({ resource: filter.resource });
  if (filter.result != null) conditions.push({ result: filter.result });
  if (filter.from) conditions.push({ occurredAt: { gte: filter.from } });
  if (filter.to) conditions.push({ occurredAt: { lt: filter.to } });
  return conditions;
}

const BIGINT = /^[0-9]{1,19}$/;

const invalidCursor = () => badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);

/** Strictly after (occurredAt, id) in newest-first order. */
function afterKey(cursor: string): Prisma.AuditEntryWhereInput {
  const [occurredAt, id] = decodeCursor(cursor, 2);
  const at = typeof occurredAt === 'string' ? new Date(occurredAt) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()) || typeof id !== 'string' || !BIGINT.test(id) || BigInt(id) > 9_223_372_036_854_775_807n) {
    throw invalidCursor();
  }
  const key = BigInt(id);
  // The redundant `occurredAt <= at` bounds the index range scan; the OR then only sorts out ties.
  return { occurredAt: { lte: at }, OR: [{ occurredAt: { lt: at } }, { occurredAt: at, id: { lt: key } }] };
}
