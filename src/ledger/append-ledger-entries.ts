import { appendAudit } from '../data/audit/audit-log';
import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { computeCommitHash } from '../data/ledger/commit-hash';
import { LedgerRepository, type LedgerCommitRecord } from '../data/ledger/ledger-repository';
import { toDbDate, todayUtc } from '../shared/dates';
import { AppError, badInput, type InputIssue } from '../shared/errors';
import { MAX_MESSAGE_LENGTH, symbolsOf, validateEntries, type LedgerEntryInput, type SecurityInfo } from './entry-validation';

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
/** Rows per createMany: 9 columns × 2,000 stays far below PostgreSQL's 65,535 bind parameters. */
const INSERT_BATCH = 2_000;

type Tx = Prisma.TransactionClient;

/** The head moved between reading it and swapping it: the attempt is rolled back and retried. */
class HeadMoved extends Error {}

export function portfolioNotFound(portfolioId: string): AppError {
  return new AppError('NOT_FOUND', `No portfolio ${portfolioId}`, { portfolioId });
}

/**
 * Appends entries to a portfolio's ledger as one commit chained to the current head, and
 * returns the commit. All or nothing: invalid entries → BAD_USER_INPUT listing every problem
 * with its path, and no row written.
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
export async function appendLedgerEntries(prisma: PrismaClient, input: AppendLedgerEntriesInput): Promise<LedgerCommitRecord> {
  const message = checkMessage(input.message);
  for (let attempt = 1; ; attempt++) {
    try {
      return await prisma.$transaction((tx) => appendOnce(tx, input, message), { maxWait: 10_000, timeout: 60_000 });
    } catch (error) {
      if (!isRace(error)) throw error;
      if (attempt >= APPEND_ATTEMPTS) {
        throw new AppError('CONFLICT', `The ledger of portfolio ${input.portfolioId} kept moving while appending; retry`, {
          retryable: true,
          portfolioId: input.portfolioId,
        });
      }
    }
  }
}

function isRace(error: unknown): boolean {
  if (error instanceof HeadMoved) return true;
  // P2002: (portfolio_id, seq) or the hash already taken; P2034: write conflict or deadlock.
  return error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2002' || error.code === 'P2034');
}

function checkMessage(message: string | null | undefined): string | null {
  if (message === null || message === undefined) return null;
  const text = message.trim();
  if (text.length > MAX_MESSAGE_LENGTH) {
    throw badInput(`message must be at most ${MAX_MESSAGE_LENGTH} characters`, [{ path: 'message', message: 'too long' }]);
  }
  return text === '' ? null : text;
}

async function appendOnce(tx: Tx, input: AppendLedgerEntriesInput, message: string | null): Promise<LedgerCommitRecord> {
  const { portfolioId } = input;
  // Tenant filter in the lock itself: another tenant's portfolio is locked by nobody here and
  // answers exactly like a missing one.
  const locked = await tx.$queryRaw<{ ledgerHead: string }[]>`
    SELECT ledger_head AS "ledgerHead" FROM portfolios WHERE id = ${portfolioId} AND tenant_id = ${input.tenantId} FOR UPDATE`;
  if (locked.length === 0) throw portfolioNotFound(portfolioId);
  const expectedHead = locked[0].ledgerHead;

  const ledger = new LedgerRepository(tx);
  const head = await ledger.findCommit(portfolioId, expectedHead);
  if (!head) throw new Error(`portfolio ${portfolioId}: ledger_head ${expectedHead} names no commit of its ledger`);
  const existing = (await ledger.entriesUpTo(portfolioId, expectedHead)) ?? [];

  const symbols = symbolsOf(input.entries);
  const securities = new Map<string, SecurityInfo>(
    symbols.length === 0
      ? []
      : (await tx.security.findMany({ where: { symbol: { in: symbols } }, select: { symbol: true, currency: true } })).map((s) => [s.symbol, s]),
  );
  const { contents, issues } = validateEntries(input.entries, { securities, existing, today: todayUtc() });
  if (issues.length > 0) throw invalidEntries(issues);

  const seq = head.seq + 1;
  const hash = computeCommitHash({ portfolioId, parentHash: head.hash, seq, message, entries: contents });

  const swapped = await tx.portfolio.updateMany({ where: { id: portfolioId, ledgerHead: expectedHead }, data: { ledgerHead: hash } });
  if (swapped.count !== 1) throw new HeadMoved();

  const commit = await tx.ledgerCommit.create({
    data: { hash, portfolioId, parentHash: head.hash, seq, message, authorId: input.authorId },
  });
  for (let start = 0; start < contents.length; start += INSERT_BATCH) {
    await tx.ledgerEntry.createMany({
      data: contents.slice(start, start + INSERT_BATCH).map((entry, i) => ({
        commitHash: hash,
        ordinal: start + i,
        kind: entry.kind,
        symbol: entry.symbol,
        quantity: entry.quantity,
        price: entry.price,
        currency: entry.currency,
        amount: entry.amount,
        tradeDate: toDbDate(entry.tradeDate),
      })),
    });
  }
  await appendAudit(tx, {
    actorId: input.authorId,
    tenantId: input.tenantId,
    action: 'ledger.append',
    resource: `portfolio:${commit.portfolioId}`,
    changes: { hash: commit.hash, parentHash: commit.parentHash, seq: commit.seq, entries: contents.length },
    result: 'OK',
    traceId: input.traceId ?? null,
    requestId: input.requestId ?? null,
  });
  return {
    hash: commit.hash,
    portfolioId: commit.portfolioId,
    parentHash: commit.parentHash,
    seq: commit.seq,
    message: commit.message,
    authorId: commit.authorId,
    createdAt: commit.createdAt,
    entryCount: contents.length,
  };
}

function invalidEntries(issues: InputIssue[]): AppError {
  const first = issues[0];
  const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
  return badInput(`Invalid ledger entries: ${first.path}: ${first.message}${more}`, issues);
}
