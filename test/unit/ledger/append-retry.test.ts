import { Prisma, type PrismaClient } from '../../../src/generated/prisma/client';
import { appendLedgerEntries, APPEND_ATTEMPTS } from '../../../src/ledger';
import { AppError } from '../../../src/shared/errors';
import { appError as conflictOf } from '../../support/app-error';

/**
 * A stand-in for Prisma that plays a portfolio whose head another writer keeps moving:
 * the compare-and-swap finds no row (or the insert collides) on every attempt.
 */
function racingPrisma(race: 'swap' | 'unique') {
  const stats = { transactions: 0, swaps: 0, inserts: 0 };
  const head = { hash: 'sha256:head', portfolioId: 'pf', parentHash: null, seq: 1, message: null, authorId: null, createdAt: new Date(), _count: { entries: 0 } };
  const tx = {
    $queryRaw: async (strings: TemplateStringsArray) => (strings.join('?').includes('FOR UPDATE') ? [{ ledgerHead: head.hash }] : []),
    ledgerCommit: {
      findFirst: async () => head,
      create: async ({ data }: { data: Record<string, unknown> }) => {
        stats.inserts++;
        if (race === 'unique') throw new Prisma.PrismaClientKnownRequestError('Unique constraint failed', { code: 'P2002', clientVersion: 'test' });
        return { ...data, createdAt: new Date() };
      },
    },
    ledgerEntry: { createMany: async () => ({ count: 1 }) },
    security: { findMany: async () => [] },
    portfolio: {
      updateMany: async () => {
        stats.swaps++;
        return { count: race === 'swap' ? 0 : 1 };
      },
    },
  };
  const prisma = {
    $transaction: async (fn: (client: typeof tx) => Promise<unknown>) => {
      stats.transactions++;
      return fn(tx);
    },
  } as unknown as PrismaClient;
  return { prisma, stats };
}

const input = {
  tenantId: 't',
  authorId: null,
  portfolioId: 'pf',
  entries: [{ kind: 'DEPOSIT', tradeDate: '2026-11-23', currency: 'CAD', amount: 1 }],
};

describe('appendLedgerEntries under a moving head', () => {
  it('retries the whole append when the compare-and-swap misses, then gives up with a retryable CONFLICT', async () => {
    const { prisma, stats } = racingPrisma('swap');
    const error = await conflictOf(appendLedgerEntries(prisma, input));
    expect(error.code).toBe('CONFLICT');
    expect(error.extensions).toEqual({ retryable: true, portfolioId: 'pf' });
    expect(stats).toEqual({ transactions: APPEND_ATTEMPTS, swaps: APPEND_ATTEMPTS, inserts: 0 });
  });

  it('treats a taken seq or hash (unique violation) the same way', async () => {
    const { prisma, stats } = racingPrisma('unique');
    expect((await conflictOf(appendLedgerEntries(prisma, input))).code).toBe('CONFLICT');
    expect(stats.transactions).toBe(APPEND_ATTEMPTS);
  });
});
