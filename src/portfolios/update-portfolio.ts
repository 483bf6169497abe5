import type { DataLayer } from '../data/data-layer';
import type { PortfolioChanges, PortfolioRecord } from '../data/portfolios/portfolio-repository';
import { portfolioArchived, portfolioNotFound } from '../ledger/append-ledger-entries';
import type { Actor } from '../shared/actor';
import { badInput, type InputIssue } from '../shared/errors';
import { checkDescription, checkName } from './portfolio-input';

/** What updatePortfolio takes: absent (undefined) leaves a field as it is; a null description removes it. */
export interface UpdatePortfolioInput {
  name?: string | null;
  description?: string | null;
}

/**
 * updatePortfolio: renames or re-describes a portfolio of the actor's tenant. Another tenant's
 * portfolio is NOT_FOUND like a missing one; an archived one is PORTFOLIO_ARCHIVED (archived is
 * frozen). The change and its audit entry (each field's before and after) commit together; a
 * request that changes nothing writes nothing and returns the portfolio as it is.
 */
export async function updatePortfolio(data: DataLayer, actor: Actor, id: string, input: UpdatePortfolioInput): Promise<PortfolioRecord> {
  const changes = checkChanges(input);
  return data.transaction(async (tx) => {
    const current = await tx.portfolios.lockForTenant(actor.tenantId, id);
    if (!current) throw portfolioNotFound(id);
    if (current.archivedAt !== null) throw portfolioArchived(id);
    const changed: Record<string, { from: string | null; to: string | null }> = {};
    if (changes.name !== undefined && changes.name !== current.name) changed.name = { from: current.name, to: changes.name };
    if (changes.description !== undefined && changes.description !== current.description) {
      changed.description = { from: current.description, to: changes.description };
    }
    if (Object.keys(changed).length === 0) return current;
    const updated = await tx.portfolios.update(id, changes);
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'portfolio.update',
      resource: `portfolio:${id}`,
      changes: changed,
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
    return updated;
  });
}

function checkChanges(input: UpdatePortfolioInput): PortfolioChanges {
  const issues: InputIssue[] = [];
  const changes: PortfolioChanges = {};
  if (input.name === null) issues.push({ path: 'input.name', message: 'cannot be removed; leave it out to keep it' });
  else if (input.name !== undefined) {
    const name = checkName(input.name, 'input.name', issues);
    if (name !== null) changes.name = name;
  }
  if (input.description !== undefined) {
    const description = checkDescription(input.description, 'input.description', issues);
    if (description !== undefined) changes.description = description;
  }
  if (issues.length > 0) throw badInput(`The changes are invalid: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues);
  return changes;
}
