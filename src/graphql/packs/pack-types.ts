import { Directive, Field, Float, ID, InputType, ObjectType, registerEnumType } from 'type-graphql';
import { DateScalar, DateTimeScalar } from '../scalars';
import { connectionTypes } from '../relay';

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

export const PricingPackConnection = connectionTypes(PricingPack, 'PricingPack');

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
