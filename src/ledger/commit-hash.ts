import { contentHash } from '../shared/canonical-json';
import type { LedgerEntryContent } from '../data/ledger/ledger-records';

/**
 * A commit's hash chains it to its parent, so the hash of a head names the whole history:
 * holdings "as of commit X" can always be recomputed and verified.
 */
export function computeCommitHash(input: {
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
  entries: LedgerEntryContent[];
}): string {
  return contentHash({
    portfolioId: input.portfolioId,
    parentHash: input.parentHash,
    seq: input.seq,
    message: input.message,
    entries: input.entries.map((e) => ({
      kind: e.kind,
      tradeDate: e.tradeDate,
      symbol: e.symbol,
      quantity: e.quantity,
      price: e.price,
      currency: e.currency,
      amount: e.amount,
    })),
  });
}
