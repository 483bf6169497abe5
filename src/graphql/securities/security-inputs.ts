import { ArgsType, Field, ID, InputType, Int } from 'type-graphql';

/** upsertSecurities' items. */
@InputType({ description: 'A security to register, or the new name, asset class and exchange of a registered one.' })
export class SecurityInput {
  @Field(() => ID, { description: '1–32 letters, digits or . - ^ = (RY.TO, BRK-B, ^GSPC).' })
  symbol!: string;

  @Field(() => String, { description: '1–200 characters on one line.' })
  name!: string;

  @Field(() => String, { description: "ISO 4217 code; a registered security's currency cannot change." })
  currency!: string;

  @Field(() => String, {
    description: 'One of EQUITY, ETF, FUND, FIXED_INCOME, CASH_EQUIVALENT, COMMODITY, CRYPTO, DERIVATIVE, REAL_ESTATE, OTHER.',
  })
  assetClass!: string;

  @Field(() => String, { nullable: true, description: 'Where it is listed, at most 64 characters; null or empty for unknown.' })
  exchange?: string | null;
}

/** The conditions of a securities listing. */
@InputType({ description: 'Every given condition must hold.' })
export class SecurityFilter {
  @Field(() => String, { nullable: true, description: 'Symbols starting with this text, case-sensitive (RY matches RY.TO).' })
  symbolPrefix?: string | null;

  @Field(() => String, { nullable: true, description: 'ISO 4217 code.' })
  currency?: string | null;

  @Field(() => String, { nullable: true, description: 'One of the asset classes of Security.assetClass.' })
  assetClass?: string | null;
}

/** filter, first, after — declared in one class so the SDL keeps this argument order. */
@ArgsType()
export class SecuritiesArgs {
  @Field(() => SecurityFilter, { nullable: true, description: 'Conditions every listed security meets; all securities when absent.' })
  filter?: SecurityFilter | null;

  @Field(() => Int, { nullable: true, description: 'Page size, 0–100 (default 20).' })
  first?: number | null;

  @Field(() => String, { nullable: true, description: 'The endCursor of the previous page.' })
  after?: string | null;
}
