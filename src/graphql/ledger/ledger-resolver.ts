import { Args, ArgsType, Ctx, Field, FieldResolver, ID, Mutation, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { LedgerEntryRecord } from '../../data/ledger/ledger-repository';
import { fromDbDate } from '../../shared/dates';
import { unauthenticated } from '../../shared/errors';
import type { GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { loadersOf } from '../loaders/request-loaders';
import { LedgerCommit, LedgerEntry, LedgerEntryInputType } from './ledger-types';

@ArgsType()
class AppendLedgerEntriesArgs {
  @Field(() => ID, { description: "A portfolio of the caller's tenant." })
  portfolioId!: string;

  @Field(() => [LedgerEntryInputType], { description: 'The entries to append, in order: 1 to 10,000.' })
  entries!: LedgerEntryInputType[];

  @Field(() => String, { nullable: true, description: 'A note kept with the commit (at most 1,000 characters); part of its hash.' })
  message?: string | null;
}

/** appendLedgerEntries: the one way a portfolio's ledger is written, as the signed-in caller. */
@Resolver(() => LedgerCommit)
@UseMiddleware(ErrorBoundary)
export class LedgerResolver {
  @Mutation(() => LedgerCommit, {
    nullable: true,
    description:
      "Appends entries to a portfolio's ledger as one atomic commit chained to the previous head, and returns it. Invalid entries → BAD_USER_INPUT (a path per problem) and nothing written. Roles: analyst, admin.",
  })
  async appendLedgerEntries(
    @Ctx() context: GraphQLContext,
    @Args(() => AppendLedgerEntriesArgs) { portfolioId, entries, message }: AppendLedgerEntriesArgs,
  ): Promise<LedgerCommit> {
    if (!context.viewer) throw unauthenticated();
    return context.services.ledger.append({
      tenantId: context.viewer.tenantId,
      authorId: context.viewer.userId,
      portfolioId,
      message: message ?? null,
      traceId: context.traceId,
      requestId: context.requestId,
      entries: entries.map((e) => ({
        kind: e.kind,
        tradeDate: e.tradeDate instanceof Date ? fromDbDate(e.tradeDate) : e.tradeDate,
        symbol: e.symbol ?? null,
        quantity: e.quantity ?? null,
        price: e.price ?? null,
        currency: e.currency,
        amount: e.amount ?? null,
      })),
    });
  }

  @FieldResolver(() => [LedgerEntry], {
    description: 'The entries of this commit, in order (none for a root commit). Loaded for every commit of a request in one query.',
  })
  entries(@Root() commit: LedgerCommit, @Ctx() context: GraphQLContext): Promise<LedgerEntryRecord[]> {
    return loadersOf(context).commitEntries(commit.portfolioId, commit.hash);
  }
}
