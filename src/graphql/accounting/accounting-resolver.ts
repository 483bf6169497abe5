import { Args, ArgsType, Ctx, Field, Float, ID, InputType, Mutation, ObjectType, Resolver, UseMiddleware } from 'type-graphql';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { toPattern } from '../patterns/pattern-mapping';
import { Pattern } from '../patterns/pattern-types';
import { DateTimeScalar, JSONScalar } from '../scalars';

/** One entry of a tenant's credit account, as grantCredits answers it. */
@ObjectType({ description: 'A change of a tenant credit balance; the balance after it is recorded with it.' })
export class CreditTransaction {
  @Field(() => ID, { description: "The transaction's id." })
  id!: string;

  @Field(() => ID, { description: 'The tenant whose balance changed.' })
  tenantId!: string;

  @Field(() => ID, { nullable: true, description: 'The run it debits or refunds; null for a grant.' })
  executionId!: string | null;

  @Field(() => Float, { description: 'In credits, signed: a debit is negative.' })
  amount!: number;

  @Field(() => String, { description: "DEBIT (a run's cost), REFUND (of a FAILED run) or GRANT (grantCredits)." })
  kind!: string;

  @Field(() => Float, { description: "The tenant's balance right after it, in credits." })
  balanceAfter!: number;

  @Field(() => String, { nullable: true, description: "Why: a grant's reason, or a refund's (e.g. execution failed); null for a debit." })
  reason!: string | null;

  @Field(() => DateTimeScalar, { description: 'When it was recorded.' })
  createdAt!: Date;
}

/** The pattern definition publishPattern takes, as one JSON value: the same document a patterns/*.json file holds. */
@InputType({ description: 'A pattern version to publish.' })
export class PublishPatternInput {
  @Field(() => JSONScalar, {
    description: 'The whole pattern definition (the format of patterns/*.json), validated like the files at start.',
  })
  definition!: unknown;
}

@ArgsType()
class GrantCreditsArgs {
  @Field(() => ID, { description: "The caller's own tenant (FORBIDDEN for any other)." })
  tenantId!: string;

  @Field(() => Float, { description: 'Credits to add: more than 0, at most 1,000,000,000, at most 4 decimal places.' })
  amount!: number;

  @Field(() => String, { description: 'Why (1–500 characters); kept on the transaction and in the audit log.' })
  reason!: string;
}

@ArgsType()
class PublishPatternArgs {
  @Field(() => PublishPatternInput, { description: 'The definition to publish.' })
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
