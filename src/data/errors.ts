import { Prisma } from '../generated/prisma/client';

/** A unique constraint refused the write (SQLSTATE 23505; Prisma's P2002), from Prisma or plain SQL. */
export function isUniqueViolation(error: unknown): boolean {
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2002';
  return typeof error === 'object' && error !== null && (error as { code?: unknown }).code === '23505';
}

/**
 * Two writers raced: a unique constraint, or a write conflict or deadlock between transactions
 * (Prisma's P2034; SQLSTATE 40001, 40P01). The loser's transaction was rolled back whole, so
 * running it again is safe.
 */
export function isWriteRace(error: unknown): boolean {
  if (isUniqueViolation(error)) return true;
  if (error instanceof Prisma.PrismaClientKnownRequestError) return error.code === 'P2034';
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  return code === '40001' || code === '40P01';
}
