import { computePositions } from '../../ledger/positions';
import type { CapabilityFn } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { ledgerEntries } from './ledger-entries';

/** ledger.positions: holdings (quantity, average cost) and cash as of a date, from the ledger at the execution's commit. */
export const positionsCapability =
  (deps: AgentDeps): CapabilityFn =>
  async ({ ctx, args }) => {
    const asOf = typeof args.asOf === 'string' ? args.asOf : ctx.asofDate;
    const entries = await ledgerEntries(deps, ctx, args.portfolioId);
    const positions = computePositions(entries, asOf);
    return {
      data: { ...positions, portfolioId: ctx.portfolioId, ledgerCommitHash: ctx.ledgerCommitHash },
      provenance: [{ source: 'Internal', asOf, confidence: 1 }],
    };
  };
