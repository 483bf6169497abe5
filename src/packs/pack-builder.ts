import { Prisma, type PrismaClient } from '../generated/prisma/client';
import { computePackHash, packSources, type PackContent } from '../data/packs/pack-hash';
import { toPackRecord, type PricingPackRecord } from '../data/packs/pack-repository';
import { toDbDate } from '../shared/dates';
import { AppError, badInput } from '../shared/errors';
import { DEFAULT_POLICY } from './pack-health';
import { validatePackContent } from './pack-input';
import { appendAudit } from '../data/audit/audit-log';
import type { Actor } from '../shared/actor';

const MAX_ERROR_MESSAGE = 2_000;
/** 100× the whole pack's value; larger is a broken measurement, and near the largest double PostgreSQL refuses it. */
const MAX_RECONCILIATION_ERROR_BPS = 1_000_000;
const PUBLISH_ATTEMPTS = 3;

/**
 * What a pack builder (a nightly job, or an operator) may do: publish a pack, then declare
 * it fresh or failed. The database derives status and announces every change.
 */
export class PackBuilder {
  constructor(private readonly prisma: PrismaClient) {}

  /**
   * Publishes a pack, WARMING until marked fresh. A pack for a (date, policy) that already
   * has one supersedes it. Two builders racing on the same day: the partial unique index
   * lets one win, and the loser retries against the winner's pack.
   */
  async createPricingPack(input: PackContent, actor?: Actor): Promise<PricingPackRecord> {
    const content = validatePackContent(input);
    const hash = computePackHash(content);
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.publish(content, hash, actor);
      } catch (error) {
        // P2002: the day's current pack or the new id was taken meanwhile; P2034: a write conflict or deadlock between publishers.
        const raced = error instanceof Prisma.PrismaClientKnownRequestError && (error.code === 'P2002' || error.code === 'P2034');
        if (!raced || attempt >= PUBLISH_ATTEMPTS) {
          if (raced) throw new AppError('CONFLICT', 'Another pack for this date and policy is being published; retry', { retryable: true });
          throw error;
        }
      }
    }
  }

  private publish(content: PackContent, hash: string, actor: Actor | undefined): Promise<PricingPackRecord> {
    const date = toDbDate(content.date);
    return this.prisma.$transaction(async (tx) => {
      const current = await tx.pricingPack.findFirst({
        where: { date, policy: content.policy, supersededById: null },
        select: { id: true },
      });
      const revision = (await tx.pricingPack.count({ where: { date, policy: content.policy } })) + 1;
      const id = packId(content.date, content.policy, revision);
      // The old pack points at the new one first (the reference is checked at commit),
      // so there is never a moment with two current packs for the day.
      if (current) await tx.pricingPack.update({ where: { id: current.id }, data: { supersededById: id } });
      const row = await tx.pricingPack.create({
        data: {
          id,
          date,
          policy: content.policy,
          hash,
          sources: packSources(content),
          prices: { createMany: { data: content.prices.map((p) => ({ symbol: p.symbol, close: p.close, currency: p.currency, source: p.source })) } },
          fxRates: { createMany: { data: content.fxRates.map((f) => ({ currency: f.currency, rate: f.rate, source: f.source })) } },
        },
      });
      await audit(tx, actor, 'pack.create', row.id, { hash, supersedes: current?.id ?? null, prices: content.prices.length });
      return toPackRecord(row);
    });
  }

  /** Declares a warming pack fresh. Refused, with nothing written, for a failed or superseded pack. */
  async markPackFresh(id: string, reconciliationErrorBps?: number | null, actor?: Actor): Promise<PricingPackRecord> {
    if (reconciliationErrorBps != null && !(reconciliationErrorBps >= 0 && reconciliationErrorBps <= MAX_RECONCILIATION_ERROR_BPS)) {
      throw badInput(`reconciliationErrorBps must be a number from 0 to ${MAX_RECONCILIATION_ERROR_BPS}`, [{ path: 'reconciliationErrorBps', message: 'invalid' }]);
    }
    return this.prisma.$transaction(async (tx) => {
      const pack = await lockPack(tx, id);
      if (pack.reconciliationFailed) {
        throw new AppError('PRICING_PACK_ERROR', `Pack ${id} failed reconciliation and cannot be marked fresh; publish a new pack`, {
          packId: id,
          errorMessage: pack.errorMessage,
        });
      }
      if (pack.supersededById) {
        throw badInput(`Pack ${id} was superseded by ${pack.supersededById} and cannot be marked fresh`, [{ path: 'id', message: 'superseded' }]);
      }
      if (pack.isFresh && reconciliationErrorBps == null) return toPackRecord(pack);
      const row = await tx.pricingPack.update({
        where: { id },
        data: {
          isFresh: true,
          prewarmDone: true,
          reconciliationPassed: true,
          ...(reconciliationErrorBps != null ? { reconciliationErrorBps } : {}),
        },
      });
      await audit(tx, actor, 'pack.markFresh', id, { reconciliationErrorBps: reconciliationErrorBps ?? null });
      return toPackRecord(row);
    });
  }

  /** Records a failed reconciliation: the pack turns ERROR and blocks every run on it. */
  async markPackError(id: string, message: string, actor?: Actor): Promise<PricingPackRecord> {
    const text = message.trim();
    if (text.length === 0 || text.length > MAX_ERROR_MESSAGE) {
      throw badInput(`message must be 1–${MAX_ERROR_MESSAGE} characters`, [{ path: 'message', message: 'invalid length' }]);
    }
    return this.prisma.$transaction(async (tx) => {
      await lockPack(tx, id);
      const row = await tx.pricingPack.update({
        where: { id },
        data: { reconciliationFailed: true, reconciliationPassed: false, isFresh: false, errorMessage: text },
      });
      await audit(tx, actor, 'pack.markError', id, { message: text });
      return toPackRecord(row);
    });
  }
}

type Tx = Prisma.TransactionClient;

/** A pack change and its audit entry commit together (actor absent: an internal caller). */
async function audit(tx: Tx, actor: Actor | undefined, action: string, packId: string, changes: unknown): Promise<void> {
  await appendAudit(tx, {
    actorId: actor?.userId ?? null,
    tenantId: actor?.tenantId ?? null,
    action,
    resource: `pack:${packId}`,
    changes,
    result: 'OK',
    traceId: actor?.traceId ?? null,
    requestId: actor?.requestId ?? null,
  });
}

async function lockPack(tx: Tx, id: string) {
  // Row lock first: concurrent fresh/error marks on one pack apply one after the other.
  const locked = await tx.$queryRaw<{ id: string }[]>`SELECT id FROM pricing_packs WHERE id = ${id} FOR UPDATE`;
  if (locked.length === 0) throw new AppError('NO_PRICING_PACK', `No pricing pack ${id}`, { packId: id });
  return tx.pricingPack.findUniqueOrThrow({ where: { id } });
}

/** PP_2025-10-21 for the standard policy; other policies and restatements are suffixed. */
export function packId(date: string, policy: string, revision: number): string {
  const policyPart = policy === DEFAULT_POLICY ? '' : `_${policy}`;
  const revisionPart = revision > 1 ? `_r${revision}` : '';
  return `PP_${date}${policyPart}${revisionPart}`;
}
