import type { DataLayer } from '../data/data-layer';
import type { LedgerCommitRecord, LedgerEntryRecord, LedgerRepository } from '../data/ledger/ledger-repository';
import type { Page, PageRequest } from '../shared/pagination';
import { appendLedgerEntries, type AppendLedgerEntriesInput } from './append-ledger-entries';
import { positionsAt, type PositionsAtCommit } from './ledger-reads';

export type { LedgerCommitRecord, LedgerEntryRecord, LedgerRepository };
export {
  appendLedgerEntries,
  portfolioNotFound,
  portfolioArchived,
  APPEND_ATTEMPTS,
  type AppendLedgerEntriesInput,
} from './append-ledger-entries';
export { positionsAt, ledgerCommitNotFound, type PositionsAtCommit } from './ledger-reads';
export {
  validateEntries,
  symbolsOf,
  isIsoCurrency,
  MAX_ENTRIES_PER_COMMIT,
  type LedgerEntryInput,
  type SecurityInfo,
} from './entry-validation';
export {
  computePositions,
  externalFlows,
  cashEffect,
  entryAmount,
  sortEntries,
  LedgerBook,
  LedgerReplayError,
  LEDGER_ENTRY_KINDS,
  type CurrencyAmount,
  type ExternalFlow,
  type Holding,
  type Positions,
  type ReplayEntry,
} from './positions';

/** What the API and the agents use of the ledger: `services.ledger`. */
export interface LedgerServices {
  repository: LedgerRepository;
  append(input: AppendLedgerEntriesInput): Promise<LedgerCommitRecord>;
  /** Holdings and cash at a commit of a portfolio the caller may see (see positionsAt). */
  positions(portfolioId: string, commitHash: string): Promise<PositionsAtCommit>;
  /** A portfolio's commits, newest first, for a portfolio the caller may see. */
  commits(portfolioId: string, request: PageRequest): Promise<Page<LedgerCommitRecord>>;
}

/** The ledger's use-cases and reads, on the data layer. */
export function createLedgerServices(data: DataLayer): LedgerServices {
  return {
    repository: data.ledger,
    append: (input) => appendLedgerEntries(data, input),
    positions: (portfolioId, commitHash) => positionsAt(data.ledger, portfolioId, commitHash),
    commits: (portfolioId, request) => data.ledger.listCommits(portfolioId, request),
  };
}
