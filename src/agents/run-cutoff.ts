import type { RunCutoff } from '../data/reference/run-cutoff';
import type { RequestCtx } from '../runtime/capability';

/** The cut-off of the reference data and news a run reads: its pack's publication and its ledger commit. */
export function runCutoff(ctx: RequestCtx): RunCutoff {
  return { packCreatedAt: ctx.pricingPackCreatedAt, ledgerCommitHash: ctx.ledgerCommitHash };
}
