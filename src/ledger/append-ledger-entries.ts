import type { DataLayer, Repositories, TransactionOptions } from '../data/data-layer';
import { isWriteRace } from '../data/errors';
import type { LedgerCommitRecord } from '../data/ledger/ledger-repository';
import { todayUtc } from '../shared/dates';
import { computeCommitHash } from './commit-hash';
import { AppError, badInput, type InputIssue } from '../shared/errors';
import { MAX_MESSAGE_LENGTH, symbolsOf, validateEntries, type LedgerEntryInput, type SecurityInfo } from './entry-validation';

/** One commit to append, on behalf of a caller of a tenant. */
export interface AppendLedgerEntriesInput {
  /** The caller's tenant: a portfolio of any other tenant is "not found". */
  tenantId: string;
  /** Recorded on the commit; null for an operator import without --author. */
  authorId: string | null;
  portfolioId: string;
  entries: readonly LedgerEntryInput[];
  message?: string | null;
  /** Ids of the request, for the audit entry written with the commit. */
  traceId?: string | null;
  requestId?: string | null;
}

/** Whole attempts (read head → validate → compare-and-swap → insert) before giving up with CONFLICT. */
export const APPEND_ATTEMPTS = 3;

/** The head moved between reading it and swapping it: the attempt is rolled back and retried. */
export class HeadMoved extends Error {}

/** The error for a portfolio that does not exist or belongs to another tenant: the two answer alike. */
export function portfolioNotFound(portfolioId: string): AppError {
  return new AppError('NOT_FOUND', `No portfolio ${portfolioId}`, { portfolioId });
}

/** The error for a write (append, run, change) to an archived portfolio. */
export function portfolioArchived(portfolioId: string): AppError {
  return new AppError(
    'PORTFOLIO_ARCHIVED',
    `Portfolio ${portfolioId} is archived: its ledger and executions stay readable, but it takes no more changes`,
    {
      portfolioId,
    },
  );
}

/**
 * Appends entries to a portfolio's ledger as one commit chained to the current head, and
 * returns the commit. All or nothing: invalid entries → BAD_USER_INPUT listing every problem
 * with its path, and no row written; an archived portfolio → PORTFOLIO_ARCHIVED.
 *
 * Concurrency: one interactive transaction per attempt. It locks the portfolio row
 * (SELECT … FOR UPDATE), so concurrent appends to one portfolio queue instead of failing,
 * and each validates against the ledger its predecessor left. The head then moves by
 * compare-and-swap (UPDATE … WHERE ledger_head = the head read) and the new commit takes
 * seq + 1 under the unique (portfolio_id, seq): even a writer that skips the lock cannot fork
 * the chain — its swap finds 0 rows or its insert collides, the attempt rolls back and runs
 * again from the new head, up to APPEND_ATTEMPTS times, then CONFLICT (retryable).
 * Other portfolios' heads are never touched, so tenants never wait on one another.
 */
export async function appendLedgerEntries(data: DataLayer, input: AppendLedgerEntriesInput): Promise<LedgerCommitRecord> {
  const message = checkMessage(input.message);
  return withAppendAttempts(data, input.portfolioId, (tx) => appendOnce(tx, input, message));
}

/**
 * Runs an append, one transaction per attempt, again from the start whenever it loses a race
 * (HeadMoved, or a write race the database reports), up to APPEND_ATTEMPTS times; then CONFLICT
 * (retryable). Any other error ends it at once. A lost attempt was rolled back whole.
 */
export async function withAppendAttempts<T>(
  data: DataLayer,
  portfolioId: string,
  attempt: (tx: Repositories) => Promise<T>,
  options?: TransactionOptions,
): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      return await data.transaction(attempt, options);
    } catch (error) {
      if (!isRace(error)) throw error;
      if (n >= APPEND_ATTEMPTS) {
        throw new AppError('CONFLICT', `The ledger of portfolio ${portfolioId} kept moving while appending; retry`, {
          retryable: true,
          portfolioId,
        });
      }
    }
  }
}

function isRace(error: unknown): boolean {
  // The head moved, (portfolio_id, seq) or the hash was taken, or a write conflict or deadlock.
  return error instanceof HeadMoved || isWriteRace(error);
}

/** The commit message as stored: trimmed, null when empty; BAD_USER_INPUT when too long. */
export function checkMessage(message: string | null | undefined): string | null {
  if (message === null || message === undefined) return null;
  const text = message.trim();
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw badInput(`message must be at most ${MAX_MESSAGE_LENGTH} characters`, [{ path: 'message', message: 'too long' }]);
  }
  return text === '' ? null : text;
}

/**
 * The head an append builds on, its portfolio row locked until the transaction ends: refused for
 * a portfolio that is not the tenant's, or archived.
 */
export async function lockedHeadCommit(tx: Repositories, tenantId: string, portfolioId: string): Promise<LedgerCommitRecord> {
  const locked = await tx.ledger.lockHead(tenantId, portfolioId);
  if (locked === null) throw portfolioNotFound(portfolioId);
  if (locked.archived) throw portfolioArchived(portfolioId);
  const head = await tx.ledger.findCommit(portfolioId, locked.head);
  if (!head) throw new Error(`portfolio ${portfolioId}: ledger_head ${locked.head} names no commit of its ledger`);
  return head;
}

async function appendOnce(tx: Repositories, input: AppendLedgerEntriesInput, message: string | null): Promise<LedgerCommitRecord> {
  const { portfolioId } = input;
  const head = await lockedHeadCommit(tx, input.tenantId, portfolioId);
  const expectedHead = head.hash;
  const existing = (await tx.ledger.entriesUpTo(portfolioId, expectedHead)) ?? [];

  const securities = new Map<string, SecurityInfo>((await tx.securities.findBySymbols(symbolsOf(input.entries))).map((s) => [s.symbol, s]));
  const { contents, issues } = validateEntries(input.entries, { securities, existing, today: todayUtc() });
  if (issues.length > 0) throw invalidEntries(issues);

  const seq = head.seq + 1;
  const hash = computeCommitHash({ portfolioId, parentHash: head.hash, seq, message, entries: contents });
  if (!(await tx.ledger.swapHead(portfolioId, expectedHead, hash))) throw new HeadMoved();
  const commit = await tx.ledger.insertCommit({
    hash,
    portfolioId,
    parentHash: head.hash,
    seq,
    message,
    authorId: input.authorId,
    entries: contents,
  });
  await tx.audit.append({
    actorId: input.authorId,
    tenantId: input.tenantId,
    action: 'ledger.append',
    resource: `portfolio:${commit.portfolioId}`,
    changes: { hash: commit.hash, parentHash: commit.parentHash, seq: commit.seq, entries: contents.length },
    result: 'OK',
    traceId: input.traceId ?? null,
    requestId: input.requestId ?? null,
  });
  return commit;
}

/**
 * BAD_USER_INPUT listing the entries' problems. total: how many there were, when only the
 * first ones are listed (a streamed append keeps a bounded number); the rest are counted in the
 * `omittedIssues` extension.
 */
export function invalidEntries(issues: InputIssue[], total = issues.length): AppError {
  const first = issues[0];
  const more = total > 1 ? ` (and ${total - 1} more)` : '';
  const error = badInput(`Invalid ledger entries: ${first.path}: ${first.message}${more}`, issues);
  if (total > issues.length) error.extensions.omittedIssues = total - issues.length;
  return error;
}
