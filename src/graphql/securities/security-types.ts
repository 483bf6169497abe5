import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** Reference data, the same for every tenant: a security is never refused, so its fields are non-null. */
@Directive('@key(fields: "symbol")')
@ObjectType({ description: 'A security that packs price and ledgers hold (reference data, the same for every tenant).' })
export class Security {
  @Field(() => ID, { description: 'Ticker with its exchange suffix where it has one, e.g. RY.TO, AAPL.' })
  symbol!: string;

  @Field(() => String, { description: "The issuer's or fund's name." })
  name!: string;

  @Field(() => String, { description: 'ISO 4217 code of the currency it trades and is priced in.' })
  currency!: string;

  @Field(() => String, { description: 'The kind of instrument, e.g. EQUITY, ETF.' })
  assetClass!: string;

  @Field(() => String, { nullable: true, description: 'Where it is listed, e.g. TSX, NASDAQ; null when unknown.' })
  exchange!: string | null;
}
