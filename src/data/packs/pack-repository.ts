import { groupBy } from '../group-by';
import type { PrismaClient } from '../../generated/prisma/client';
import { fromDbDate, toDbDate } from '../../shared/dates';
import type { DataHandle } from '../handle';
import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';

/** A pricing pack as stored: one policy's prices and FX rates for one date, with the flags and status of its publication. */
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

/** A pack's closing price of one security, with its source. */
export interface PackPriceRecord {
  symbol: string;
  close: number;
  currency: string;
  source: string;
}

/** A pack's exchange rate for one currency, with its source. */
export interface FxRateRecord {
  currency: string;
  rate: number;
  source: string;
}

type PackRow = Awaited<ReturnType<PrismaClient['pricingPack']['findUniqueOrThrow']>>;

/** A `pricing_packs` row as a PricingPackRecord (the date as YYYY-MM-DD). */
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

/** A pack to store: its content and what publishing decided about it (id, hash, sources). */
export interface NewPack {
  id: string;
  date: string;
  policy: string;
  hash: string;
  sources: string[];
  prices: PackPriceRecord[];
  fxRates: FxRateRecord[];
}

/**
 * Pricing packs, their prices and FX rates. The database derives a pack's status from its flags
 * and announces every change (triggers); the writes below are called by the pack builder's
 * use-cases inside DataLayer.transaction, each with its audit entry.
 */
export class PackRepository {
  private readonly prisma: DataHandle['prisma'];

  constructor(private readonly db: DataHandle) {
    this.prisma = db.prisma;
  }

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

  /** The packs that changed last (published, marked, superseded), most recent change first. */
  async recentlyChanged(limit: number): Promise<PricingPackRecord[]> {
    const rows = await this.prisma.pricingPack.findMany({ orderBy: [{ updatedAt: 'desc' }, { id: 'desc' }], take: limit });
    return rows.map(toPackRecord);
  }

  /** A pack's prices, by symbol. */
  async prices(packId: string): Promise<PackPriceRecord[]> {
    return (await this.pricesOf([packId])).get(packId) ?? [];
  }

  /** A pack's FX rates, by currency. */
  async fxRates(packId: string): Promise<FxRateRecord[]> {
    return (await this.fxRatesOf([packId])).get(packId) ?? [];
  }

  /** The prices of several packs in one query, by pack id (a pack without prices is absent). */
  async pricesOf(packIds: readonly string[]): Promise<Map<string, PackPriceRecord[]>> {
    const rows = await this.prisma.packPrice.findMany({
      where: { packId: { in: [...packIds] } },
      orderBy: [{ packId: 'asc' }, { symbol: 'asc' }],
      select: { packId: true, symbol: true, close: true, currency: true, source: true },
    });
    return groupBy(
      rows,
      (r) => r.packId,
      ({ packId: _, ...price }) => price,
    );
  }

  /** The FX rates of several packs in one query, by pack id. */
  async fxRatesOf(packIds: readonly string[]): Promise<Map<string, FxRateRecord[]>> {
    const rows = await this.prisma.packFxRate.findMany({
      where: { packId: { in: [...packIds] } },
      orderBy: [{ packId: 'asc' }, { currency: 'asc' }],
      select: { packId: true, currency: true, rate: true, source: true },
    });
    return groupBy(
      rows,
      (r) => r.packId,
      ({ packId: _, ...rate }) => rate,
    );
  }

  /** The day's pack of the policy that has not been superseded (its current one), if any. */
  async findCurrent(date: string, policy: string): Promise<{ id: string } | null> {
    return this.prisma.pricingPack.findFirst({ where: { date: toDbDate(date), policy, supersededById: null }, select: { id: true } });
  }

  /** How many packs the day has had under the policy, superseded ones included (revisions). */
  async countForDay(date: string, policy: string): Promise<number> {
    return this.prisma.pricingPack.count({ where: { date: toDbDate(date), policy } });
  }

  /** Points a pack at its replacement (the reference is checked at commit, so it may come first). */
  async supersede(id: string, by: string): Promise<void> {
    await this.prisma.pricingPack.update({ where: { id }, data: { supersededById: by } });
  }

  /** Stores a new (WARMING) pack with its prices and rates. */
  async insert(pack: NewPack): Promise<PricingPackRecord> {
    const row = await this.prisma.pricingPack.create({
      data: {
        id: pack.id,
        date: toDbDate(pack.date),
        policy: pack.policy,
        hash: pack.hash,
        sources: pack.sources,
        prices: {
          createMany: { data: pack.prices.map((p) => ({ symbol: p.symbol, close: p.close, currency: p.currency, source: p.source })) },
        },
        fxRates: { createMany: { data: pack.fxRates.map((f) => ({ currency: f.currency, rate: f.rate, source: f.source })) } },
      },
    });
    return toPackRecord(row);
  }

  /**
   * Locks the pack's row until the transaction ends (concurrent marks of one pack apply one after
   * the other) and reads it; null for an unknown id. FOR NO KEY UPDATE, the lock an UPDATE of its
   * flags takes anyway: it still lets a run's start check its foreign key to the pack (KEY SHARE)
   * while that start holds the pack head, which this mark's own UPDATE then waits for — with FOR
   * UPDATE the two would wait for each other (a deadlock).
   */
  async lockForUpdate(id: string): Promise<PricingPackRecord | null> {
    const locked = await this.db.sql.query<{ id: string }>('SELECT id FROM pricing_packs WHERE id = $1 FOR NO KEY UPDATE', [id]);
    if (locked.length === 0) return null;
    return this.findById(id);
  }

  /** Sets the flags that make a pack FRESH (the trigger derives the status). */
  async markFresh(id: string, reconciliationErrorBps: number | null | undefined): Promise<PricingPackRecord> {
    const row = await this.prisma.pricingPack.update({
      where: { id },
      data: {
        isFresh: true,
        prewarmDone: true,
        reconciliationPassed: true,
        ...(reconciliationErrorBps != null ? { reconciliationErrorBps } : {}),
      },
    });
    return toPackRecord(row);
  }

  /** Sets the flags that make a pack ERROR, with the reason. */
  async markError(id: string, message: string): Promise<PricingPackRecord> {
    const row = await this.prisma.pricingPack.update({
      where: { id },
      data: { reconciliationFailed: true, reconciliationPassed: false, isFresh: false, errorMessage: message },
    });
    return toPackRecord(row);
  }
}

function afterKey([date, createdAt, id]: (string | number)[]) {
  const d = new Date(`${String(date)}T00:00:00Z`);
  const c = new Date(String(createdAt));
  if (Number.isNaN(d.getTime()) || Number.isNaN(c.getTime())) {
    throw badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);
  }
  return {
    OR: [{ date: { lt: d } }, { date: d, createdAt: { lt: c } }, { date: d, createdAt: c, id: { lt: String(id) } }],
  };
}
