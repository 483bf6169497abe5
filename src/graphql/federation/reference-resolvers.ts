import { tenantOf, type GraphQLContext } from '../context';
import { toExecution } from '../executions/execution-mapping';
import { toPricingPack } from '../packs/pack-mapping';
import { parsePatternVersionId, toPattern, toPatternVersion } from '../patterns/pattern-mapping';
import { loadersOf } from '../loaders/request-loaders';
import type { Representation } from './representations';

/**
 * Entities other subgraphs may reference, each type's lookups batched into one query per
 * request. Tenant data resolves only inside the caller's tenant: another tenant's entity is
 * null, exactly like a missing one. Representations arrive checked (see representations.ts).
 */
export const referenceResolvers = {
  PricingPack: {
    async __resolveReference(ref: Representation, context: GraphQLContext) {
      const pack = await loadersOf(context).pricingPack(ref.id);
      return pack ? toPricingPack(pack) : null;
    },
  },
  Portfolio: {
    __resolveReference(ref: Representation, context: GraphQLContext) {
      return loadersOf(context).portfolio(tenantOf(context), ref.id);
    },
  },
  PatternExecution: {
    async __resolveReference(ref: Representation, context: GraphQLContext) {
      const record = await loadersOf(context).execution(tenantOf(context), ref.id);
      return record ? toExecution(record) : null;
    },
  },
  Pattern: {
    // The catalog holds every current pattern in memory: nothing to batch.
    async __resolveReference(ref: Representation, context: GraphQLContext) {
      const pattern = await context.services.patterns.currentVersion(ref.id);
      return pattern ? toPattern(pattern) : null;
    },
  },
  Security: {
    // Shared reference data: every symbol of one call in one query.
    __resolveReference(ref: Representation, context: GraphQLContext) {
      return loadersOf(context).security(ref.symbol);
    },
  },
  PatternVersion: {
    // Versions are compiled once and kept: after the first, lookups are in memory; the rest in one query.
    async __resolveReference(ref: Representation, context: GraphQLContext) {
      const parts = parsePatternVersionId(ref.id);
      const pattern = parts ? await loadersOf(context).patternVersion(parts.patternId, parts.version) : undefined;
      return pattern ? toPatternVersion(pattern) : null;
    },
  },
};
