import { Arg, Args, Ctx, Directive, Field, ID, ObjectType, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import { tenantOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { ConnectionArgs, connectionTypes, toConnection } from '../relay';

@Directive('@key(fields: "id")')
@ObjectType({ description: "A portfolio of the caller's tenant." })
export class Portfolio {
  @Field(() => ID)
  id!: string;

  @Field(() => String)
  name!: string;

  @Field(() => String)
  baseCurrency!: string;

  @Field(() => String, { description: 'Hash of the latest ledger commit; pin it to reproduce a result.' })
  ledgerHead!: string;
}

export const PortfolioConnection = connectionTypes(Portfolio, 'Portfolio');

@Resolver(() => Portfolio)
@UseMiddleware(ErrorBoundary)
export class PortfolioResolver {
  @Query(() => PortfolioConnection, { description: "The caller's tenant's portfolios, by id." })
  async portfolios(@Ctx() context: GraphQLContext, @Args(() => ConnectionArgs) { first, after }: ConnectionArgs) {
    return toConnection(await context.services.portfolios.listForTenant(tenantOf(context), { first, after }));
  }

  @Query(() => Portfolio, { nullable: true, description: "Null for an unknown id or another tenant's portfolio alike." })
  portfolio(@Ctx() context: GraphQLContext, @Arg('id', () => ID) id: string): Promise<PortfolioRecord | null> {
    return context.services.portfolios.findForTenant(tenantOf(context), id);
  }
}
