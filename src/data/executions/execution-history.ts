import type { Prisma } from '../../generated/prisma/client';
import type { DataHandle } from '../handle';
import { badInput } from '../../shared/errors';
import { decodeCursor, encodeCursor, pageSize, toPage, type Page, type PageRequest } from '../../shared/pagination';
import { toExecutionRecord, type ExecutionRecord, type ExecutionStatusName } from './execution-repository';

/** Every condition is optional; given ones must all hold. `from` is inclusive, `to` exclusive (created_at). */
export interface ExecutionHistoryFilter {
  /** Any of these statuses; an empty list matches nothing. */
  status?: readonly ExecutionStatusName[] | null;
  patternId?: string | null;
  portfolioId?: string | null;
  from?: Date | null;
  to?: Date | null;
}

/**
 * Newest first by exactly the key of the index executions(tenant_id, created_at desc, id desc).
 * A cursor is that key of the last row seen, and the next page is everything strictly after it
 * in this order — so runs that arrive while a client pages (newer, hence before the cursor)
 * neither repeat nor shift rows already seen, and nothing is skipped.
 */
const NEWEST_FIRST: Prisma.ExecutionOrderByWithRelationInput[] = [{ createdAt: 'desc' }, { id: 'desc' }];

/** The execution history of one tenant (DESIGN §4 `executions`): one SQL statement per page. */
export class ExecutionHistory {
  private readonly prisma: DataHandle['prisma'];

  constructor(db: DataHandle) {
    this.prisma = db.prisma;
  }

  async list(tenantId: string, filter: ExecutionHistoryFilter | null | undefined, request: PageRequest): Promise<Page<ExecutionRecord>> {
    const size = pageSize(request.first);
    const conditions: Prisma.ExecutionWhereInput[] = [{ tenantId }, ...filterConditions(filter ?? {})];
    if (request.after) conditions.push(afterKey(request.after));
    const rows = await this.prisma.execution.findMany({ where: { AND: conditions }, orderBy: NEWEST_FIRST, take: size + 1 });
    return toPage(rows.map(toExecutionRecord), size, executionCursor);
  }
}

/** The cursor of a run: its (created_at, id) key, which the next page starts strictly after. */
export function executionCursor(execution: Pick<ExecutionRecord, 'createdAt' | 'id'>): string {
  return encodeCursor([execution.createdAt.toISOString(), execution.id]);
}

function filterConditions(filter: ExecutionHistoryFilter): Prisma.ExecutionWhereInput[] {
  const conditions: Prisma.ExecutionWhereInput[] = [];
  if (filter.status) conditions.push({ status: { in: [...filter.status] } });
  if (filter.patternId != null) conditions.push({ patternId: filter.patternId });
  if (filter.portfolioId != null) conditions.push({ portfolioId: filter.portfolioId });
  if (filter.from) conditions.push({ createdAt: { gte: filter.from } });
  if (filter.to) conditions.push({ createdAt: { lt: filter.to } });
  return conditions;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

const invalidCursor = () => badInput('after is not a cursor this connection issued', [{ path: 'after', message: 'invalid cursor' }]);

/** Strictly after (createdAt, id) in newest-first order. */
function afterKey(cursor: string): Prisma.ExecutionWhereInput {
  const [createdAt, id] = decodeCursor(cursor, 2);
  const at = typeof createdAt === 'string' ? new Date(createdAt) : new Date(Number.NaN);
  if (Number.isNaN(at.getTime()) || typeof id !== 'string' || !UUID.test(id)) throw invalidCursor();
  // The redundant `createdAt <= at` bounds the index range scan; the OR then only sorts out ties.
  return { createdAt: { lte: at }, OR: [{ createdAt: { lt: at } }, { createdAt: at, id: { lt: id.toLowerCase() } }] };
}
