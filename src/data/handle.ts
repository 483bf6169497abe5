import type { SqlExecutor } from '../db/database';
import type { Prisma, PrismaClient } from '../generated/prisma/client';

/** Prisma's client, or one interactive transaction's. */
export type PrismaLike = PrismaClient | Prisma.TransactionClient;

/**
 * What a repository runs on: Prisma for typed queries and the SQL executor for statements written
 * by hand (where Prisma is too slow, or has no word for it: locks, CTEs, array-bound inserts) —
 * both the pool's, or both the same transaction's. Nothing outside `src/data` holds one.
 */
export interface DataHandle {
  prisma: PrismaLike;
  sql: SqlExecutor;
}

/**
 * The SQL executor of an interactive Prisma transaction: hand-written statements run in the same
 * transaction as the Prisma calls beside them. The one place `$queryRawUnsafe` is used.
 */
export function transactionSql(tx: Prisma.TransactionClient): SqlExecutor {
  return {
    async exec(text) {
      await tx.$executeRawUnsafe(text);
    },
    async query<Row>(text: string, params: unknown[] = []) {
      return tx.$queryRawUnsafe<Row[]>(text, ...params);
    },
  };
}
