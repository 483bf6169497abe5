import { Arg, Ctx, ID, Mutation, Resolver, UseMiddleware } from 'type-graphql';
import { hasAnyRole } from '../../auth/roles';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import { forbidden } from '../../shared/errors';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { Portfolio } from './portfolio-resolver';
import { CreatePortfolioInput, UpdatePortfolioInput } from './portfolio-types';

/**
 * Creating, changing and archiving the caller's tenant's portfolios. Payloads are nullable like
 * every mutation's here: one failed alias must not null the others' results.
 */
@Resolver(() => Portfolio)
@UseMiddleware(ErrorBoundary)
export class PortfolioLifecycleResolver {
  @Mutation(() => Portfolio, {
    nullable: true,
    description:
      "Creates a portfolio of the caller's tenant with its root ledger commit, so appendLedgerEntries and executePattern can use it at once. The server makes the id. Invalid input → BAD_USER_INPUT (a path per problem) and nothing written. Roles: analyst, admin.",
  })
  createPortfolio(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreatePortfolioInput, { description: 'The new portfolio: name, base currency, description.' })
    input: CreatePortfolioInput,
  ): Promise<PortfolioRecord> {
    return context.services.portfolioLifecycle.create(actorOf(context), {
      name: input.name,
      baseCurrency: input.baseCurrency,
      description: input.description ?? null,
    });
  }

  @Mutation(() => Portfolio, {
    nullable: true,
    description:
      "Renames or re-describes a portfolio; fields left out stay. Another tenant's or an unknown portfolio → NOT_FOUND; an archived one → PORTFOLIO_ARCHIVED. Roles: analyst, admin.",
  })
  updatePortfolio(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, { description: "A portfolio of the caller's tenant." }) id: string,
    @Arg('input', () => UpdatePortfolioInput, { description: 'The fields to change; a field left out keeps its value.' })
    input: UpdatePortfolioInput,
  ): Promise<PortfolioRecord> {
    return context.services.portfolioLifecycle.update(actorOf(context), id, { name: input.name, description: input.description });
  }

  @Mutation(() => Portfolio, {
    nullable: true,
    description:
      'Archives a portfolio: hidden from `portfolios` (unless includeArchived), its ledger and executions kept and readable, new appends and runs refused with PORTFOLIO_ARCHIVED. Idempotent: archiving it again returns it unchanged, with its first archivedAt. Role: admin.',
  })
  archivePortfolio(
    @Ctx() context: GraphQLContext,
    @Arg('id', () => ID, { description: "A portfolio of the caller's tenant." }) id: string,
  ): Promise<PortfolioRecord> {
    // The shield rule decides first; this keeps the use-case closed even without it.
    if (!hasAnyRole(context.viewer, ['admin'])) throw forbidden('Not allowed: needs one of the roles admin');
    return context.services.portfolioLifecycle.archive(actorOf(context), id);
  }
}
