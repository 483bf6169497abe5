import { Field, Float, ID, InputType, Int, ObjectType, registerEnumType } from 'type-graphql';
import { connectionTypes } from '../relay';
import { DateScalar, DateTimeScalar } from '../scalars';

/** The kinds of ledger entry, as GraphQL names them (the same as the stored ones). */
export enum LedgerEntryKindEnum {
  BUY = 'BUY',
  SELL = 'SELL',
  DEPOSIT = 'DEPOSIT',
  WITHDRAWAL = 'WITHDRAWAL',
  DIVIDEND = 'DIVIDEND',
  FEE = 'FEE',
}

registerEnumType(LedgerEntryKindEnum, {
  name: 'LedgerEntryKind',
  description:
    'Which way money moves; every amount is positive. BUY, WITHDRAWAL and FEE take cash out; SELL, DEPOSIT and DIVIDEND bring it in.',
  valuesConfig: {
    BUY: { description: 'Bought quantity units of symbol at price: cash in currency falls by amount, never below zero.' },
    SELL: { description: 'Sold quantity units of symbol (no more than held) at price: cash in currency rises by amount.' },
    DEPOSIT: { description: 'Cash paid in: amount of currency.' },
    WITHDRAWAL: { description: 'Cash taken out: amount of currency, never more than the cash held in it.' },
    DIVIDEND: { description: 'A dividend received on symbol: amount of currency, into cash.' },
    FEE: { description: 'A fee paid out of cash: amount of currency, never more than the cash held in it.' },
  },
});

/** An entry as appendLedgerEntries takes it, before validation. */
@InputType('LedgerEntryInput', {
  description:
    'One ledger entry. BUY/SELL: symbol, quantity, price (amount = quantity × price, fees are separate FEE entries); DIVIDEND: symbol, amount; DEPOSIT/WITHDRAWAL/FEE: amount, no symbol.',
})
export class LedgerEntryInputType {
  @Field(() => LedgerEntryKindEnum, {
    description: 'What the entry records; it decides which of symbol, quantity, price and amount it takes.',
  })
  kind!: LedgerEntryKindEnum;

  @Field(() => DateScalar, {
    description:
      'The day it took effect: not before the latest trade date already in the ledger, nor the previous entry of the batch; from 1900-01-01 through tomorrow (UTC).',
  })
  tradeDate!: string | Date;

  @Field(() => String, { nullable: true, description: 'A known security; required for BUY, SELL and DIVIDEND, absent otherwise.' })
  symbol?: string | null;

  @Field(() => Float, { nullable: true, description: 'Units traded, > 0, at most 8 decimal places (BUY/SELL only).' })
  quantity?: number | null;

  @Field(() => Float, { nullable: true, description: "Price per unit in the security's currency, > 0 (BUY/SELL only)." })
  price?: number | null;

  @Field(() => String, { description: "ISO 4217 code; for symbol entries, the security's currency." })
  currency!: string;

  @Field(() => Float, {
    nullable: true,
    description:
      'Cash moved, in currency; positive (the kind says which way). BUY/SELL: defaults to quantity × price and must match it when given.',
  })
  amount?: number | null;
}

/** A stored commit as the API shows it (the fields of LedgerCommitRecord; entries come from a field resolver). */
@ObjectType({ description: "One append to a portfolio's ledger; its hash chains it to its parent." })
export class LedgerCommit {
  @Field(() => String, { description: 'sha256:<hex> over the portfolio, parent hash, seq, message and entries; pin it as ledgerCommit.' })
  hash!: string;

  @Field(() => String, { nullable: true, description: "The previous head; null only for a portfolio's first commit." })
  parentHash!: string | null;

  @Field(() => Int, { description: 'Position in the chain: 1 for the first commit, +1 per append.' })
  seq!: number;

  @Field(() => String, { nullable: true, description: "The writer's note; 'Portfolio created' for the root commit createPortfolio makes." })
  message!: string | null;

  @Field(() => ID, { description: 'The portfolio whose ledger the commit belongs to.' })
  portfolioId!: string;

  @Field(() => DateTimeScalar, { description: 'When the commit was stored (the database clock).' })
  createdAt!: Date;

  @Field(() => Int, { description: 'How many entries the commit holds; 0 for a root commit.' })
  entryCount!: number;
}

/** A stored entry as the API shows it (the fields of LedgerEntryRecord). */
@ObjectType({
  description:
    'One stored ledger entry, as appended. Every amount is positive; kind gives the direction of the money (see LedgerEntryKind).',
})
export class LedgerEntry {
  @Field(() => Int, { description: 'Position inside its commit, from 0: the ledger replays in (commit seq, ordinal) order.' })
  ordinal!: number;

  @Field(() => LedgerEntryKindEnum, {
    description: 'What the entry records; it decides which of symbol, quantity, price and amount it has.',
  })
  kind!: LedgerEntryKindEnum;

  @Field(() => DateScalar, { description: 'The trade date.' })
  tradeDate!: string;

  @Field(() => String, { nullable: true, description: 'The security, for BUY, SELL and DIVIDEND; null for cash entries.' })
  symbol!: string | null;

  @Field(() => Float, { nullable: true, description: 'Units traded (BUY/SELL only), > 0.' })
  quantity!: number | null;

  @Field(() => Float, { nullable: true, description: "Price per unit in the entry's currency (BUY/SELL only), > 0." })
  price!: number | null;

  @Field(() => String, { description: "ISO 4217 code of the entry's money; for symbol entries, the security's currency." })
  currency!: string;

  @Field(() => Float, {
    nullable: true,
    description: "Positive amount in the entry's currency; for BUY/SELL the gross trade value quantity × price.",
  })
  amount!: number | null;
}

/** Portfolio.ledger's page of commits. */
export const LedgerCommitConnection = connectionTypes(LedgerCommit, 'LedgerCommit');
