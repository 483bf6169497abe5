import { holdingRows, type ValuedHoldingFields } from '../../../src/agents/financial-analyst/holdings-detail';

const valued = (symbol: string, marketValue: number | null): ValuedHoldingFields => ({
  symbol,
  price: marketValue === null ? null : marketValue / 10,
  fxRate: 1.4,
  marketValue,
  marketValueBase: marketValue === null ? null : marketValue * 1.4,
  weight: 0.5,
  costBasisBase: 1_300,
  bookFxRate: 1.3,
  unrealisedPnlBase: null,
  unrealisedPriceEffectBase: null,
  unrealisedCurrencyEffectBase: null,
  returns: null,
  realisedPnlBase: null,
});

describe('holdingRows', () => {
  const holding = (symbol: string) => ({ symbol, currency: 'USD', quantity: 10, averageCost: 100, costBasis: 1_000, realisedPnl: 0 });

  it('joins the ledger’s quantity and local cost, the valuation and the reference data; local P&L = value − cost', () => {
    const [row] = holdingRows([holding('A')], [valued('A', 1_200)], [{ symbol: 'A', name: 'Alpha', assetClass: 'EQUITY' }]);
    expect(row).toMatchObject({
      symbol: 'A',
      name: 'Alpha',
      assetClass: 'EQUITY',
      quantity: 10,
      averageCost: 100,
      costBasis: 1_000,
      price: 120,
      marketValue: 1_200,
      unrealisedPnl: 200,
      marketValueBase: 1_680,
      costBasisBase: 1_300,
    });
  });

  it('an unvalued holding keeps its ledger fields; an unknown security is UNKNOWN with no name', () => {
    const [row] = holdingRows([holding('B')], [valued('B', null)], []);
    expect(row).toMatchObject({ symbol: 'B', name: null, assetClass: 'UNKNOWN', quantity: 10, marketValue: null, unrealisedPnl: null });
  });
});
