import { createHash, type Hash } from 'node:crypto';
import { canonicalJson, contentHash } from '../shared/canonical-json';
import type { LedgerEntryContent } from '../data/ledger/ledger-records';

/** What a commit's hash covers besides its entries. */
export interface CommitHashHeader {
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
}

/**
 * A commit's hash chains it to its parent, so the hash of a head names the whole history:
 * holdings "as of commit X" can always be recomputed and verified. This is the definition;
 * CommitHasher computes the same value without holding the entries.
 */
export function computeCommitHash(input: CommitHashHeader & { entries: LedgerEntryContent[] }): string {
  return contentHash({
    portfolioId: input.portfolioId,
    parentHash: input.parentHash,
    seq: input.seq,
    message: input.message,
    entries: input.entries.map(hashedEntry),
  });
}

/** The fields of an entry the hash covers (and nothing else an entry record may carry). */
function hashedEntry(e: LedgerEntryContent): LedgerEntryContent {
  return {
    kind: e.kind,
    tradeDate: e.tradeDate,
    symbol: e.symbol,
    quantity: e.quantity,
    price: e.price,
    currency: e.currency,
    amount: e.amount,
  };
}

/** The canonical JSON of a commit opens with its entries: JCS sorts keys, and "entries" sorts first. */
const ENTRIES_OPEN = '{"entries":[';

/**
 * computeCommitHash over entries that arrive one at a time (an import of any size), in constant
 * memory: it feeds sha256 the very bytes of the canonical JSON computeCommitHash hashes — the
 * opening up to the entries array, each entry's canonical JSON with commas between, then the rest
 * of the object — so the two always agree.
 */
export class CommitHasher {
  private readonly hash: Hash = createHash('sha256');
  private readonly closing: string;
  private count = 0;

  constructor(header: CommitHashHeader) {
    // The object without entries, canonicalised by the same code: what follows the array is exactly this text's tail.
    const empty = canonicalJson({ ...pickHeader(header), entries: [] });
    if (!empty.startsWith(`${ENTRIES_OPEN}]`)) throw new Error(`unexpected canonical commit form: ${empty.slice(0, 40)}`);
    this.closing = empty.slice(ENTRIES_OPEN.length);
    this.hash.update(ENTRIES_OPEN);
  }

  /** How many entries were added. */
  get entryCount(): number {
    return this.count;
  }

  add(entry: LedgerEntryContent): void {
    this.hash.update(this.count === 0 ? canonicalJson(hashedEntry(entry)) : `,${canonicalJson(hashedEntry(entry))}`);
    this.count++;
  }

  /** The commit's hash (`sha256:<hex>`); the hasher is spent afterwards. */
  digest(): string {
    this.hash.update(this.closing);
    return `sha256:${this.hash.digest('hex')}`;
  }
}

function pickHeader(header: CommitHashHeader): CommitHashHeader {
  return { portfolioId: header.portfolioId, parentHash: header.parentHash, seq: header.seq, message: header.message };
}
