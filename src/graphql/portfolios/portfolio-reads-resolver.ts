import { Arg, Args, Ctx, FieldResolver, Resolver, Root, UseMiddleware } from 'type-graphql';
import type { Holding } from '../../ledger';
import type { PortfolioRecord } from '../../data/portfolios/portfolio-repository';
import type { SecurityRecord } from '../../data/reference/security-repository';
import { tenantOf, type GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { toExecution } from '../executions/execution-mapping';
import { ExecutionsArgs, PatternExecutionConnection } from '../history/history-types';
import { LedgerCommitConnection } from '../ledger/ledger-types';
import { loadersOf } from '../loaders/request-loaders';
import { ConnectionArgs, toConnection, type Connection } from '../relay';
import { Security } from '../securities/security-types';
import { Portfolio } from './portfolio-resolver';
import { PortfolioHolding, PortfolioPositions } from './portfolio-types';

/** Nullable for the same reason as Portfolio's other fields (portfolio-resolver.ts). */
const REFUSED = 'Null only when a router reached, through another subgraph, a portfolio the caller may not see.';

/**
 * What a portfolio's ledger and runs say, read at no charge: positions replayed from the ledger,
 * the commit chain, the executions. Every field hangs under a portfolio already resolved inside
 * the caller's tenant (a query, or `_entities`), so none checks the tenant again.
 */
@Resolver(() => Portfolio)
@UseMiddleware(ErrorBoundary)
export class PortfolioReadsResolver {
  @FieldResolver(() => PortfolioPositions, {
    nullable: true,
    description: `Holdings and cash replayed from the ledger at its head, or at \`ledgerCommit\` (a commit of this portfolio; any other → NOT_FOUND). No prices, no credits. ${REFUSED}`,
  })
  positions(
    @Root() portfolio: PortfolioRecord,
    @Ctx() context: GraphQLContext,
    @Arg('ledgerCommit', () => String, { nullable: true, description: "A commit hash of this portfolio's ledger; the head when omitted." })
    ledgerCommit?: string | null,
  ) {
    return context.services.ledger.positions(portfolio.id, ledgerCommit ?? portfolio.ledgerHead);
  }

  @FieldResolver(() => LedgerCommitConnection, {
    nullable: true,
    description: `The ledger's commits, newest first (seq descending), each with its entries; the last is the root commit. Commits appended while paging never shift a page. ${REFUSED}`,
  })
  async ledger(
    @Root() portfolio: PortfolioRecord,
    @Ctx() context: GraphQLContext,
    @Args(() => ConnectionArgs) { first, after }: ConnectionArgs,
  ) {
    return toConnection(await context.services.ledger.commits(portfolio.id, { first, after }));
  }

  @FieldResolver(() => PatternExecutionConnection, {
    nullable: true,
    description: `This portfolio's executions, newest first, as \`executions\` pages them; the filter's portfolioId, if given, must be this one (else the page is empty). ${REFUSED}`,
  })
  async executions(
    @Root() portfolio: PortfolioRecord,
    @Ctx() context: GraphQLContext,
    @Args(() => ExecutionsArgs) { filter, first, after }: ExecutionsArgs,
  ): Promise<Connection<unknown>> {
    if (filter?.portfolioId != null && filter.portfolioId !== portfolio.id) {
      return toConnection({ items: [], hasNextPage: false });
    }
    const page = await context.services.executionHistory.list(
      tenantOf(context),
      { ...filter, portfolioId: portfolio.id },
      { first, after },
    );
    return toConnection({ ...page, items: page.items.map((e) => ({ cursor: e.cursor, node: toExecution(e.node) })) });
  }
}

/** Holding.security: each holding's security, batched per request. */
@Resolver(() => PortfolioHolding)
@UseMiddleware(ErrorBoundary)
export class HoldingResolver {
  @FieldResolver(() => Security, { description: "The security's reference data; every holding of a request is looked up in one query." })
  async security(@Root() holding: Holding, @Ctx() context: GraphQLContext): Promise<SecurityRecord> {
    const security = await loadersOf(context).security(holding.symbol);
    // Appends only accept known symbols and securities are never deleted.
    if (!security) throw new Error(`security ${holding.symbol} held in a ledger is missing`);
    return security;
  }
}
