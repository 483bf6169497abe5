import { Directive, Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { connectionTypes } from '../relay';

/** Where a pricing pack stands in its life, and so whether runs may use it. */
export enum PackStatusEnum {
  WARMING = 'WARMING',
  FRESH = 'FRESH',
  ERROR = 'ERROR',
  STALE = 'STALE',
}

registerEnumType(PackStatusEnum, {
  name: 'PackStatus',
  description: 'reconciliation failed → ERROR; superseded → STALE; fresh → FRESH; otherwise WARMING.',
});

/** The packHealth query's and subscription's answer, and a pack's health field: whether runs can use the pack yet. */
@ObjectType('PackHealth', { description: 'Whether a pricing pack can be used right now.' })
export class PackHealthType {
  @Field(() => PackStatusEnum)
  status!: PackStatusEnum;

  @Field(() => ID, { nullable: true, description: 'Null only when no pack exists.' })
  packId!: string | null;

  @Field(() => DateScalar, { nullable: true })
  asofDate!: string | null;

  @Field(() => Boolean)
  isFresh!: boolean;

  @Field(() => Boolean)
  prewarmDone!: boolean;

  @Field(() => Boolean)
  reconciliationPassed!: boolean;

  @Field(() => DateTimeScalar, { nullable: true })
  updatedAt!: Date | null;

  @Field(() => DateTimeScalar, { nullable: true, description: 'WARMING only: updatedAt + PACK_WARMING_ETA.' })
  estimatedReady!: Date | null;
}

/** The closing price of one symbol in a pack, and the data source it came from; an input and an output alike. */
@InputType('PackPriceInput')
@ObjectType()
export class PackPrice {
  @Field(() => String)
  symbol!: string;

  @Field(() => Float)
  close!: number;

  @Field(() => String)
  currency!: string;

  @Field(() => String)
  source!: string;
}

/** One FX rate of a pack, and the data source it came from; an input and an output alike. */
@InputType('FxRateInput')
@ObjectType({ description: "An FX rate into the pack's base currency." })
export class FxRate {
  @Field(() => String)
  currency!: string;

  @Field(() => Float, { description: "Units of the pack's base currency for one unit of currency." })
  rate!: number;

  @Field(() => String)
  source!: string;
}

/**
 * A pricing pack as the API shows it, and a federation entity by id; its prices, FX rates, sources and health
 * are resolved on demand.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A daily snapshot of prices and FX; immutable once fresh.' })
export class PricingPack {
  @Field(() => ID)
  id!: string;

  @Field(() => DateScalar)
  asofDate!: string;

  @Field(() => String)
  policy!: string;

  @Field(() => String, { description: 'sha256 of the pack content (date, policy, prices, FX, sources).' })
  hash!: string;

  @Field(() => PackStatusEnum)
  status!: PackStatusEnum;

  @Field(() => Boolean)
  isFresh!: boolean;

  @Field(() => Boolean)
  prewarmDone!: boolean;

  @Field(() => Boolean)
  reconciliationPassed!: boolean;

  @Field(() => Float, { nullable: true })
  reconciliationErrorBps!: number | null;

  @Field(() => String, { nullable: true })
  errorMessage!: string | null;

  @Field(() => DateTimeScalar)
  createdAt!: Date;

  @Field(() => DateTimeScalar)
  updatedAt!: Date;
}

/** The Relay connection of packs the pricingPacks query pages through. */
export const PricingPackConnection = connectionTypes(PricingPack, 'PricingPack');

/** What createPricingPack publishes: the prices and FX rates of one date under one policy. */
@InputType()
export class CreatePricingPackInput {
  @Field(() => DateScalar)
  date!: string | Date;

  @Field(() => String, { description: 'e.g. WM4PM_CAD: the last part names the base currency.' })
  policy!: string;

  @Field(() => [PackPrice])
  prices!: PackPrice[];

  @Field(() => [FxRate])
  fxRates!: FxRate[];
}
