import { LRUCache } from 'lru-cache';
import type { DataHandle } from '../handle';
import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';
import type { LedgerEntryContent, LedgerEntryKindName } from './ledger-records';

/** A stored ledger commit. */
export interface LedgerCommitRecord {
  hash: string;
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
  authorId: string | null;
  createdAt: Date;
  entryCount: number;
}

/** A stored ledger entry: its content, its place in the ledger (seq, ordinal) and its commit. */
export interface LedgerEntryRecord extends LedgerEntryContent {
  /** The seq of the commit holding the entry (1 for a portfolio's first commit). */
  seq: number;
  /** Position inside its commit, from 0. */
  ordinal: number;
  commitHash: string;
}

/** A portfolio's head as an append sees it, its row locked. */
export interface LockedHead {
  head: string;
  /** An archived portfolio takes no more commits. */
  archived: boolean;
}

/** A commit named within its portfolio. */
export interface CommitKey {
  portfolioId: string;
  hash: string;
}

/** One string per (portfolio, commit): the keys of entriesOfCommits' answer. */
export function commitKeyOf(key: CommitKey): string {
  return `${key.portfolioId}\u0000${key.hash}`;
}

/** A commit to store: its place in the chain and its entries, in order. */
export interface NewLedgerCommit {
  hash: string;
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
  authorId: string | null;
  entries: readonly LedgerEntryContent[];
}

interface EntryRow {
  commitHash: string;
  seq: number;
  ordinal: number | null;
  kind: string | null;
  symbol: string | null;
  quantity: number | null;
  price: number | null;
  currency: string | null;
  amount: number | null;
  tradeDate: string | null;
}

/**
 * Ledger chains: append-only commits of entries, one chain per portfolio. Reads are keyed by
 * portfolio, not tenant: callers check the portfolio belongs to the caller's tenant first
 * (PortfolioRepository.findForTenant). A commit hash is only ever looked up within its portfolio,
 * so one portfolio's hash never reads another's chain. Writes (lockHead, swapHead, insertCommit)
 * are called inside DataLayer.transaction.
 */
export class LedgerRepository {
  private readonly entriesByCommit = new LRUCache<string, LedgerEntryRecord[]>({ max: LEDGER_CACHE_COMMITS });
  private readonly prisma: DataHandle['prisma'];

  constructor(private readonly db: DataHandle) {
    this.prisma = db.prisma;
  }

  async findCommit(portfolioId: string, hash: string): Promise<LedgerCommitRecord | null> {
    const row = await this.prisma.ledgerCommit.findFirst({
      where: { portfolioId, hash },
      include: { _count: { select: { entries: true } } },
    });
    return row ? toCommitRecord(row) : null;
  }

  /** The commit the portfolio's ledger_head names; null for an unknown portfolio (or a head without its commit). */
  async head(portfolioId: string): Promise<LedgerCommitRecord | null> {
    const portfolio = await this.prisma.portfolio.findUnique({ where: { id: portfolioId }, select: { ledgerHead: true } });
    return portfolio ? this.findCommit(portfolioId, portfolio.ledgerHead) : null;
  }

  /**
   * Every entry of the commits with seq ≤ that commit's seq, in ledger order (seq, ordinal):
   * the ledger "as of" the commit, in one query. Null when the portfolio has no such commit.
   */
  async entriesUpTo(portfolioId: string, commitHash: string): Promise<LedgerEntryRecord[] | null> {
    // A commit's ledger never changes (append-only tables, hash-chained commits), so what was
    // read for a hash stays true: several steps of one run, and runs on the same head, share it.
    const key = `${portfolioId}\u0000${commitHash}`;
    const known = this.entriesByCommit.get(key);
    if (known) return known;
    const entries = await this.readEntriesUpTo(portfolioId, commitHash);
    if (entries) this.entriesByCommit.set(key, Object.freeze(entries) as LedgerEntryRecord[]);
    return entries;
  }

