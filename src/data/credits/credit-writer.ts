import type { SqlExecutor } from '../../db/database';

/** Why a balance changed: a run's debit, the refund of a failed run, or credits granted to the tenant. */
export type CreditKind = 'DEBIT' | 'REFUND' | 'GRANT';

/** One entry of the credit ledger: every change of a tenant's balance, with the balance after it. */
export interface CreditEntry {
  tenantId: string;
  executionId: string | null;
  amount: number;
  kind: CreditKind;
  balanceAfter: number;
  reason: string | null;
  actorId: string | null;
}

/** The columns every credit entry is written with, in order (see AUDIT_COLUMNS: the same rule). */
export const CREDIT_COLUMNS = ['tenant_id', 'execution_id', 'amount', 'kind', 'balance_after', 'reason', 'actor_id'] as const;
/** A column of credit_transactions, which every writer must give a value for. */
export type CreditColumn = (typeof CREDIT_COLUMNS)[number];

const CASTS: Partial<Record<CreditColumn, string>> = {
  execution_id: '::uuid',
  amount: '::numeric',
  kind: '::"CreditTransactionKind"',
  balance_after: '::numeric',
};

/** Appends an entry; returns its id and time. Pass the executor of the balance change's transaction. */
export async function appendCreditEntry(sql: SqlExecutor, entry: CreditEntry): Promise<{ id: string; createdAt: Date }> {
  const values: Record<CreditColumn, unknown> = {
    tenant_id: entry.tenantId,
    execution_id: entry.executionId,
    amount: entry.amount,
    kind: entry.kind,
    balance_after: entry.balanceAfter,
    reason: entry.reason,
    actor_id: entry.actorId,
  };
  const placeholders = CREDIT_COLUMNS.map((c, i) => `$${i + 1}${CASTS[c] ?? ''}`);
  const [row] = await sql.query<{ id: string | number | bigint; created_at: Date | string }>(
    `INSERT INTO credit_transactions (${CREDIT_COLUMNS.join(', ')}) VALUES (${placeholders.join(', ')}) RETURNING id, created_at`,
    CREDIT_COLUMNS.map((c) => values[c]),
  );
  return { id: String(row.id), createdAt: new Date(row.created_at) };
}

/** `INSERT INTO credit_transactions (…) SELECT … FROM …` for a single-statement write (see auditInsertSelect). */
export function creditInsertSelect(expressions: Record<CreditColumn, string>, from: string): string {
  return `INSERT INTO credit_transactions (${CREDIT_COLUMNS.join(', ')}) SELECT ${CREDIT_COLUMNS.map((c) => expressions[c]).join(', ')} FROM ${from}`;
}
