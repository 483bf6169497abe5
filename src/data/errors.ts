import { Prisma } from '../generated/prisma/client';
import { sqlStateOf } from '../db/unavailable';

/** A unique constraint refused the write (SQLSTATE 23505; Prisma's P2002), from Prisma or plain SQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2002';
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * PostgreSQL ended the transaction to break a deadlock or a serialization failure (SQLSTATE
 * 40P01, 40001; Prisma's P2034). It was rolled back whole, so running it again is safe.
 */
export function isTransactionConflict(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2034') return true;
  // Otherwise the SQLSTATE, wherever it is wrapped (another Prisma code, its adapter's error, pg's).
  const sqlState = sqlStateOf(error);
  return sqlState === '40001' || sqlState === '40P01';
}

/**
 * Two writers raced: a unique constraint, or a write conflict or deadlock between transactions.
 * The loser's transaction was rolled back whole, so running it again is safe.
 */
export function isWriteRace(error: unknown): boolean {
  return isUniqueViolation(error) || isTransactionConflict(error);
}