  private async readEntriesUpTo(portfolioId: string, commitHash: string): Promise<LedgerEntryRecord[] | null> {
    // The target commit joins to itself at least, so a known commit always yields a row (with
    // null entry columns when its chain holds no entry yet); an unknown one yields none.
    const rows = await this.db.sql.query<EntryRow>(
      `SELECT c.hash AS "commitHash", c.seq, e.ordinal, e.kind::text AS kind, e.symbol, e.quantity, e.price,
              e.currency, e.amount, to_char(e.trade_date, 'YYYY-MM-DD') AS "tradeDate"
       FROM ledger_commits t
       JOIN ledger_commits c ON c.portfolio_id = t.portfolio_id AND c.seq <= t.seq
       LEFT JOIN ledger_entries e ON e.commit_hash = c.hash
       WHERE t.portfolio_id = $1 AND t.hash = $2
       ORDER BY c.seq, e.ordinal`,
      [portfolioId, commitHash],
    );
    if (rows.length === 0) return null;
    return rows.filter((row) => row.ordinal !== null).map(toEntryRecord);
  }

  /**
   * Locks the portfolio's row until the transaction ends, so appends to one portfolio queue, and
   * returns its head and whether it is archived. The tenant is part of the lock's condition:
   * another tenant's portfolio is locked by nobody here and answers null, exactly like a missing
   * one. An archive waits for the lock too, so it lands before or after an append, never inside.
   */
  async lockHead(tenantId: string, portfolioId: string): Promise<LockedHead | null> {
    const [row] = await this.db.sql.query<{ ledger_head: string; archived: boolean }>(
      'SELECT ledger_head, archived_at IS NOT NULL AS archived FROM portfolios WHERE id = $1 AND tenant_id = $2 FOR UPDATE',
      [portfolioId, tenantId],
    );
    return row ? { head: row.ledger_head, archived: row.archived } : null;
  }

  /**
   * Moves the portfolio's head from `expected` to `next`: false when it had moved meanwhile, or
   * the portfolio was archived (compare-and-swap; the archived flag is checked in the same
   * statement, so even a writer that skipped the lock cannot append to an archived portfolio).
   */
  async swapHead(portfolioId: string, expected: string, next: string): Promise<boolean> {
    const swapped = await this.prisma.portfolio.updateMany({
      where: { id: portfolioId, ledgerHead: expected, archivedAt: null },
      data: { ledgerHead: next },
    });
    return swapped.count === 1;
  }

  /**
   * The portfolio's commits, newest first (seq descending), as a keyset page on seq: commits
   * appended while a client pages are newer than its cursor, so they neither repeat nor shift
   * what it has seen. One query, entry counts included.
   */
  async listCommits(portfolioId: string, request: PageRequest): Promise<Page<LedgerCommitRecord>> {
    const size = pageSize(request.first);
    const beforeSeq = request.after ? seqOf(request.after) : undefined;
    const rows = await this.prisma.ledgerCommit.findMany({
      where: { portfolioId, ...(beforeSeq !== undefined ? { seq: { lt: beforeSeq } } : {}) },
      orderBy: { seq: 'desc' },
      take: size + 1,
      include: { _count: { select: { entries: true } } },
    });
    return toPage(rows.map(toCommitRecord), size, (c) => encodeCursor([c.seq]));
  }

  /**
   * The entries of several commits in one query, each commit's in order (ordinal), by
   * commitKeyOf. A commit is matched with its portfolio, so a hash asked for under another
   * portfolio yields nothing.
   */
  async entriesOfCommits(commits: readonly CommitKey[]): Promise<Map<string, LedgerEntryRecord[]>> {
    const byCommit = new Map<string, LedgerEntryRecord[]>();
    if (commits.length === 0) return byCommit;
    const rows = await this.db.sql.query<EntryRow & { portfolioId: string }>(
      `SELECT c.portfolio_id AS "portfolioId", c.hash AS "commitHash", c.seq, e.ordinal, e.kind::text AS kind, e.symbol, e.quantity, e.price,
              e.currency, e.amount, to_char(e.trade_date, 'YYYY-MM-DD') AS "tradeDate"
       FROM unnest($1::text[], $2::text[]) AS k(portfolio_id, hash)
       JOIN ledger_commits c ON c.portfolio_id = k.portfolio_id AND c.hash = k.hash
       JOIN ledger_entries e ON e.commit_hash = c.hash
       ORDER BY c.hash, e.ordinal`,
      [commits.map((c) => c.portfolioId), commits.map((c) => c.hash)],
    );
    for (const row of rows) {
      const key = commitKeyOf({ portfolioId: row.portfolioId, hash: row.commitHash });
      const entries = byCommit.get(key) ?? [];
      entries.push(toEntryRecord(row));
      byCommit.set(key, entries);
    }
    return byCommit;
  }

