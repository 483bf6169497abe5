/**
 * The shapes of stored ledger data, shared by the repository that reads and writes them and the
 * domain code (replay, validation, hashing) above it.
 */
export type LedgerEntryKindName = 'BUY' | 'SELL' | 'DEPOSIT' | 'WITHDRAWAL' | 'DIVIDEND' | 'FEE';

/** What an entry says, as hashed and stored: kind, trade date, and the amounts its kind uses. */
export interface LedgerEntryContent {
  kind: LedgerEntryKindName;
  tradeDate: string; // YYYY-MM-DD
  symbol: string | null;
  quantity: number | null;
  price: number | null;
  currency: string;
  amount: number | null;
}
