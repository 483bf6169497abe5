import type { Prisma } from '../generated/prisma/client';
import { AppError } from '../shared/errors';

type Tx = Prisma.TransactionClient;

export interface CreditChange {
  id: string;
  tenantId: string;
  executionId: string | null;
  amount: number;
  kind: 'DEBIT' | 'REFUND' | 'GRANT';
  balanceAfter: number;
  reason: string | null;
  createdAt: Date;
}

export async function grant(tx: Tx, input: { tenantId: string; amount: number; actorId: string; reason: string }): Promise<CreditChange> {
  const balanceAfter = await add(tx, input.tenantId, input.amount);
  return record(tx, { ...input, executionId: null, kind: 'GRANT', balanceAfter });
}

export async function currentBalance(tx: Tx, tenantId: string): Promise<number> {
  const tenant = await tx.tenant.findUnique({ where: { id: tenantId }, select: { creditBalance: true } });
  return tenant ? tenant.creditBalance.toNumber() : 0;
}

async function add(tx: Tx, tenantId: string, amount: number): Promise<number> {
  const rows = await tx.$queryRaw<{ balance: Prisma.Decimal }[]>`
    UPDATE tenants SET credit_balance = credit_balance + ${amount}::numeric WHERE id = ${tenantId} RETURNING credit_balance AS balance`;
  if (rows.length === 0) throw new AppError('NOT_FOUND', `No tenant ${tenantId}`, { tenantId });
  return Number(rows[0].balance);
}

async function record(
  tx: Tx,
  input: { tenantId: string; executionId: string | null; amount: number; kind: CreditChange['kind']; balanceAfter: number; reason: string | null; actorId: string },
): Promise<CreditChange> {
  const row = await tx.creditTransaction.create({
    data: {
      tenantId: input.tenantId,
      executionId: input.executionId,
      amount: input.amount,
      kind: input.kind,
      balanceAfter: input.balanceAfter,
      reason: input.reason,
      actorId: input.actorId,
    },
  });
  return {
    id: row.id.toString(),
    tenantId: row.tenantId,
    executionId: row.executionId,
    amount: row.amount.toNumber(),
    kind: row.kind,
    balanceAfter: row.balanceAfter.toNumber(),
    reason: row.reason,
    createdAt: row.createdAt,
  };
}
