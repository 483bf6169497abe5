import { Arg, Args, Ctx, ID, Mutation, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { UserDetails } from '../../data/tenants/user-repository';
import { hasAnyRole } from '../../auth/roles';
import { forbidden } from '../../shared/errors';
import type { Actor } from '../../shared/actor';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { ConnectionArgs, toConnection } from '../relay';
import { CreateUserInput, SetUserRolesArgs, User, UserConnection } from './user-types';

/** A stored user as the API shows it. */
export function toUser(user: UserDetails): User {
  return { userId: user.id, tenantId: user.tenantId, roles: user.roles, createdAt: user.createdAt };
}

/** The calling admin. The shield rule decides first; this keeps the use-cases closed even without it. */
function adminOf(context: GraphQLContext): Actor {
  const actor = actorOf(context);
  if (!hasAnyRole(context.viewer, ['admin'])) throw forbidden('Not allowed: needs one of the roles admin');
  return actor;
}

/**
 * The admins' management of their own tenant's users. Every operation is scoped to the caller's
 * tenant: another tenant's user answers NOT_FOUND, exactly like an unknown id.
 */
@Resolver(() => User)
@UseMiddleware(ErrorBoundary)
export class UserResolver {
  @Query(() => UserConnection, { description: "The caller's tenant's users, by id (removed users are not listed). Role: admin." })
  async users(@Ctx() context: GraphQLContext, @Args(() => ConnectionArgs) { first, after }: ConnectionArgs) {
    const page = await context.services.users.listForTenant(adminOf(context).tenantId, { first, after });
    return toConnection({ ...page, items: page.items.map((item) => ({ cursor: item.cursor, node: toUser(item.node) })) });
  }

  @Mutation(() => User, { nullable: true, description: "Adds a user to the caller's tenant. Role: admin." })
  async createUser(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreateUserInput, { description: 'The new user.' }) input: CreateUserInput,
  ): Promise<User> {
    const actor = adminOf(context);
    return toUser(await context.services.tenancy.createUser(actor, { tenantId: actor.tenantId, userId: input.userId, roles: input.roles }));
  }

  @Mutation(() => User, {
    nullable: true,
    description:
      "Replaces the roles of a user of the caller's tenant; their live WebSockets close if they lose a role. Taking admin from the tenant's last admin is BAD_USER_INPUT. Role: admin.",
  })
  async setUserRoles(@Ctx() context: GraphQLContext, @Args(() => SetUserRolesArgs) { userId, roles }: SetUserRolesArgs): Promise<User> {
    const actor = adminOf(context);
    return toUser(await context.services.tenancy.setUserRoles(actor, { tenantId: actor.tenantId, userId }, roles));
  }

  @Mutation(() => User, {
    nullable: true,
    description:
      "Removes a user of the caller's tenant: their tokens stop working and their live WebSockets close; history keeps their id, which is never reused. The tenant's last admin cannot be removed (BAD_USER_INPUT). Role: admin.",
  })
  async removeUser(
    @Ctx() context: GraphQLContext,
    @Arg('userId', () => ID, { description: "A user of the caller's tenant; any other id is NOT_FOUND." }) userId: string,
  ): Promise<User> {
    const actor = adminOf(context);
    return toUser(await context.services.tenancy.removeUser(actor, { tenantId: actor.tenantId, userId }));
  }
}
