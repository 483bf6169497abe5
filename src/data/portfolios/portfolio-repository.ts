import type { DataHandle } from '../handle';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** A portfolio: its tenant, its base currency and the head commit of its ledger. */
export interface PortfolioRecord {
  id: string;
  tenantId: string;
  name: string;
  baseCurrency: string;
  ledgerHead: string;
}

const SELECT = { id: true, tenantId: true, name: true, baseCurrency: true, ledgerHead: true } as const;

/**
 * Portfolios are tenant data: every read takes the caller's tenant, and another tenant's
 * portfolio is indistinguishable from one that does not exist.
 */
export class PortfolioRepository {
  private readonly prisma: DataHandle['prisma'];

  constructor(db: DataHandle) {
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

  async listForTenant(tenantId: string, request: PageRequest): Promise<Page<PortfolioRecord>> {
    const size = pageSize(request.first);
    const after = request.after ? String(decodeCursor(request.after, 1)[0]) : undefined;
    const rows = await this.prisma.portfolio.findMany({
      where: { tenantId, ...(after !== undefined ? { id: { gt: after } } : {}) },
      orderBy: { id: 'asc' },
      take: size + 1,
      select: SELECT,
    });
    return toPage(rows, size, (p) => encodeCursor([p.id]));
  }
}
