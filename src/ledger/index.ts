import type { DataLayer } from '../data/data-layer';
import type { LedgerCommitRecord, LedgerEntryRecord, LedgerRepository } from '../data/ledger/ledger-repository';
import { appendLedgerEntries, type AppendLedgerEntriesInput } from './append-ledger-entries';

export type { LedgerCommitRecord, LedgerEntryRecord, LedgerRepository };
export { appendLedgerEntries, portfolioNotFound, APPEND_ATTEMPTS, type AppendLedgerEntriesInput } from './append-ledger-entries';
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
}

/** The ledger services on a data layer: its repository for reads, and appends through appendLedgerEntries. */
export function createLedgerServices(data: DataLayer): LedgerServices {
  return {
    repository: data.ledger,
    append: (input) => appendLedgerEntries(data, input),
  };
}