  /**
   * Stores a commit and its entries (insertEntries). A taken (portfolio, seq) or hash is a
   * unique violation. A commit too large to hold in memory is stored with no entries here and its
   * entries added by insertEntries, in the same transaction.
   */
  async insertCommit(commit: NewLedgerCommit): Promise<LedgerCommitRecord> {
    const row = await this.prisma.ledgerCommit.create({
      data: {
        hash: commit.hash,
        portfolioId: commit.portfolioId,
        parentHash: commit.parentHash,
        seq: commit.seq,
        message: commit.message,
        authorId: commit.authorId,
      },
    });
    await this.insertEntries(commit.hash, 0, commit.entries);
    return toCommitRecord({ ...row, _count: { entries: commit.entries.length } });
  }

  /**
   * Adds entries to a stored commit, the first taking ordinal firstOrdinal: one array-bound
   * statement per ENTRY_BATCH rows, so neither the number of statements nor of bind parameters
   * limits a commit's size. A taken (commit, ordinal) is a unique violation.
   */
  async insertEntries(commitHash: string, firstOrdinal: number, entries: readonly LedgerEntryContent[]): Promise<void> {
    for (let start = 0; start < entries.length; start += ENTRY_BATCH) {
      const batch = entries.slice(start, start + ENTRY_BATCH);
      await this.db.sql.query(
        `INSERT INTO ledger_entries (commit_hash, ordinal, kind, symbol, quantity, price, currency, amount, trade_date)
         SELECT $1, ordinal, kind::"LedgerEntryKind", symbol, quantity, price, currency, amount, trade_date
         FROM unnest($2::int[], $3::text[], $4::text[], $5::float8[], $6::float8[], $7::text[], $8::float8[], $9::date[])
           AS t(ordinal, kind, symbol, quantity, price, currency, amount, trade_date)`,
        [
          commitHash,
          batch.map((_, i) => firstOrdinal + start + i),
          batch.map((e) => e.kind),
          batch.map((e) => e.symbol),
          batch.map((e) => e.quantity),
          batch.map((e) => e.price),
          batch.map((e) => e.currency),
          batch.map((e) => e.amount),
          batch.map((e) => e.tradeDate),
        ],
      );
    }
  }
}

/** Entries per insert statement: 9 arrays of this many values each. */
const ENTRY_BATCH = 10_000;

/** Ledgers (portfolio, commit) kept in memory; each is a few hundred entries. */
const LEDGER_CACHE_COMMITS = 500;

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}

function toEntryRecord(row: EntryRow): LedgerEntryRecord {
  return {
    commitHash: row.commitHash,
    seq: Number(row.seq),
    ordinal: Number(row.ordinal),
    kind: row.kind as LedgerEntryKindName,
    tradeDate: row.tradeDate as string,
    symbol: row.symbol,
    quantity: numberOrNull(row.quantity),
    price: numberOrNull(row.price),
    currency: row.currency as string,
    amount: numberOrNull(row.amount),
  };
}

interface CommitRow {
  hash: string;
  portfolioId: string;
  parentHash: string | null;
  seq: number;
  message: string | null;
  authorId: string | null;
  createdAt: Date;
  _count: { entries: number };
}

function toCommitRecord(row: CommitRow): LedgerCommitRecord {
  return {
    hash: row.hash,
    portfolioId: row.portfolioId,
    parentHash: row.parentHash,
    seq: row.seq,
    message: row.message,
    authorId: row.authorId,
    createdAt: row.createdAt,
    entryCount: row._count.entries,
  };
}

function seqOf(cursor: string): number {
  const [seq] = decodeCursor(cursor, 1);
  if (typeof seq !== 'number' || !Number.isInteger(seq) || seq < 1) {
    throw badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);
  }
  return seq;
}
