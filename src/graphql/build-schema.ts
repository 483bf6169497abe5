import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema, createResolversMap } from 'type-graphql';
import { toPricingPack } from './packs/pack-mapping';
import { PackResolver } from './packs/pack-resolver';
import { PortfolioResolver } from './portfolios/portfolio-resolver';
import { ViewerResolver } from './viewer/viewer-resolver';
import { ExecutionResolver } from './executions/execution-resolver';
import { toExecution } from './executions/execution-mapping';
import { LedgerResolver } from './ledger/ledger-resolver';
import { PatternResolver } from './patterns/pattern-resolver';
import { RightsResolver } from './rights/rights-resolver';
import { AccountingResolver } from './accounting/accounting-resolver';
import { AuditLogResolver, ExecutionHistoryResolver } from './history/history-resolver';
import { toPattern } from './patterns/pattern-mapping';
import { shieldGuards } from './shield';
import { guardArguments } from './argument-guard';
import { tenantOf, type GraphQLContext } from './context';

// Federation 2.7: @link-based, and new enough (≥ 2.4) for a router to carry subgraph subscriptions.
const FEDERATION_LINK =
  'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

export interface FreshgateSchema {
  /** The executable schema: federation entities, resolvers and the shield applied. */
  schema: GraphQLSchema;
}

/** Entities other subgraphs may reference; tenant data resolves only inside the caller's tenant. */
const referenceResolvers = {
  PricingPack: {
    async __resolveReference(ref: { id: string }, context: GraphQLContext) {
      const pack = await context.services.packs.findById(ref.id);
      return pack ? toPricingPack(pack) : null;
    },
  },
  Portfolio: {
    __resolveReference(ref: { id: string }, context: GraphQLContext) {
      return context.services.portfolios.findForTenant(tenantOf(context), ref.id);
    },
  },
  PatternExecution: {
    async __resolveReference(ref: { id: string }, context: GraphQLContext) {
      const record = await context.services.executions.findForTenant(tenantOf(context), ref.id);
      return record ? toExecution(record) : null;
    },
  },
  Pattern: {
    __resolveReference(ref: { id: string }, context: GraphQLContext) {
      const pattern = context.services.patterns.currentVersion(ref.id);
      return pattern ? toPattern(pattern) : null;
    },
  },
};

/**
 * type-graphql builds the types and resolvers; its SDL (with @key directives) plus the
 * federation @link becomes a subgraph schema — the approach of type-graphql's own
 * apollo-federation-2 example, since printSubgraphSchema fails on a raw type-graphql schema.
 */
export async function buildFreshgateSchema(options: { shieldDebug?: boolean } = {}): Promise<FreshgateSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: [PackResolver, PortfolioResolver, ViewerResolver, PatternResolver, ExecutionResolver, LedgerResolver, RightsResolver, AccountingResolver, ExecutionHistoryResolver, AuditLogResolver],
    skipCheck: true,
    validate: false,
    emitSchemaFile: false,
    // Required by type-graphql whenever a subscription exists, though ours bring their own
    // `subscribe` (pack events come from PostgreSQL, not from an in-process topic).
    pubSub: createPubSub(),
  });
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`;
  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, extra] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...extra };
  }
  const subgraph = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never });
  const shielded = applyMiddleware(subgraph, shieldGuards(subgraph, { debug: options.shieldDebug ?? false }));
  // Outermost: a shield rule that reads an argument (exportExecution's rights check) must not see
  // a value the edge refuses either.
  return { schema: guardArguments(shielded) };
}

/** The checked-in schema/schema.graphql: the full executable schema, directives included. */
export function printFreshgateSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}
