import { ArgsType, Field, ID, InputType, ObjectType } from 'type-graphql';
import { connectionTypes } from '../relay';
import { DateTimeScalar } from '../scalars';

/** A user of the caller's tenant as the API shows it. */
@ObjectType({ description: "A user of the caller's tenant, as its admins manage them." })
export class User {
  @Field(() => ID, { description: "The id a token's sub names." })
  userId!: string;

  @Field(() => ID, { description: "The tenant the user belongs to: always the caller's." })
  tenantId!: string;

  @Field(() => [String], { description: 'Any of viewer, analyst, admin, service, in that order.' })
  roles!: string[];

  @Field(() => DateTimeScalar, { description: 'When the user was created.' })
  createdAt!: Date;
}

/** Relay pages of users. */
export const UserConnection = connectionTypes(User, 'User');

/** createUser's input. */
@InputType({ description: "A new user of the caller's tenant." })
export class CreateUserInput {
  @Field(() => ID, {
    description:
      "The id its tokens' sub will carry: 1–128 letters, digits or . _ @ | + -, starting with a letter or digit; never one used before, in any tenant.",
  })
  userId!: string;

  @Field(() => [String], { description: 'At least one of viewer, analyst, admin, service; repeats are dropped.' })
  roles!: string[];
}

/** setUserRoles' arguments. */
@ArgsType()
export class SetUserRolesArgs {
  @Field(() => ID, { description: "A user of the caller's tenant; any other id is NOT_FOUND." })
  userId!: string;

  @Field(() => [String], {
    description:
      "The user's new roles, replacing the old: at least one of viewer, analyst, admin, service. The tenant's last admin keeps admin.",
  })
  roles!: string[];
}
