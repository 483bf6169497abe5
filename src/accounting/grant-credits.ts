import type { DataLayer } from '../data/data-layer';
import type { CreditChange } from '../data/credits/credit-repository';
import type { Actor } from '../shared/actor';
import { AppError, badInput } from '../shared/errors';

const MAX_GRANT = 1_000_000_000;

/** grantCredits: an admin adds credits to their own tenant; the grant and its audit entry commit together. */
export async function grantCredits(
  data: DataLayer,
  actor: Actor,
  input: { tenantId: string; amount: number; reason: string },
): Promise<CreditChange> {
  // Another tenant is as unreachable as one that does not exist.
  if (input.tenantId !== actor.tenantId) throw new AppError('FORBIDDEN', 'Admins may grant credits to their own tenant only');
  const reason = input.reason.trim();
  const issues = [];
  if (!Number.isFinite(input.amount) || input.amount <= 0 || input.amount > MAX_GRANT)
    issues.push({ path: 'amount', message: `must be > 0 and ≤ ${MAX_GRANT}` });
  if (Math.round(input.amount * 1e4) !== input.amount * 1e4) issues.push({ path: 'amount', message: 'at most 4 decimal places' });
  if (reason.length === 0 || reason.length > 500) issues.push({ path: 'reason', message: 'must be 1–500 characters' });
  if (issues.length > 0) throw badInput('The grant is invalid', issues);
  return data.transaction(async (tx) => {
    const change = await tx.credits.grant({ tenantId: input.tenantId, amount: input.amount, actorId: actor.userId, reason });
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'credits.grant',
      resource: `tenant:${input.tenantId}`,
      changes: { amount: input.amount, reason, balanceAfter: change.balanceAfter },
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
    return change;
  });
}
