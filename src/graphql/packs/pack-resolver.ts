import {
  Arg,
  Args,
  ArgsType,
  Ctx,
  Field,
  FieldResolver,
  Float,
  ID,
  Mutation,
  Query,
  Resolver,
  Root,
  Subscription,
  UseMiddleware,
  type SubscribeResolverData,
} from 'type-graphql';
import { AppError } from '../../shared/errors';
import { fromDbDate } from '../../shared/dates';
import type { PackHealth } from '../../packs/pack-health';
import { healthOf } from '../../packs/pack-health';
import { loadersOf } from '../loaders/request-loaders';
import { actorOf, type GraphQLContext } from '../context';
import { ErrorBoundary, toGraphQLError } from '../errors';
import { ConnectionArgs, toConnection } from '../relay';
import { DataSource } from '../rights/data-source-type';
import { toPackHealth, toPricingPack } from './pack-mapping';
import { CreatePricingPackInput, FxRate, PackHealthType, PackPrice, PricingPack, PricingPackConnection } from './pack-types';

type PackNode = ReturnType<typeof toPricingPack>;

@ArgsType()
class MarkPackFreshArgs {
  @Field(() => ID, { description: "The pack's id; it must be neither failed nor superseded." })
  id!: string;

  @Field(() => Float, { nullable: true, description: 'Measured reconciliation error, in basis points (1 bp = 0.01%): 0 to 1,000,000.' })
  reconciliationErrorBps?: number;
}

@ArgsType()
class MarkPackErrorArgs {
  @Field(() => ID, { description: "The pack's id." })
  id!: string;

  @Field(() => String, { description: 'Why reconciliation failed (1–2,000 characters); shown to clients with PRICING_PACK_ERROR.' })
  message!: string;
}

function noPack(packId: string): AppError {
  return new AppError('NO_PRICING_PACK', `No pricing pack ${packId}`, { packId });
}

/**
 * Pricing packs: reading them and their health, the pack writers' mutations that publish and settle them, the
 * packHealthChanged stream, and the fields of a pack that are loaded on demand.
 */
@Resolver(() => PricingPack)
@UseMiddleware(ErrorBoundary)
export class PackResolver {
  @Query(() => PackHealthType, { description: 'Health of a pack; the latest non-superseded pack when packId is omitted.' })
  async packHealth(
    @Ctx() { services }: GraphQLContext,
    @Arg('packId', () => ID, { nullable: true, description: "A pack's id (NO_PRICING_PACK if unknown); omit for the latest pack." })
    packId?: string,
  ): Promise<PackHealthType> {
    const health = await services.packHealth.current(packId ?? undefined);
    if (!health) throw noPack(packId as string);
    return toPackHealth(health);
  }

