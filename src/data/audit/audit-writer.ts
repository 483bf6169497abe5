import type { SqlExecutor } from '../../db/database';

/** One entry of the append-only audit log (a database trigger rejects UPDATE and DELETE). */
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

/**
 * The columns every audit entry is written with, in order. The one list: the plain insert below
 * and the single-statement writes (auditInsertSelect) both take it, and a test compares it with
 * the table, so a new column cannot be forgotten by one writer.
 */
export const AUDIT_COLUMNS = ['actor_id', 'tenant_id', 'action', 'resource', 'changes', 'result', 'trace_id', 'request_id'] as const;
/** A column of audit_log, which every writer must give a value for. */
export type AuditColumn = (typeof AUDIT_COLUMNS)[number];

/** The values of an entry, in AUDIT_COLUMNS order (`changes` as JSON text). */
export function auditValues(record: AuditRecord): unknown[] {
  const byColumn: Record<AuditColumn, unknown> = {
    actor_id: record.actorId,
    tenant_id: record.tenantId,
    action: record.action,
    resource: record.resource,
    changes: JSON.stringify(record.changes ?? null),
    result: record.result,
    trace_id: record.traceId,
    request_id: record.requestId,
  };
  return AUDIT_COLUMNS.map((column) => byColumn[column]);
}

/**
 * Appends an entry. Pass the executor of the transaction of the change being recorded (see
 * DataLayer.transaction), so entry and change commit together or not at all; the pool's for an
 * entry that records no change of its own (a refusal).
 */
export async function appendAudit(sql: SqlExecutor, record: AuditRecord): Promise<void> {
  const placeholders = AUDIT_COLUMNS.map((column, i) => (column === 'changes' ? `$${i + 1}::jsonb` : `$${i + 1}`));
  await sql.query(`INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')})`, auditValues(record));
}

/**
 * `INSERT INTO audit_log (…) SELECT … FROM …` for a statement that writes a change and its audit
 * entry at once (a data-modifying CTE): the caller gives an SQL expression for every column, so the
 * compiler refuses a statement that forgets one.
 */
export function auditInsertSelect(expressions: Record<AuditColumn, string>, from: string): string {
  return `INSERT INTO audit_log (${AUDIT_COLUMNS.join(', ')}) SELECT ${AUDIT_COLUMNS.map((c) => expressions[c]).join(', ')} FROM ${from}`;
}
