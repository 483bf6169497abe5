import type { DataHandle } from '../handle';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** A stored portfolio, as every read returns it. */
export interface PortfolioRecord {
  id: string;
  tenantId: string;
  name: string;
  baseCurrency: string;
  ledgerHead: string;
  description: string | null;
  createdAt: Date;
  /** When it was archived; null while it is live. */
  archivedAt: Date | null;
}

/** A portfolio to store, with the hash of its root commit (inserted after it, in the same transaction). */
export interface NewPortfolio {
  id: string;
  tenantId: string;
  name: string;
  baseCurrency: string;
  description: string | null;
  ledgerHead: string;
}

/** What updatePortfolio may change; an absent field is left as it is. */
export interface PortfolioChanges {
  name?: string;
  description?: string | null;
}

const SELECT = {
  id: true,
  tenantId: true,
  name: true,
  baseCurrency: true,
  ledgerHead: true,
  description: true,
  createdAt: true,
  archivedAt: true,
} as const;

interface PortfolioRow {
  id: string;
  tenant_id: string;
  name: string;
  base_currency: string;
  ledger_head: string;
  description: string | null;
  created_at: Date | string;
  archived_at: Date | string | null;
}

/**
 * Portfolios are tenant data: every read takes the caller's tenant, and another tenant's
 * portfolio is indistinguishable from one that does not exist.
 */
export class PortfolioRepository {
  private readonly prisma: DataHandle['prisma'];

  constructor(private readonly db: DataHandle) {
    this.prisma = db.prisma;
  }

  /** Any tenant's portfolio: for operators' tools, which act on behalf of the portfolio's own tenant. */
  async findById(id: string): Promise<PortfolioRecord | null> {
    return this.prisma.portfolio.findUnique({ where: { id }, select: SELECT });
  }

  async findForTenant(tenantId: string, id: string): Promise<PortfolioRecord | null> {
    return this.prisma.portfolio.findFirst({ where: { id, tenantId }, select: SELECT });
  }

  /** One query for many ids (federation batches): the tenant's portfolios among them, in no order. */
  async findManyForTenant(tenantId: string, ids: readonly string[]): Promise<PortfolioRecord[]> {
    return this.prisma.portfolio.findMany({ where: { tenantId, id: { in: [...ids] } }, select: SELECT });
  }

  /** The tenant's portfolios by id; archived ones only when asked for. */
  async listForTenant(tenantId: string, request: PageRequest, options: { includeArchived?: boolean } = {}): Promise<Page<PortfolioRecord>> {
    const size = pageSize(request.first);
    const after = request.after ? String(decodeCursor(request.after, 1)[0]) : undefined;
    const rows = await this.prisma.portfolio.findMany({
      where: {
        tenantId,
        ...(options.includeArchived ? {} : { archivedAt: null }),
        ...(after !== undefined ? { id: { gt: after } } : {}),
      },
      orderBy: { id: 'asc' },
      take: size + 1,
      select: SELECT,
    });
    return toPage(rows, size, (p) => encodeCursor([p.id]));
  }

  /**
   * Stores a new portfolio. Its ledger_head names the root commit, which the caller inserts next
   * in the same transaction (ledger_head is a plain column, the commit references the portfolio).
   */
  async insert(portfolio: NewPortfolio): Promise<PortfolioRecord> {
    return this.prisma.portfolio.create({ data: portfolio, select: SELECT });
  }

  /**
   * The tenant's portfolio, its row locked until the transaction ends (inside
   * DataLayer.transaction), so a change and what it is checked against cannot be interleaved with
   * an append or another change. Another tenant's portfolio is locked by nobody and answers null.
   */
  async lockForTenant(tenantId: string, id: string): Promise<PortfolioRecord | null> {
    const [row] = await this.db.sql.query<PortfolioRow>(
      `SELECT id, tenant_id, name, base_currency, ledger_head, description, created_at, archived_at
       FROM portfolios WHERE id = $1 AND tenant_id = $2 FOR UPDATE`,
      [id, tenantId],
    );
    return row ? toRecord(row) : null;
  }

  /** Applies the changes to a portfolio (locked by the caller) and returns it as stored. */
  async update(id: string, changes: PortfolioChanges): Promise<PortfolioRecord> {
    return this.prisma.portfolio.update({ where: { id }, data: changes, select: SELECT });
  }

  /** Marks a live portfolio archived now; an archived one keeps its first archivedAt. Returns it as stored. */
  async archive(id: string): Promise<PortfolioRecord> {
    // The database's clock, like created_at's.
    await this.db.sql.query('UPDATE portfolios SET archived_at = now() WHERE id = $1 AND archived_at IS NULL', [id]);
    return this.prisma.portfolio.findUniqueOrThrow({ where: { id }, select: SELECT });
  }
}

function toRecord(row: PortfolioRow): PortfolioRecord {
  return {
    id: row.id,
    tenantId: row.tenant_id,
    name: row.name,
    baseCurrency: row.base_currency,
    ledgerHead: row.ledger_head,
    description: row.description,
    createdAt: new Date(row.created_at),
    archivedAt: row.archived_at === null ? null : new Date(row.archived_at),
  };
}
