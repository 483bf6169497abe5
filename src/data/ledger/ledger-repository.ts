import { LRUCache } from 'lru-cache';
import type { Prisma } from '../../generated/prisma/client';
import type { ReplayEntry } from '../../ledger/positions';
import type { LedgerEntryKindName } from './commit-hash';

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
export interface LedgerEntryRecord extends ReplayEntry {
  commitHash: string;
}

/** A PrismaClient or an interactive transaction's client: reads work inside a use-case's transaction too. */
export type LedgerDb = Prisma.TransactionClient;

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
 * Read access to ledger chains. Keyed by portfolio, not tenant: callers check the portfolio
 * belongs to the caller's tenant first (PortfolioRepository.findForTenant). A commit hash is
 * only ever looked up within its portfolio, so one portfolio's hash never reads another's chain.
 */
export class LedgerRepository {
  private readonly entriesByCommit = new LRUCache<string, LedgerEntryRecord[]>({ max: LEDGER_CACHE_COMMITS });

  constructor(private readonly prisma: LedgerDb) {}

  async findCommit(portfolioId: string, hash: string): Promise<LedgerCommitRecord | null> {
    const row = await this.prisma.ledgerCommit.findFirst({
      where: { portfolioId, hash },
      include: { _count: { select: { entries: true } } },
    });
    if (!row) return null;
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
    const rows = await this.prisma.$queryRaw<EntryRow[]>`
      SELECT c.hash AS "commitHash", c.seq, e.ordinal, e.kind::text AS kind, e.symbol, e.quantity, e.price,
             e.currency, e.amount, to_char(e.trade_date, 'YYYY-MM-DD') AS "tradeDate"
      FROM ledger_commits t
      JOIN ledger_commits c ON c.portfolio_id = t.portfolio_id AND c.seq <= t.seq
      LEFT JOIN ledger_entries e ON e.commit_hash = c.hash
      WHERE t.portfolio_id = ${portfolioId} AND t.hash = ${commitHash}
      ORDER BY c.seq, e.ordinal`;
    if (rows.length === 0) return null;
    const entries: LedgerEntryRecord[] = [];
    for (const row of rows) {
      if (row.ordinal === null) continue;
      entries.push({
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
      });
    }
    return entries;
  }
}

/** Ledgers (portfolio, commit) kept in memory; each is a few hundred entries. */
const LEDGER_CACHE_COMMITS = 500;

function numberOrNull(value: number | null): number | null {
  return value === null ? null : Number(value);
}
