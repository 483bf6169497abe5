import { cashFlowsByMonth, type CashFlowCategory } from '../../analytics';
import { entryAmount } from '../../ledger/positions';
import type { ArgumentIssue, CapabilityCall, CapabilityFn, RequestCtx } from '../../runtime/capability';
import type { AgentDeps } from '../agent-deps';
import { FxConverter } from './fx';
import { tradeDateRateOf, tradeDateRates } from './trade-date-fx';
import { periodOf } from './valuation-series';

/** The ledger kinds that move money in or out of the portfolio, and their category; BUY and SELL only move it inside. */
const CATEGORY_OF: Readonly<Record<string, CashFlowCategory>> = {
  DEPOSIT: 'deposits',
  WITHDRAWAL: 'withdrawals',
  DIVIDEND: 'dividends',
  FEE: 'fees',
};

/**
 * ledger.cash_flows: deposits, withdrawals, dividends and fees traded in [start, end], each in base
 * at its trade date's rate (the newest pack of the policy on or before it), by month and in total.
 * The ledger has no interest entries: interest is reported as 0 and the result says so.
 */
export const cashFlowsCapability = (deps: AgentDeps): CapabilityFn =>
  Object.assign(
    async ({ ctx, args }: CapabilityCall) => {
      const { start, end } = periodOf(args, ctx);
      const [{ entries, fxOn }, fxRows] = await Promise.all([tradeDateRates(deps, ctx), deps.marketData.packFx(ctx.pricingPackId)]);
      const today = new FxConverter(new Map(fxRows.map((r) => [r.currency, r.rate])), ctx.packBaseCurrency, ctx.baseCurrency);
      const rates = tradeDateRateOf(ctx, fxOn, today, 'the flow');
      const flows = entries
        .filter((e) => CATEGORY_OF[e.kind] !== undefined && e.tradeDate >= start && e.tradeDate <= end)
        .map((e) => {
          const rate = rates.rateOn(e.currency, e.tradeDate);
          const amount = entryAmount(e);
          return {
            date: e.tradeDate,
            category: CATEGORY_OF[e.kind],
            kind: e.kind,
            symbol: e.symbol,
            currency: e.currency,
            amount,
            fxRate: rate,
            amountBase: amount * rate,
          };
        });
      const { months, total } = cashFlowsByMonth(
        flows.map((f) => ({ date: f.date, category: f.category, amount: f.amountBase })),
        start,
        end,
      );
      return {
        data: {
          start,
          end,
          baseCurrency: ctx.baseCurrency,
          months,
          total,
          flows,
          conventions: {
            fx: 'each flow in base at the rate of the newest pack of the policy on or before its trade date',
            interest: 'the ledger has no interest entries (its kinds: DEPOSIT, WITHDRAWAL, DIVIDEND, FEE, BUY, SELL): interest is always 0',
            signs: 'every category is a positive magnitude; netExternal = deposits - withdrawals, netIncome = dividends + interest - fees',
          },
        },
        provenance: [{ source: 'Internal', asOf: end, confidence: 1 }],
        warnings: rates.warnings(),
      };
    },
    {
      checkArgs: (args: Record<string, unknown>, ctx: RequestCtx): ArgumentIssue[] => {
        const { start, end } = periodOf(args, ctx);
        return start > end
          ? [
              {
                arg: 'start',
                message: `the period must not start after it ends, or after the pack's date ${ctx.asofDate} (${start} .. ${end})`,
              },
            ]
          : [];
      },
    },
  );
