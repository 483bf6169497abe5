import { Directive, Field, ID, ObjectType } from 'type-graphql';
import { connectionTypes } from '../relay';

/** A registered security as the API shows it; an entity other subgraphs reference by symbol. */
@Directive('@key(fields: "symbol")')
@ObjectType({
  description: 'A security: what packs price and ledgers hold. Reference data, the same for every tenant; registered by upsertSecurities.',
})
export class Security {
  @Field(() => ID, { description: 'The ticker as packs and ledgers write it (RY.TO, AAPL): 1–32 letters, digits or . - ^ =.' })
  symbol!: string;

  @Field(() => String, { description: 'The issuer or fund name.' })
  name!: string;

  @Field(() => String, { description: 'ISO 4217 code of the currency it trades, is priced and is held in; never changes once registered.' })
  currency!: string;

  @Field(() => String, {
    description: 'One of EQUITY, ETF, FUND, FIXED_INCOME, CASH_EQUIVALENT, COMMODITY, CRYPTO, DERIVATIVE, REAL_ESTATE, OTHER.',
  })
  assetClass!: string;

  @Field(() => String, { nullable: true, description: 'Where it is listed (TSX, NASDAQ), when known.' })
  exchange!: string | null;
}

/** Relay pages of securities. */
export const SecurityConnection = connectionTypes(Security, 'Security');
