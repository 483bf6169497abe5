import type { LedgerEntryRecord } from '../../data/ledger/ledger-repository';
import { CapabilityError, type RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';

/**
 * The ledger as of the execution's commit. A capability may only read the portfolio the
 * execution was authorised for: the tenant check happened once, on ctx.portfolioId.
 */
export async function ledgerEntries(deps: AgentDeps, ctx: RequestCtx, portfolioId: unknown): Promise<LedgerEntryRecord[]> {
  if (typeof portfolioId !== 'string' || portfolioId !== ctx.portfolioId || !ctx.ledgerCommitHash) {
    throw new CapabilityError('PORTFOLIO_NOT_IN_CONTEXT', 'a capability may only read the portfolio of its execution');
  }
  const entries = await deps.ledger.entriesUpTo(portfolioId, ctx.ledgerCommitHash);
  if (!entries)
    throw new CapabilityError('LEDGER_COMMIT_NOT_FOUND', `ledger commit ${ctx.ledgerCommitHash} is not in portfolio ${portfolioId}`);
  return entries;
}
