import type { DataLayer } from '../data/data-layer';
import type { PortfolioRecord } from '../data/portfolios/portfolio-repository';
import { portfolioNotFound } from '../ledger/append-ledger-entries';
import type { Actor } from '../shared/actor';

/**
 * archivePortfolio: hides a portfolio of the actor's tenant from `portfolios` and refuses its
 * appends and runs (PORTFOLIO_ARCHIVED) from now on; its ledger and executions stay readable.
 * The row is locked first, so an append or a run start that holds it finishes before the archive
 * and none starts after it. Idempotent: archiving an archived portfolio changes nothing, writes
 * no audit entry and returns it with its first archivedAt. The archive and its audit entry
 * commit together.
 */
export async function archivePortfolio(data: DataLayer, actor: Actor, id: string): Promise<PortfolioRecord> {
  return data.transaction(async (tx) => {
    const current = await tx.portfolios.lockForTenant(actor.tenantId, id);
    if (!current) throw portfolioNotFound(id);
    if (current.archivedAt !== null) return current;
    const archived = await tx.portfolios.archive(id);
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'portfolio.archive',
      resource: `portfolio:${id}`,
      changes: { archivedAt: archived.archivedAt?.toISOString() ?? null, ledgerHead: archived.ledgerHead },
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
    return archived;
  });
}
