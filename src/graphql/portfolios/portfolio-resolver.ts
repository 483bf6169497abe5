import { Arg, Args, Ctx, Directive, Field, ID, ObjectType, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import { tenantOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { ConnectionArgs, connectionTypes, toConnection } from '../relay';

/**
 * The fields besides the key are nullable for routers: a portfolio another subgraph references
 * that is not the caller's (another tenant's, or gone) resolves to null in `_entities`, and a
 * router then completes the fields it asked freshgate for with null. Were they non-null, that null
 * would be a "Cannot return null for non-nullable field" error, which routers report as an
 * internal error (Hive Gateway masks it as INTERNAL_SERVER_ERROR, Apollo Router adds it to
 * `errors`), nulling the parent; nullable, a refused portfolio is an ordinary null.
 * freshgate's own queries always fill them.
 */
const REFUSED = 'Null only when a router reached, through another subgraph, a portfolio the caller may not see.';

/** A portfolio as the API shows it, and a federation entity by id that other subgraphs can refer to. */
@Directive('@key(fields: "id")')
@ObjectType({ description: "A portfolio of the caller's tenant." })
export class Portfolio {
  @Field(() => ID, { description: "The portfolio's id, e.g. pf-demo-growth." })
  id!: string;

  @Field(() => String, { nullable: true, description: `Its display name. ${REFUSED}` })
  name!: string;

  @Field(() => String, {
    nullable: true,
    description: `ISO 4217 code of the currency it is valued and reported in (e.g. CAD). ${REFUSED}`,
  })
  baseCurrency!: string;

  @Field(() => String, { nullable: true, description: `Hash of the latest ledger commit; pin it to reproduce a result. ${REFUSED}` })
  ledgerHead!: string;
}

/** The Relay connection of portfolios the portfolios query pages through. */
export const PortfolioConnection = connectionTypes(Portfolio, 'Portfolio');

/** The portfolio queries, each limited to the caller's tenant. */
@Resolver(() => Portfolio)
@UseMiddleware(ErrorBoundary)
export class PortfolioResolver {
  @Query(() => PortfolioConnection, { description: "The caller's tenant's portfolios, by id." })
  async portfolios(@Ctx() context: GraphQLContext, @Args(() => ConnectionArgs) { first, after }: ConnectionArgs) {
    return toConnection(await context.services.portfolios.listForTenant(tenantOf(context), { first, after }));
  }

  @Query(() => Portfolio, { nullable: true, description: "Null for an unknown id or another tenant's portfolio alike." })
  portfolio(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, { description: "The portfolio's id." }) id: string,
  ): Promise<PortfolioRecord | null> {
    return context.services.portfolios.findForTenant(tenantOf(context), id);
  }
}
