import type { DataLayer, Repositories } from '../data/data-layer';
import { isWriteRace } from '../data/errors';
import type { PricingPackRecord } from '../data/packs/pack-repository';
import type { Actor } from '../shared/actor';
import { AppError, badInput } from '../shared/errors';
import { computePackHash, packSources, type PackContent } from './pack-hash';
import { assertPackIntact } from './pack-verifier';
import { DEFAULT_POLICY } from './pack-health';
import { validatePackContent } from './pack-input';
import { unregisteredSymbolIssues } from '../securities/security-rules';

const MAX_ERROR_MESSAGE = 2_000;
/** 100× the whole pack's value; larger is a broken measurement, and near the largest double PostgreSQL refuses it. */
const MAX_RECONCILIATION_ERROR_BPS = 1_000_000;
const PUBLISH_ATTEMPTS = 3;

/**
 * What a pack builder (a nightly job, or an operator) may do: publish a pack, then declare
 * it fresh or failed. The database derives status and announces every change.
 */
export class PackBuilder {
  /**
   * @param onCommitted - told after each pack write commits, so this process's own cached view of
   *   the latest pack never trails a write it made itself (NOTIFY reaches it a little later).
   */
  constructor(
    private readonly data: DataLayer,
    private readonly onCommitted: () => void = () => {},
  ) {}

  /**
   * Publishes a pack, WARMING until marked fresh. A pack for a (date, policy) that already
   * has one supersedes it. Two builders racing on the same day: the partial unique index
   * lets one win, and the loser retries against the winner's pack.
   */
  async createPricingPack(input: PackContent, actor?: Actor): Promise<PricingPackRecord> {
    const content = validatePackContent(input);
    await this.assertRegistered(content);
    const hash = computePackHash(content);
    for (let attempt = 1; ; attempt++) {
      try {
        return this.committed(await this.publish(content, hash, actor));
      } catch (error) {
        // The day's current pack or the new id was taken meanwhile, or two publishers deadlocked.
        const raced = isWriteRace(error);
        if (!raced || attempt >= PUBLISH_ATTEMPTS) {
          if (raced) throw new AppError('CONFLICT', 'Another pack for this date and policy is being published; retry', { retryable: true });
          throw error;
        }
      }
    }
  }

  /**
   * Every priced symbol must be a registered security, priced in its currency: packs and ledgers
   * share one vocabulary, so a holding always finds its price. Securities are never deleted and
   * keep their currency, so checking before the transaction is as good as inside it.
   */
  private async assertRegistered(content: PackContent): Promise<void> {
    const symbols = [...new Set(content.prices.map((p) => p.symbol))];
    const registered = new Map((await this.data.securities.findBySymbols(symbols)).map((s) => [s.symbol, s]));
    const issues = unregisteredSymbolIssues(content.prices, registered, 'prices');
    if (issues.length > 0)
      throw badInput(`The pricing pack names unregistered securities: ${issues[0].path}: ${issues[0].message}`, issues);
  }

  private publish(content: PackContent, hash: string, actor: Actor | undefined): Promise<PricingPackRecord> {
    return this.data.transaction(async (tx) => {
      const current = await tx.packs.findCurrent(content.date, content.policy);
      const revision = (await tx.packs.countForDay(content.date, content.policy)) + 1;
      const id = packId(content.date, content.policy, revision);
      // The old pack points at the new one first (the reference is checked at commit),
      // so there is never a moment with two current packs for the day.
      if (current) await tx.packs.supersede(current.id, id);
      const pack = await tx.packs.insert({
        id,
        date: content.date,
        policy: content.policy,
        hash,
        sources: packSources(content),
        prices: content.prices,
        fxRates: content.fxRates,
      });
      await audit(tx, actor, 'pack.create', pack.id, { hash, supersedes: current?.id ?? null, prices: content.prices.length });
      return pack;
    });
  }

  /**
   * Declares a warming pack fresh. Refused, with nothing written, for a failed or superseded pack,
   * or one whose stored prices and rates no longer give its hash (PRICING_PACK_HASH_MISMATCH).
   */
  async markPackFresh(id: string, reconciliationErrorBps?: number | null, actor?: Actor): Promise<PricingPackRecord> {
    if (reconciliationErrorBps != null && !(reconciliationErrorBps >= 0 && reconciliationErrorBps <= MAX_RECONCILIATION_ERROR_BPS)) {
      throw badInput(`reconciliationErrorBps must be a number from 0 to ${MAX_RECONCILIATION_ERROR_BPS}`, [
        { path: 'reconciliationErrorBps', message: 'invalid' },
      ]);
    }
    const written = await this.data.transaction(async (tx) => {
      const pack = await lockPack(tx, id);
      if (pack.reconciliationFailed) {
        throw new AppError('PRICING_PACK_ERROR', `Pack ${id} failed reconciliation and cannot be marked fresh; publish a new pack`, {
          packId: id,
          errorMessage: pack.errorMessage,
        });
      }
      if (pack.supersededById) {
        throw badInput(`Pack ${id} was superseded by ${pack.supersededById} and cannot be marked fresh`, [
          { path: 'id', message: 'superseded' },
        ]);
      }
      if (pack.isFresh && reconciliationErrorBps == null) return pack;
      // What becomes fresh is frozen from then on (triggers): its rows must be what was hashed.
      // The pack row is locked, and a write of its rows locks it too: none can slip in after this.
      if (!pack.isFresh) await assertPackIntact(tx.packs, pack);
      const marked = await tx.packs.markFresh(id, reconciliationErrorBps);
      await audit(tx, actor, 'pack.markFresh', id, { reconciliationErrorBps: reconciliationErrorBps ?? null });
      return marked;
    });
    return this.committed(written);
  }

  /** Records a failed reconciliation: the pack turns ERROR and blocks every run on it. */
  async markPackError(id: string, message: string, actor?: Actor): Promise<PricingPackRecord> {
    const text = message.trim();
    if (text.length === 0 || text.length > MAX_ERROR_MESSAGE) {
      throw badInput(`message must be 1–${MAX_ERROR_MESSAGE} characters`, [{ path: 'message', message: 'invalid length' }]);
    }
    const written = await this.data.transaction(async (tx) => {
      await lockPack(tx, id);
      const marked = await tx.packs.markError(id, text);
      await audit(tx, actor, 'pack.markError', id, { message: text });
      return marked;
    });
    return this.committed(written);
  }

  private committed(pack: PricingPackRecord): PricingPackRecord {
    this.onCommitted();
    return pack;
  }
}

/** A pack change and its audit entry commit together (actor absent: an internal caller). */
async function audit(tx: Repositories, actor: Actor | undefined, action: string, packId: string, changes: unknown): Promise<void> {
  await tx.audit.append({
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

/** Row lock first: concurrent fresh/error marks on one pack apply one after the other. */
async function lockPack(tx: Repositories, id: string): Promise<PricingPackRecord> {
  const pack = await tx.packs.lockForUpdate(id);
  if (!pack) throw new AppError('NO_PRICING_PACK', `No pricing pack ${id}`, { packId: id });
  return pack;
}

/** PP_2025-10-21 for the standard policy; other policies and restatements are suffixed. */
export function packId(date: string, policy: string, revision: number): string {
  const policyPart = policy === DEFAULT_POLICY ? '' : `_${policy}`;
  const revisionPart = revision > 1 ? `_r${revision}` : '';
  return `PP_${date}${policyPart}${revisionPart}`;
}