  @Query(() => PricingPack, { nullable: true, description: 'A pricing pack by id; null for an unknown id.' })
  async pricingPack(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, { description: "The pack's id, e.g. PP_2026-11-20." }) id: string,
  ): Promise<PackNode | null> {
    const pack = await services.packs.findById(id);
    return pack ? toPricingPack(pack) : null;
  }

  @Query(() => PricingPackConnection, { description: 'All packs, newest first.' })
  async pricingPacks(@Ctx() { services }: GraphQLContext, @Args(() => ConnectionArgs) { first, after }: ConnectionArgs) {
    const page = await services.packs.list({ first, after });
    return toConnection({ ...page, items: page.items.map((e) => ({ cursor: e.cursor, node: toPricingPack(e.node) })) });
  }

  @Mutation(() => PricingPack, {
    nullable: true,
    description: 'Publishes a pack (WARMING); supersedes the current pack of the same date and policy. Roles: service, admin.',
  })
  async createPricingPack(
    @Ctx() context: GraphQLContext,
    @Arg('input', () => CreatePricingPackInput, { description: 'The pack to publish; every problem is reported at once, by path.' })
    input: CreatePricingPackInput,
  ): Promise<PackNode> {
    const pack = await context.services.packBuilder.createPricingPack(
      {
        date: input.date instanceof Date ? fromDbDate(input.date) : input.date,
        policy: input.policy,
        prices: input.prices.map((p) => ({ ...p })),
        fxRates: input.fxRates.map((f) => ({ ...f })),
      },
      actorOf(context),
    );
    return toPricingPack(pack);
  }

  @Mutation(() => PricingPack, {
    nullable: true,
    description: 'Declares a pack fresh. Refused for a pack whose reconciliation failed. Roles: service, admin.',
  })
  async markPackFresh(
    @Ctx() context: GraphQLContext,
    @Args(() => MarkPackFreshArgs) { id, reconciliationErrorBps }: MarkPackFreshArgs,
  ): Promise<PackNode> {
    return toPricingPack(await context.services.packBuilder.markPackFresh(id, reconciliationErrorBps, actorOf(context)));
  }

  @Mutation(() => PricingPack, {
    nullable: true,
    description: 'Records a failed reconciliation; the pack blocks every run. Roles: service, admin.',
  })
  async markPackError(
    @Ctx() context: GraphQLContext,
    @Args(() => MarkPackErrorArgs) { id, message }: MarkPackErrorArgs,
  ): Promise<PackNode> {
    return toPricingPack(await context.services.packBuilder.markPackError(id, message, actorOf(context)));
  }

  @Subscription(() => PackHealthType, {
    description: 'A state stream: the current health at once, then every change (a new latest pack counts).',
    subscribe: ({ args, context }: SubscribeResolverData<unknown, { packId?: string }, GraphQLContext>) =>
      subscribeToPackHealth(context, args.packId),
  })
  packHealthChanged(
    @Root() health: PackHealth,
    @Arg('packId', () => ID, {
      nullable: true,
      description: "A pack's id (NO_PRICING_PACK if unknown); omit to follow whichever pack is latest.",
    })
    _packId?: string,
  ): PackHealthType {
    return toPackHealth(health);
  }

  @FieldResolver(() => PricingPack, {
    nullable: true,
    description: 'The pack that replaced this one for its date and policy; null while this one is current.',
  })
  async supersededBy(@Root() pack: PackNode, @Ctx() context: GraphQLContext): Promise<PackNode | null> {
    if (!pack.supersededById) return null;
    const next = await loadersOf(context).pricingPack(pack.supersededById);
    return next ? toPricingPack(next) : null;
  }

  @FieldResolver(() => [DataSource], { description: 'The data sources of its prices and FX rates, with their rights here.' })
  sources(@Root() pack: PackNode, @Ctx() { services }: GraphQLContext): DataSource[] {
    return pack.sources.map((name) => services.rights.current().rightsOf(name));
  }

  @FieldResolver(() => PackHealthType, { description: "The pack's health, as packHealth(packId) gives it." })
  health(@Root() pack: PackNode, @Ctx() { services }: GraphQLContext): PackHealthType {
    return toPackHealth(healthOf({ ...pack, date: pack.asofDate, status: pack.status }, services.config.packWarmingEtaMs));
  }

  @FieldResolver(() => [PackPrice], { description: 'Its closing prices, one per symbol.' })
  prices(@Root() pack: PackNode, @Ctx() context: GraphQLContext): Promise<PackPrice[]> {
    return loadersOf(context).packPrices(pack.id);
  }

  @FieldResolver(() => [FxRate], { description: 'Its FX rates into the base currency, one per other currency.' })
  fxRates(@Root() pack: PackNode, @Ctx() context: GraphQLContext): Promise<FxRate[]> {
    return loadersOf(context).packFxRates(pack.id);
  }
}

/** Subscribing to an unknown pack is refused up front, like the query. */
async function subscribeToPackHealth(context: GraphQLContext, packId: string | undefined): Promise<AsyncIterable<PackHealth>> {
  try {
    if (packId !== undefined && packId !== null && !(await context.services.packs.findById(packId))) throw noPack(packId);
    return context.services.packHealth.stream(packId ?? undefined);
  } catch (error) {
    throw toGraphQLError(error, context);
  }
}
