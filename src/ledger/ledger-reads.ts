import type { LedgerRepository } from '../data/ledger/ledger-repository';
import { AppError } from '../shared/errors';
import { computePositions, type CurrencyAmount, type Holding } from './positions';

/** Holdings and cash of a portfolio as its ledger stands at one commit. */
export interface PositionsAtCommit {
  portfolioId: string;
  ledgerCommitHash: string;
  /** Open positions by symbol, average cost in each security's currency. */
  holdings: Holding[];
  /** Cash per currency the ledger touched, by currency (zero balances included). */
  cash: CurrencyAmount[];
}

/** The error for a commit that is not in the portfolio's ledger (unknown, or another portfolio's). */
export function ledgerCommitNotFound(portfolioId: string, commitHash: string): AppError {
  return new AppError('NOT_FOUND', `ledger commit ${commitHash} is not in portfolio ${portfolioId}`, {
    portfolioId,
    ledgerCommit: commitHash,
    path: ['ledgerCommit'],
  });
}

/**
 * The whole ledger up to the commit replayed with computePositions — the replay the agents'
 * `ledger.positions` runs, on the same cached read of the ledger — so what this returns is what
 * an execution pinned to that commit starts from. Ledger facts only: no prices, no credits. The
 * caller has checked the portfolio is the caller's tenant's; a commit is looked up within it.
 */
export async function positionsAt(ledger: LedgerRepository, portfolioId: string, commitHash: string): Promise<PositionsAtCommit> {
  const entries = await ledger.entriesUpTo(portfolioId, commitHash);
  if (!entries) throw ledgerCommitNotFound(portfolioId, commitHash);
  const { holdings, cash } = computePositions(entries);
  return { portfolioId, ledgerCommitHash: commitHash, holdings, cash };
}
