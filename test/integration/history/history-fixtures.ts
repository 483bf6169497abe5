import { randomUUID } from 'node:crypto';
import type { PrismaClient } from '../../../src/generated/prisma/client';

/** A pack the demo seed always creates (its last business day). */
export const SEEDED_PACK = 'PP_2026-11-20';

export type Status = 'RUNNING' | 'SUCCESS' | 'PARTIAL' | 'FAILED';

export interface ExecutionRow {
  id: string;
  tenantId: string;
  patternId: string;
  portfolioId: string | null;
  status: Status;
  createdAt: Date;
}

/** A pattern version row for the executions' foreign key. */
export async function createPatternVersion(prisma: PrismaClient, patternId: string, version = '1.0.0'): Promise<void> {
  await prisma.patternVersion.create({
    data: {
      patternId,
      version,
      sha256: `sha256:${patternId}`,
      description: `history test ${patternId}`,
      cost: 1,
      definition: { id: patternId },
    },
  });
}

export async function createTenant(prisma: PrismaClient, id: string): Promise<void> {
  await prisma.tenant.create({ data: { id, name: `history test ${id}` } });
}

/**
 * Inserts executions directly. createdAt omitted → the column default now(), as a real run gets.
 * Returns the rows as stored (createdAt read back, so defaults are known exactly).
 */
export async function insertExecutions(
  prisma: PrismaClient,
  rows: (Partial<Omit<ExecutionRow, 'tenantId' | 'patternId'>> & { tenantId: string; patternId: string })[],
): Promise<ExecutionRow[]> {
  const withIds = rows.map((r) => ({ ...r, id: r.id ?? randomUUID() }));
  await prisma.execution.createMany({
    data: withIds.map((r) => ({
      id: r.id,
      tenantId: r.tenantId,
      userId: `${r.tenantId}-user`,
      patternId: r.patternId,
      patternVersion: '1.0.0',
      portfolioId: r.portfolioId ?? null,
      status: r.status ?? 'SUCCESS',
      packId: SEEDED_PACK,
      asofDate: new Date('2026-11-20T00:00:00Z'),
      inputs: {},
      traceId: 'trace-history',
      requestId: 'request-history',
      ...(r.createdAt ? { createdAt: r.createdAt } : {}),
    })),
  });
  const stored = await prisma.execution.findMany({
    where: { id: { in: withIds.map((r) => r.id) } },
    select: { id: true, tenantId: true, patternId: true, portfolioId: true, status: true, createdAt: true },
  });
  const byId = new Map(stored.map((s) => [s.id, s]));
  return withIds.map((r) => byId.get(r.id)!);
}

/** Newest first by (createdAt, id): the order the connection promises, computed independently. */
export function newestFirst<T extends { createdAt?: Date; occurredAt?: Date; id: string }>(rows: readonly T[]): T[] {
  const at = (r: T) => (r.createdAt ?? r.occurredAt)!.getTime();
  const key = (id: string) => (/^\d+$/.test(id) ? BigInt(id) : id);
  return [...rows].sort((a, b) => {
    if (at(a) !== at(b)) return at(b) - at(a);
    const ka = key(a.id);
    const kb = key(b.id);
    return ka < kb ? 1 : ka > kb ? -1 : 0;
  });
}
