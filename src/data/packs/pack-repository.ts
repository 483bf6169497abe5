import type { PrismaClient } from '../../generated/prisma/client';
import { fromDbDate } from '../../shared/dates';
import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

export interface PricingPackRecord {
  id: string;
  date: string;
  policy: string;
  hash: string;
  status: string;
  supersededById: string | null;
  sources: string[];
  isFresh: boolean;
  prewarmDone: boolean;
  reconciliationPassed: boolean;
  reconciliationFailed: boolean;
  reconciliationErrorBps: number | null;
  errorMessage: string | null;
  createdAt: Date;
  updatedAt: Date;
}

export interface PackPriceRecord {
  symbol: string;
  close: number;
  currency: string;
  source: string;
}

export interface FxRateRecord {
  currency: string;
  rate: number;
  source: string;
}

type PackRow = Awaited<ReturnType<PrismaClient['pricingPack']['findUniqueOrThrow']>>;

export function toPackRecord(row: PackRow): PricingPackRecord {
  return {
    id: row.id,
    date: fromDbDate(row.date),
    policy: row.policy,
    hash: row.hash,
    status: row.status,
    supersededById: row.supersededById,
    sources: Array.isArray(row.sources) ? (row.sources as string[]) : [],
    isFresh: row.isFresh,
    prewarmDone: row.prewarmDone,
    reconciliationPassed: row.reconciliationPassed,
    reconciliationFailed: row.reconciliationFailed,
    reconciliationErrorBps: row.reconciliationErrorBps,
    errorMessage: row.errorMessage,
    createdAt: row.createdAt,
    updatedAt: row.updatedAt,
  };
}

// Newest first: by as-of date, then publication time; id breaks exact ties.
const NEWEST_FIRST = [{ date: 'desc' }, { createdAt: 'desc' }, { id: 'desc' }] as const;

/** Read access to pricing packs. Writes live in the pack builder use-cases. */
export class PackRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async findById(id: string): Promise<PricingPackRecord | null> {
    const row = await this.prisma.pricingPack.findUnique({ where: { id } });
    return row ? toPackRecord(row) : null;
  }

  async findByIds(ids: readonly string[]): Promise<PricingPackRecord[]> {
    const rows = await this.prisma.pricingPack.findMany({ where: { id: { in: [...ids] } } });
    return rows.map(toPackRecord);
  }

  /** The latest pack that has not been superseded: what an unpinned request runs on. */
  async findLatest(): Promise<PricingPackRecord | null> {
    const row = await this.prisma.pricingPack.findFirst({
      where: { supersededById: null },
      orderBy: [...NEWEST_FIRST],
    });
    return row ? toPackRecord(row) : null;
  }

  async list(request: PageRequest): Promise<Page<PricingPackRecord>> {
    const size = pageSize(request.first);
    const where = request.after ? afterKey(decodeCursor(request.after, 3)) : {};
    const rows = await this.prisma.pricingPack.findMany({ where, orderBy: [...NEWEST_FIRST], take: size + 1 });
    return toPage(rows.map(toPackRecord), size, (p) => encodeCursor([p.date, p.createdAt.toISOString(), p.id]));
  }

  async prices(packId: string): Promise<PackPriceRecord[]> {
    return this.prisma.packPrice.findMany({
      where: { packId },
      orderBy: { symbol: 'asc' },
      select: { symbol: true, close: true, currency: true, source: true },
    });
  }

  async fxRates(packId: string): Promise<FxRateRecord[]> {
    return this.prisma.packFxRate.findMany({
      where: { packId },
      orderBy: { currency: 'asc' },
      select: { currency: true, rate: true, source: true },
    });
  }
}

function afterKey([date, createdAt, id]: (string | number)[]) {
  const d = new Date(`${String(date)}T00:00:00Z`);
  const c = new Date(String(createdAt));
  if (Number.isNaN(d.getTime()) || Number.isNaN(c.getTime())) {
    throw badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);
  }
  return {
    OR: [
      { date: { lt: d } },
      { date: d, createdAt: { lt: c } },
      { date: d, createdAt: c, id: { lt: String(id) } },
    ],
  };
}
