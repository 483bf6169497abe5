import { AppError } from '../../shared/errors';
import type { DataHandle } from '../handle';
import { appendCreditEntry, type CreditKind } from './credit-writer';

/** A change of a tenant's balance, as the credit ledger records it. */
export interface CreditChange {
  id: string;
  tenantId: string;
  executionId: string | null;
  amount: number;
  kind: CreditKind;
  balanceAfter: number;
  reason: string | null;
  createdAt: Date;
}

/**
 * Tenants' credit balances and the credit ledger beside them. A balance only moves together with
 * its ledger entry: call the writes inside DataLayer.transaction. (Runs are debited and refunded by
 * ExecutionRepository's single statements, through the same ledger writer.)
 */
export class CreditRepository {
  constructor(private readonly db: DataHandle) {}

  /** The tenant's balance; 0 for an unknown tenant. */
  async balance(tenantId: string): Promise<number> {
    const [row] = await this.db.sql.query<{ balance: string | number }>('SELECT credit_balance AS balance FROM tenants WHERE id = $1', [
      tenantId,
    ]);
    return row ? Number(row.balance) : 0;
  }

  /** Adds credits to the tenant's balance and records the grant; NOT_FOUND for an unknown tenant. */
  async grant(input: { tenantId: string; amount: number; actorId: string | null; reason: string }): Promise<CreditChange> {
    const [row] = await this.db.sql.query<{ balance: string | number }>(
      'UPDATE tenants SET credit_balance = credit_balance + $1::numeric WHERE id = $2 RETURNING credit_balance AS balance',
      [input.amount, input.tenantId],
    );
    if (!row) throw new AppError('NOT_FOUND', `No tenant ${input.tenantId}`, { tenantId: input.tenantId });
    const balanceAfter = Number(row.balance);
    const written = await appendCreditEntry(this.db.sql, {
      tenantId: input.tenantId,
      executionId: null,
      amount: input.amount,
      kind: 'GRANT',
      balanceAfter,
      reason: input.reason,
      actorId: input.actorId,
    });
    return {
      id: written.id,
      tenantId: input.tenantId,
      executionId: null,
      amount: input.amount,
      kind: 'GRANT',
      balanceAfter,
      reason: input.reason,
      createdAt: written.createdAt,
    };
  }
}
