import { Ctx, Field, FieldResolver, Float, ID, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { Viewer } from '../../auth/roles';
import { unauthenticated } from '../../shared/errors';
import type { GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';

/** Who the caller is, as the viewer query answers it. */
@ObjectType('Viewer', { description: 'The authenticated caller.' })
export class ViewerType {
  @Field(() => ID, { description: "The caller's user id (the token's subject)." })
  userId!: string;

  @Field(() => ID, { description: "The caller's tenant: every query and mutation acts within it." })
  tenantId!: string;

  @Field(() => [String], { description: 'Any of viewer, analyst, admin, service.' })
  roles!: string[];
}

/** The viewer query, and the credit balance of the caller's tenant on it. */
@Resolver(() => ViewerType)
@UseMiddleware(ErrorBoundary)
export class ViewerResolver {
  @Query(() => ViewerType, { description: 'The authenticated caller; UNAUTHENTICATED without a valid token.' })
  viewer(@Ctx() { viewer }: GraphQLContext): Viewer {
    if (!viewer) throw unauthenticated();
    return viewer;
  }

  @FieldResolver(() => Float, { description: "The tenant's credit balance, in credits (each run debits its pattern's cost)." })
  creditBalance(@Root() viewer: Viewer, @Ctx() { services }: GraphQLContext): Promise<number> {
    return services.credits.balance(viewer.tenantId);
  }
}
