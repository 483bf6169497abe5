import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { SecurityRecord } from '../../data/reference/security-repository';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { loadersOf } from '../loaders/request-loaders';
import { toConnection } from '../relay';
import { SecuritiesArgs, SecurityInput } from './security-inputs';
import { Security, SecurityConnection } from './security-types';

/** Securities: listing and lookup for every signed-in caller, registration for the pack builder and admins. */
@Resolver(() => Security)
@UseMiddleware(ErrorBoundary)
export class SecurityResolver {
  @Query(() => SecurityConnection, { description: 'Registered securities, by symbol.' })
  async securities(@Ctx() context: GraphQLContext, @Args(() => SecuritiesArgs) { filter, first, after }: SecuritiesArgs) {
    return toConnection(await context.services.securities.list(filter ?? {}, { first, after }));
  }

  @Query(() => Security, { nullable: true, description: 'Null for a symbol that is not registered.' })
  security(
    @Ctx() context: GraphQLContext,
    @Arg('symbol', () => ID, { description: 'The symbol, exactly as registered (RY.TO).' }) symbol: string,
  ): Promise<SecurityRecord | null> {
    return loadersOf(context).security(symbol);
  }

  @Mutation(() => [Security], {
    nullable: true,
    description:
      'Registers new securities and updates the names, asset classes and exchanges of registered ones: all or none, at most 5,000 per call, in the order given. Roles: service, admin.',
  })
  upsertSecurities(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => [SecurityInput], { description: 'The securities, each symbol at most once.' }) input: SecurityInput[],
  ): Promise<SecurityRecord[]> {
    return context.services.securities.upsert(actorOf(context), input);
  }
}
