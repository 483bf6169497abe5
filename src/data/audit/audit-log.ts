import type { SqlExecutor } from '../../db/database';
import { Prisma, type PrismaClient } from '../../generated/prisma/client';

export interface AuditRecord {
  actorId: string | null;
  tenantId: string | null;
  action: string;
  resource: string | null;
  changes?: unknown;
  /** OK, DENIED, BLOCKED, FAILED … */
  result: string;
  traceId: string | null;
  requestId: string | null;
}

type Writer = Pick<PrismaClient, 'auditEntry'> | Prisma.TransactionClient;

/**
 * The append-only audit log (a database trigger rejects UPDATE and DELETE). Pass the
 * transaction of the change being recorded, so entry and change commit together or not at all.
 */
export async function appendAudit(writer: Writer, record: AuditRecord): Promise<void> {
  await writer.auditEntry.create({
    data: {
      actorId: record.actorId,
      tenantId: record.tenantId,
      action: record.action,
      resource: record.resource,
      changes: record.changes === undefined ? Prisma.JsonNull : (record.changes as Prisma.InputJsonValue),
      result: record.result,
      traceId: record.traceId,
      requestId: record.requestId,
    },
  });
}

/** appendAudit for an entry that records no change of its own (a refusal), without Prisma's per-query cost. */
export async function appendAuditSql(sql: SqlExecutor, record: AuditRecord): Promise<void> {
  await sql.query(
    `INSERT INTO audit_log (actor_id, tenant_id, action, resource, changes, result, trace_id, request_id)
     VALUES ($1, $2, $3, $4, $5::jsonb, $6, $7, $8)`,
    [record.actorId, record.tenantId, record.action, record.resource, JSON.stringify(record.changes ?? null), record.result, record.traceId, record.requestId],
  );
}
