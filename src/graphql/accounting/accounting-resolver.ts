import { Args, ArgsType, Ctx, Field, Float, ID, InputType, Mutation, ObjectType, Resolver, UseMiddleware } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { toPattern } from '../patterns/pattern-mapping';
import { Pattern } from '../patterns/pattern-types';
import { DateTimeScalar, JSONScalar } from '../scalars';

/** One entry of a tenant's credit account, as grantCredits answers it. */
@ObjectType({ description: 'A change of a tenant credit balance; the balance after it is recorded with it.' })
export class CreditTransaction {
  @Field(() => ID)
  id!: string;

  @Field(() => ID)
  tenantId!: string;

  @Field(() => ID, { nullable: true })
  executionId!: string | null;

  @Field(() => Float, { description: 'Signed: a debit is negative.' })
  amount!: number;

  @Field(() => String, { description: 'DEBIT, REFUND or GRANT.' })
  kind!: string;

  @Field(() => Float)
  balanceAfter!: number;

  @Field(() => String, { nullable: true })
  reason!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;
}

/** The pattern definition publishPattern takes, as one JSON value: the same document a patterns/*.json file holds. */
@InputType()
export class PublishPatternInput {
  @Field(() => JSONScalar, {
    description: 'The whole pattern definition (the format of patterns/*.json), validated like the files at start.',
  })
  definition!: unknown;
}

@ArgsType()
class GrantCreditsArgs {
  @Field(() => ID)
  tenantId!: string;

  @Field(() => Float)
  amount!: number;

  @Field(() => String)
  reason!: string;
}

@ArgsType()
class PublishPatternArgs {
  @Field(() => PublishPatternInput)
  input!: PublishPatternInput;

  @Field(() => String, { nullable: true, description: "The current version's etag; omit only for a new pattern." })
  ifMatch?: string | null;
}

/** The admin mutations: granting credits to the caller's tenant and publishing new pattern versions. */
@Resolver()
@UseMiddleware(ErrorBoundary)
export class AccountingResolver {
  @Mutation(() => CreditTransaction, { nullable: true, description: "Adds credits to the caller's own tenant. Role: admin." })
  grantCredits(@Ctx() context: GraphQLContext, @Args(() => GrantCreditsArgs) args: GrantCreditsArgs): Promise<CreditTransaction> {
    return context.services.accounting.grantCredits(actorOf(context), args);
  }

  @Mutation(() => Pattern, {
    nullable: true,
    description: 'Publishes a new version of a pattern if ifMatch is its current etag (PRECONDITION_FAILED otherwise). Role: admin.',
  })
  async publishPattern(
    @Ctx() context: GraphQLContext,
    @Args(() => PublishPatternArgs) { input, ifMatch }: PublishPatternArgs,
  ): Promise<Pattern> {
    const compiled = await context.services.publishPattern(actorOf(context), input.definition, ifMatch);
    return toPattern(compiled);
  }
}
