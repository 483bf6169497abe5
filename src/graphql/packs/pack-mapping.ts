import type { PricingPackRecord } from '../../data/packs/pack-repository';
import type { PackHealth } from '../../packs/pack-health';
import { type PackHealthType, type PackStatusEnum, type PricingPack } from './pack-types';

/** Records stay plain objects; these casts only name them for type-graphql. */
export function toPricingPack(record: PricingPackRecord): PricingPack & { supersededById: string | null; sources: string[] } {
  return {
    id: record.id,
    asofDate: record.date,
    policy: record.policy,
    hash: record.hash,
    status: record.status as PackStatusEnum,
    isFresh: record.isFresh,
    prewarmDone: record.prewarmDone,
    reconciliationPassed: record.reconciliationPassed,
    reconciliationErrorBps: record.reconciliationErrorBps,
    errorMessage: record.errorMessage,
    createdAt: record.createdAt,
    updatedAt: record.updatedAt,
    supersededById: record.supersededById,
    sources: record.sources,
  };
}

/** A pack's health as the GraphQL PackHealth (the status as the schema's enum). */
export function toPackHealth(health: PackHealth): PackHealthType {
  return { ...health, status: health.status as PackStatusEnum };
}
