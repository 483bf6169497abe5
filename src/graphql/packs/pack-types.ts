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

// Said alike by PackHealth and PricingPack.
const IS_FRESH =
  'Declared fresh by the pack builder (markPackFresh) and not failed since; stays true once superseded, so a pinned run can reproduce a result.';
const PREWARM_DONE = 'Pre-warming of the pack finished; set together with isFresh by markPackFresh (the freshness gate reads isFresh).';
const RECONCILIATION_PASSED = "The pack's prices reconciled; set by markPackFresh, cleared by markPackError.";

registerEnumType(PackStatusEnum, {
  name: 'PackStatus',
  description: 'reconciliation failed → ERROR; superseded → STALE; fresh → FRESH; otherwise WARMING.',
  valuesConfig: {
    WARMING: { description: 'Published, not yet declared fresh: runs are refused with PRICING_PACK_WARMING unless requireFresh is false.' },
    FRESH: { description: 'Declared fresh and current: runs use it.' },
    ERROR: {
      description: 'Reconciliation failed (or no pack exists at all): every run on it is refused with PRICING_PACK_ERROR.',
    },
    STALE: { description: 'Replaced by a newer pack of the same date and policy; a pinned run may still use it if it was fresh.' },
  },
});

/** The packHealth query's and subscription's answer, and a pack's health field: whether runs can use the pack yet. */
@ObjectType('PackHealth', { description: 'Whether a pricing pack can be used right now.' })
export class PackHealthType {
  @Field(() => PackStatusEnum, { description: "The pack's status; ERROR when no pack exists." })
  status!: PackStatusEnum;

  @Field(() => ID, { nullable: true, description: "The pack's id; null only when no pack exists." })
  packId!: string | null;

  @Field(() => DateScalar, {
    nullable: true,
    description: "The date the pack's prices and FX rates are as of; null only when no pack exists.",
  })
  asofDate!: string | null;

  @Field(() => Boolean, { description: IS_FRESH })
  isFresh!: boolean;

  @Field(() => Boolean, { description: PREWARM_DONE })
  prewarmDone!: boolean;

  @Field(() => Boolean, { description: RECONCILIATION_PASSED })
  reconciliationPassed!: boolean;

  @Field(() => DateTimeScalar, { nullable: true, description: 'When the pack last changed; null only when no pack exists.' })
  updatedAt!: Date | null;

  @Field(() => DateTimeScalar, {
    nullable: true,
    description: 'When the pack is expected to turn fresh: updatedAt + PACK_WARMING_ETA (15 minutes by default); null unless WARMING.',
  })
  estimatedReady!: Date | null;
}

/** The closing price of one symbol in a pack, and the data source it came from; an input and an output alike. */
@InputType('PackPriceInput', { description: "One security's closing price in a new pack." })
@ObjectType({ description: "One security's closing price in a pricing pack." })
export class PackPrice {
  @Field(() => String, {
    description: "The security's ticker as the ledger names it (e.g. RY.TO, AAPL): 1–32 letters, digits and . - ^ =; unique within a pack.",
  })
  symbol!: string;

  @Field(() => Float, { description: 'Closing price of one unit, in currency; > 0.' })
  close!: number;

  @Field(() => String, {
    description: "ISO 4217 code of close (e.g. USD): the pack's base currency or one the pack has an FX rate for.",
  })
  currency!: string;

  @Field(() => String, { description: 'The data source the price came from (e.g. FMP); its rights apply to results that use it.' })
  source!: string;
}

/** One FX rate of a pack, and the data source it came from; an input and an output alike. */
@InputType('FxRateInput', { description: "An FX rate into the new pack's base currency." })
@ObjectType({ description: "An FX rate into the pack's base currency." })
export class FxRate {
  @Field(() => String, {
    description: "ISO 4217 code of the currency converted from (e.g. USD); never the pack's base currency, one rate per currency.",
  })
  currency!: string;

  @Field(() => Float, { description: "Units of the pack's base currency for one unit of currency." })
  rate!: number;

  @Field(() => String, { description: 'The data source the rate came from (e.g. FRED); its rights apply to results that use it.' })
  source!: string;
}

/**
 * A pricing pack as the API shows it, and a federation entity by id; its prices, FX rates, sources and health
 * are resolved on demand.
 */
@Directive('@key(fields: "id")')
@ObjectType({ description: 'A daily snapshot of prices and FX; immutable once fresh.' })
export class PricingPack {
  @Field(() => ID, {
    description:
      'PP_<date>, with _<policy> for a policy other than WM4PM_CAD and _r<n> for the n-th pack of its date and policy (e.g. PP_2026-11-20, PP_2026-11-20_r2).',
  })
  id!: string;

  @Field(() => DateScalar, { description: 'The date its prices and FX rates are as of.' })
  asofDate!: string;

  @Field(() => String, { description: 'The pricing policy, e.g. WM4PM_CAD; its last part is the base currency the FX rates convert into.' })
  policy!: string;

  @Field(() => String, { description: 'sha256:<hex> of the pack content (date, policy, prices, FX, sources).' })
  hash!: string;

  @Field(() => PackStatusEnum, { description: 'Derived from the flags below and supersession (see PackStatus).' })
  status!: PackStatusEnum;

  @Field(() => Boolean, { description: IS_FRESH })
  isFresh!: boolean;

  @Field(() => Boolean, { description: PREWARM_DONE })
  prewarmDone!: boolean;

  @Field(() => Boolean, { description: RECONCILIATION_PASSED })
  reconciliationPassed!: boolean;

  @Field(() => Float, {
    nullable: true,
    description: 'The reconciliation error the pack builder measured, in basis points (1 bp = 0.01%); null when none was reported.',
  })
  reconciliationErrorBps!: number | null;

  @Field(() => String, { nullable: true, description: 'Why reconciliation failed (markPackError); null unless it failed.' })
  errorMessage!: string | null;

  @Field(() => DateTimeScalar, { description: 'When the pack was published.' })
  createdAt!: Date;

  @Field(() => DateTimeScalar, { description: 'When the pack last changed (published, marked, superseded).' })
  updatedAt!: Date;
}

/** The Relay connection of packs the pricingPacks query pages through. */
export const PricingPackConnection = connectionTypes(PricingPack, 'PricingPack');

/** What createPricingPack publishes: the prices and FX rates of one date under one policy. */
@InputType({ description: 'A pricing pack to publish: its date, policy, prices and FX rates.' })
export class CreatePricingPackInput {
  @Field(() => DateScalar, { description: 'The date the prices are as of: from 1900-01-01 through tomorrow (UTC).' })
  date!: string | Date;

  @Field(() => String, { description: 'e.g. WM4PM_CAD (at most 64 characters): the last part names the base currency.' })
  policy!: string;

  @Field(() => [PackPrice], { description: 'Closing prices, one per symbol: 1 to 20,000.' })
  prices!: PackPrice[];

  @Field(() => [FxRate], {
    description: "FX rates into the base currency, one per currency: up to 20,000; every price's currency other than the base needs one.",
  })
  fxRates!: FxRate[];
}
