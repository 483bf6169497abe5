import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { applyMiddleware } from 'graphql-middleware';
import { createPubSub } from '@graphql-yoga/subscription';
import { buildSchema, createResolversMap } from 'type-graphql';
import { PackResolver } from './packs/pack-resolver';
import { PortfolioResolver } from './portfolios/portfolio-resolver';
import { ViewerResolver } from './viewer/viewer-resolver';
import { ExecutionResolver } from './executions/execution-resolver';
import { LedgerResolver } from './ledger/ledger-resolver';
import { PatternResolver } from './patterns/pattern-resolver';
import { RightsResolver } from './rights/rights-resolver';
import { AccountingResolver } from './accounting/accounting-resolver';
import { AuditLogResolver, ExecutionHistoryResolver } from './history/history-resolver';
import { PortfolioLifecycleResolver } from './portfolios/portfolio-lifecycle-resolver';
import { HoldingResolver, PortfolioReadsResolver } from './portfolios/portfolio-reads-resolver';
import { SecurityResolver } from './securities/security-resolver';
import { UserResolver } from './users/user-resolver';
import { shieldGuards } from './shield';
import { entityKeysOf } from './federation/entity-keys';
import { guardEntities } from './federation/entities-guard';
import { referenceResolvers } from './federation/reference-resolvers';
import { guardArguments } from './argument-guard';

// Federation 2.7: @link-based, and new enough (≥ 2.4) for a router to carry subgraph subscriptions.
const FEDERATION_LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key", "@shareable"])';

/** What buildFreshgateSchema gives the HTTP and WebSocket servers to execute. */
export interface FreshgateSchema {
  /** The executable schema: federation entities, resolvers and the shield applied. */
  schema: GraphQLSchema;
}

/**
 * type-graphql builds the types and resolvers; its SDL (with `@key` directives) plus the
 * federation `@link` becomes a subgraph schema — the approach of type-graphql's own
 * apollo-federation-2 example, since printSubgraphSchema fails on a raw type-graphql schema.
 */
export async function buildFreshgateSchema(options: { shieldDebug?: boolean } = {}): Promise<FreshgateSchema> {
  const typeGraphqlSchema = await buildSchema({
    resolvers: [
      PackResolver,
      PortfolioResolver,
      ViewerResolver,
      PatternResolver,
      ExecutionResolver,
      LedgerResolver,
      RightsResolver,
      AccountingResolver,
      ExecutionHistoryResolver,
      AuditLogResolver,
      // Issue 16, portfolios.
      PortfolioLifecycleResolver,
      PortfolioReadsResolver,
      HoldingResolver,
      // Bring your own data: securities, users.
      SecurityResolver,
      UserResolver,
    ],
    skipCheck: true,
    validate: false,
    emitSchemaFile: false,
    // Required by type-graphql whenever a subscription exists, though ours bring their own
    // `subscribe` (pack events come from PostgreSQL, not from an in-process topic).
    pubSub: createPubSub(),
  });
  describeRoots(typeGraphqlSchema);
  const sdl = `${FEDERATION_LINK}\n\n${printSchemaWithDirectives(typeGraphqlSchema)}`;
  const resolvers = createResolversMap(typeGraphqlSchema) as Record<string, Record<string, unknown>>;
  for (const [typeName, extra] of Object.entries(referenceResolvers)) {
    resolvers[typeName] = { ...resolvers[typeName], ...extra };
  }
  const subgraph = buildSubgraphSchema({ typeDefs: parse(sdl), resolvers: resolvers as never });
  guardEntitiesField(subgraph);
  const shielded = applyMiddleware(subgraph, shieldGuards(subgraph, { debug: options.shieldDebug ?? false }));
  // Outermost: a shield rule that reads an argument (exportExecution's rights check) must not see
  // a value the edge refuses either.
  return { schema: guardArguments(shielded) };
}

/** type-graphql gives the root types no description; these say what each root offers, for tooling. */
const ROOT_DESCRIPTIONS: Readonly<Record<string, string>> = {
  Query:
    "Reads. All need a token but packHealth (and the federation entry point _service); tenant data is only ever the caller's tenant's.",
  Mutation: 'Writes. Each names the roles it needs; every change is audited in the same transaction.',
  Subscription: 'Live state streams over graphql-ws (WebSocket), on the same URL as queries.',
};

// The schemas below are built here and not yet shared, so they are amended in place: a copy of
// the whole schema (mapSchema) for one description or one resolver costs ~8 ms of start-up each.
function describeRoots(schema: GraphQLSchema): void {
  for (const root of [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()]) {
    if (root && ROOT_DESCRIPTIONS[root.name]) root.description = ROOT_DESCRIPTIONS[root.name];
  }
}

/**
 * `_entities` with its representations checked first (entities-guard.ts); the shield, applied
 * after, still decides who may call it at all.
 */
function guardEntitiesField(subgraph: GraphQLSchema): void {
  const entities = subgraph.getQueryType()?.getFields()._entities;
  if (entities?.resolve) entities.resolve = guardEntities(entities.resolve, entityKeysOf(subgraph));
}

/** The checked-in schema/schema.graphql: the full executable schema, directives included. */
export function printFreshgateSchema(schema: GraphQLSchema): string {
  return `${printSchemaWithDirectives(schema).trim()}\n`;
}
