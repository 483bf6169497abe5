import type { SecurityRecord } from '../../data/reference/security-repository';
import type { RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';

/**
 * The securities' reference data (name, asset class) as a run reads it: as it stood when the later
 * of the run's pack and ledger commit was written, so a pinned rerun reads the same, whatever
 * upsertSecurities changed since.
 */
export function securitiesOfRun(deps: AgentDeps, ctx: RequestCtx, symbols: readonly string[]): Promise<SecurityRecord[]> {
  return deps.securities.findAsOfRun(symbols, { packCreatedAt: ctx.pricingPackCreatedAt, ledgerCommitHash: ctx.ledgerCommitHash });
}
