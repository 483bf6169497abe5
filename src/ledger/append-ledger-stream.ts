import type { Repositories } from '../data/data-layer';
import type { DataLayer } from '../data/data-layer';
import type { LedgerCommitRecord } from '../data/ledger/ledger-repository';
import { badInput, type InputIssue } from '../shared/errors';
import { todayUtc } from '../shared/dates';
import { checkMessage, HeadMoved, invalidEntries, lockedHeadCommit, withAppendAttempts } from './append-ledger-entries';
import { CommitHasher } from './commit-hash';
import { LedgerEntryChecker, storedEntry, symbolsOf, type LedgerEntryInput, type SecurityInfo } from './entry-validation';

/**
 * Entries in batches, in ledger order: a file read as it goes. Each call starts again from the
 * first entry — a streamed append reads its source twice per attempt — and must yield the same
 * entries every time.
 */
export type LedgerEntrySource = () => AsyncIterable<readonly LedgerEntryInput[]>;

/** appendLedgerEntries' input, with entries that need not fit in memory. */
export interface AppendLedgerStreamInput {
  /** The caller's tenant: a portfolio of any other tenant is "not found". */
  tenantId: string;
  /** Recorded on the commit; null for an operator import without --author. */
  authorId: string | null;
  portfolioId: string;
  entries: LedgerEntrySource;
  message?: string | null;
  traceId?: string | null;
  requestId?: string | null;
}

/** Problems a streamed append lists; beyond them it only counts (`omittedIssues`), so a file wrong on every line stays cheap. */
export const MAX_LISTED_ISSUES = 100;

/**
 * How long one attempt's transaction may run. It holds the portfolio's row lock throughout:
 * appends to that portfolio (the API's included) wait, those of other portfolios do not.
 */
export const STREAM_TRANSACTION_TIMEOUT_MS = 30 * 60_000;

/**
 * Appends any number of entries as ONE commit, all or nothing, in memory that does not grow with
 * their number: the same rules, chain, audit and concurrency as appendLedgerEntries (row lock,
 * compare-and-swap of the head, whole attempts retried on a lost race, then CONFLICT), without
 * its MAX_ENTRIES_PER_COMMIT bound, which is a request's size. Used by `npm run ledger:import`.
 *
 * A commit's hash covers all its entries and its entries' rows name it, so the source is read
 * twice in one transaction under the lock: first to check every entry against the ledger (each
 * batch's symbols looked up as it comes) and hash them (CommitHasher), writing nothing — any
 * problem is BAD_USER_INPUT, listing the first MAX_LISTED_ISSUES with their paths
 * (`entries.98997.amount`); then, with the head swapped and the commit row written, to insert the
 * entries batch by batch. The second read must hash to the first one's value, or the source
 * changed in between, and the whole attempt rolls back.
 */
export async function appendLedgerStream(data: DataLayer, input: AppendLedgerStreamInput): Promise<LedgerCommitRecord> {
  const message = checkMessage(input.message);
  return withAppendAttempts(data, input.portfolioId, (tx) => appendStreamOnce(tx, input, message), {
    timeoutMs: STREAM_TRANSACTION_TIMEOUT_MS,
  });
}

async function appendStreamOnce(tx: Repositories, input: AppendLedgerStreamInput, message: string | null): Promise<LedgerCommitRecord> {
  const { portfolioId } = input;
  const head = await lockedHeadCommit(tx, input.tenantId, portfolioId);
  const expectedHead = head.hash;
  const header = { portfolioId, parentHash: head.hash, seq: head.seq + 1, message };

  // First read: check and hash, write nothing.
  const checker = new LedgerEntryChecker(todayUtc());
  checker.replay((await tx.ledger.entriesUpTo(portfolioId, expectedHead)) ?? []);
  const issues = new IssueList(MAX_LISTED_ISSUES);
  const hasher = new CommitHasher(header);
  for await (const batch of input.entries()) {
    const result = checker.check(batch, await securitiesOf(tx, batch));
    issues.add(result.issues);
    // Past the first problem the hash is moot; the checks go on, to list every problem.
    if (issues.total === 0) for (const content of result.contents) hasher.add(content);
  }
  if (checker.entryCount === 0) issues.add([{ path: 'entries', message: 'a commit needs at least one entry' }]);
  if (issues.total > 0) throw invalidEntries(issues.listed, issues.total);
  const hash = hasher.digest();

  if (!(await tx.ledger.swapHead(portfolioId, expectedHead, hash))) throw new HeadMoved();
  const commit = await tx.ledger.insertCommit({ ...header, hash, authorId: input.authorId, entries: [] });

  // Second read: store the entries under the hash they make.
  const again = new CommitHasher(header);
  for await (const batch of input.entries()) {
    const contents = batch.map(storedEntry);
    await tx.ledger.insertEntries(hash, again.entryCount, contents);
    for (const content of contents) again.add(content);
  }
  if (again.digest() !== hash) {
    throw badInput('The entries changed while being appended (was the file modified during the import?); nothing was written', [
      { path: 'entries', message: 'changed between the check and the write' },
    ]);
  }

  await tx.audit.append({
    actorId: input.authorId,
    tenantId: input.tenantId,
    action: 'ledger.append',
    resource: `portfolio:${portfolioId}`,
    changes: { hash, parentHash: head.hash, seq: commit.seq, entries: checker.entryCount },
    result: 'OK',
    traceId: input.traceId ?? null,
    requestId: input.requestId ?? null,
  });
  return { ...commit, entryCount: checker.entryCount };
}

/**
 * The securities a batch names, by symbol: one query per batch, whatever the file's size. Every
 * rule about symbols (known, in the entry's currency) reads this map.
 */
async function securitiesOf(tx: Repositories, batch: readonly LedgerEntryInput[]): Promise<Map<string, SecurityInfo>> {
  return new Map((await tx.securities.findBySymbols(symbolsOf(batch))).map((s) => [s.symbol, s]));
}

/** The first `limit` problems, and how many there were. */
class IssueList {
  readonly listed: InputIssue[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  add(issues: readonly InputIssue[]): void {
    this.total += issues.length;
    for (const issue of issues) if (this.listed.length < this.limit) this.listed.push(issue);
  }
}
