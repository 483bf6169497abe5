import { ArgsType, Field, Float, InputType, ObjectType } from 'type-graphql';
import { ConnectionArgs } from '../relay';
import { Security } from '../securities/security-types';

/** A holding of PositionsAtCommit; `security` comes from HoldingResolver. */
@ObjectType('Holding', { description: 'An open position replayed from the ledger: ledger facts only, no price.' })
export class PortfolioHolding {
  @Field(() => String, { description: 'The security held.' })
  symbol!: string;

  @Field(() => Security, { description: "The security's reference data." })
  security!: Security;

  @Field(() => Float, { description: 'Units held (never zero: closed positions are not listed).' })
  quantity!: number;

  @Field(() => Float, {
    description:
      "Weighted average cost per unit, in the security's currency (`currency`). BUYs add their gross amount; SELLs leave it unchanged; fees are separate FEE entries and not in it.",
  })
  averageCost!: number;

  @Field(() => String, { description: "ISO 4217 code of the security's currency, which averageCost is in." })
  currency!: string;
}

/** A cash balance of PositionsAtCommit. */
@ObjectType({ description: 'Cash in one currency, replayed from the ledger.' })
export class CashBalance {
  @Field(() => String, { description: 'ISO 4217 code.' })
  currency!: string;

  @Field(() => Float, { description: 'The balance in that currency; 0 for a currency the ledger touched and emptied.' })
  amount!: number;
}

/** Portfolio.positions: PositionsAtCommit as the API shows it. */
@ObjectType({
  description:
    "A portfolio's holdings and cash at one ledger commit, replayed from the ledger exactly as the agents replay it (`ledger.positions`). No prices, no credits: free to read.",
})
export class PortfolioPositions {
  @Field(() => String, {
    description: 'The commit replayed: the head, or the commit asked for. Pin it in executePattern to run on the same ledger.',
  })
  ledgerCommitHash!: string;

  @Field(() => [PortfolioHolding], { description: 'Open positions, by symbol.' })
  holdings!: PortfolioHolding[];

  @Field(() => [CashBalance], { description: 'Cash per currency the ledger touched, by currency (zero balances included).' })
  cash!: CashBalance[];
}

/** createPortfolio's input. */
@InputType({ description: 'A new portfolio. Its id is made by the server (`pf_…`); a client cannot choose one.' })
export class CreatePortfolioInput {
  @Field(() => String, { description: 'Shown to users; trimmed, 1–200 characters, one line.' })
  name!: string;

  @Field(() => String, {
    description:
      "ISO 4217 code that results are valued in. It must be one the pricing packs can convert: the latest pack's base currency or one it has an FX rate for (any ISO code while no pack exists).",
  })
  baseCurrency!: string;

  @Field(() => String, { nullable: true, description: 'Free text, trimmed, at most 2000 characters; line breaks allowed.' })
  description?: string | null;
}

/** updatePortfolio's input. */
@InputType({ description: 'Changes to a portfolio: a field left out stays as it is.' })
export class UpdatePortfolioInput {
  @Field(() => String, {
    nullable: true,
    description: 'A new name: trimmed, 1–200 characters, one line. Null is refused (a name cannot be removed).',
  })
  name?: string | null;

  @Field(() => String, { nullable: true, description: 'A new description (at most 2000 characters); null or blank removes it.' })
  description?: string | null;
}

/** first, after, includeArchived — one class so the SDL keeps this argument order. */
@ArgsType()
export class PortfoliosArgs extends ConnectionArgs {
  @Field(() => Boolean, { nullable: true, defaultValue: false, description: 'Also list archived portfolios (hidden by default).' })
  includeArchived?: boolean | null;
}
