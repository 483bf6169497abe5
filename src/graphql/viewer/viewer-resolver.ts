import { Ctx, Field, FieldResolver, Float, ID, ObjectType, Query, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { Viewer as ViewerModel } from '../../auth/roles';
import { unauthenticated } from '../../shared/errors';
import type { GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';

@ObjectType({ description: 'The authenticated caller.' })
export class Viewer {
  @Field(() => ID)
  userId!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => [String], { description: 'Any of viewer, analyst, admin, service.' })
  roles!: string[];
}

@Resolver(() => Viewer)
@UseMiddleware(ErrorBoundary)
export class ViewerResolver {
  @Query(() => Viewer)
  viewer(@Ctx() { viewer }: GraphQLContext): ViewerModel {
    if (!viewer) throw unauthenticated();
    return viewer;
  }

  @FieldResolver(() => Float, { description: "The tenant's credit balance." })
  creditBalance(@Root() viewer: ViewerModel, @Ctx() { services }: GraphQLContext): Promise<number> {
    return services.credits.balance(viewer.tenantId);
  }
}
