import fc from 'fast-check';
import type { LedgerEntryContent } from '../../../src/data/ledger/ledger-records';
import { CommitHasher, computeCommitHash, type CommitHashHeader } from '../../../src/ledger/commit-hash';
import { LEDGER_ENTRY_KINDS } from '../../../src/ledger/positions';

const number = fc.oneof(
  fc.constant(null),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.constantFrom(0.1 + 0.2, 1e21, 1e-7, -0),
);
const text = fc.oneof(fc.string(), fc.string({ unit: 'grapheme' }), fc.constantFrom('', 'é', '\u2028', '"\\', '😀', '\ud800'));
const entry: fc.Arbitrary<LedgerEntryContent> = fc.record({
  kind: fc.constantFrom(...LEDGER_ENTRY_KINDS),
  tradeDate: fc.constantFrom('2026-11-23', '1900-01-01'),
  symbol: fc.oneof(fc.constant(null), text),
  quantity: number,
  price: number,
  currency: text,
  amount: number,
});
const header: fc.Arbitrary<CommitHashHeader> = fc.record({
  portfolioId: text,
  parentHash: fc.oneof(fc.constant(null), text),
  seq: fc.integer({ min: 1 }),
  message: fc.oneof(fc.constant(null), text),
});

function streamed(head: CommitHashHeader, entries: readonly LedgerEntryContent[]): string {
  const hasher = new CommitHasher(head);
  for (const e of entries) hasher.add(e);
  return hasher.digest();
}

describe('CommitHasher', () => {
  it('gives the hash computeCommitHash gives, byte for byte, for any header and entries', () => {
    fc.assert(
      fc.property(header, fc.array(entry, { maxLength: 20 }), (head, entries) => {
        expect(streamed(head, entries)).toBe(computeCommitHash({ ...head, entries }));
      }),
      { numRuns: 500 },
    );
  });

  it('ignores fields an entry record carries beyond its content, as computeCommitHash does', () => {
    const head = { portfolioId: 'pf', parentHash: 'sha256:parent', seq: 2, message: 'Nov' };
    const content: LedgerEntryContent = {
      kind: 'DEPOSIT',
      tradeDate: '2026-11-23',
      symbol: null,
      quantity: null,
      price: null,
      currency: 'CAD',
      amount: 1,
    };
    const record = { ...content, seq: 7, ordinal: 3, commitHash: 'sha256:x' };
    expect(streamed(head, [record])).toBe(computeCommitHash({ ...head, entries: [content] }));
    expect(streamed(head, [content, content])).not.toBe(streamed(head, [content]));
    expect(new CommitHasher(head).digest()).toBe(computeCommitHash({ ...head, entries: [] }));
  });
});
