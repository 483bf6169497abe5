import type { PackContent } from '../../src/packs/pack-hash';
import { baseCurrencyOf, validatePackContent } from '../../src/packs/pack-input';
import { AppError } from '../../src/shared/errors';

function validPack(): PackContent {
  return {
    date: '2026-03-02',
    policy: 'WM4PM_CAD',
    prices: [
      { symbol: 'RY.TO', close: 142.31, currency: 'CAD', source: 'FMP' },
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
    ],
    fxRates: [{ currency: 'USD', rate: 1.3612, source: 'FRED' }],
  };
}

/** The AppError validatePackContent throws for this pack (fails the test if it does not throw one). */
function rejectionOf(pack: PackContent, today?: string): AppError {
  try {
    validatePackContent(pack, today);
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    return error as AppError;
  }
  throw new Error('expected the pack to be rejected');
}

function rejectedPaths(pack: PackContent): string[] {
  const error = rejectionOf(pack);
  expect(error.code).toBe('BAD_USER_INPUT');
  return error.extensions.path as string[];
}

function withChanges(change: (pack: PackContent) => void): PackContent {
  const pack = validPack();
  change(pack);
  return pack;
}

describe('validatePackContent', () => {
  it('returns a valid pack unchanged', () => {
    const pack = validPack();
    expect(validatePackContent(pack)).toEqual(validPack());
  });

  it('accepts a base-currency-only pack without FX rows', () => {
    const pack = withChanges((p) => {
      p.prices = [p.prices[0]];
      p.fxRates = [];
    });
    expect(() => validatePackContent(pack)).not.toThrow();
  });

  it('reports each problem as an issue with a path and a message', () => {
    const error = rejectionOf(withChanges((p) => (p.prices[1].close = 0)));
    expect(error.extensions.issues).toEqual([{ path: 'prices.1.close', message: expect.any(String) }]);
    expect(error.extensions.path).toEqual(['prices.1.close']);
  });

  describe('date', () => {
    it.each(['2026-02-30', '2026-13-01', '26-03-02', '2026-3-2', '2026-03-02T00:00:00Z', ''])('rejects %p', (date) => {
      expect(rejectedPaths(withChanges((p) => (p.date = date)))).toEqual(['date']);
    });

    it('accepts a leap day', () => {
      expect(() =>
        validatePackContent(
          withChanges((p) => (p.date = '2028-02-29')),
          '2028-03-01',
        ),
      ).not.toThrow();
    });

    it('accepts 1900-01-01 through today (UTC) plus one day, and nothing outside', () => {
      const on = (date: string) => withChanges((p) => (p.date = date));
      expect(() => validatePackContent(on('1900-01-01'), '2031-05-01')).not.toThrow();
      expect(() => validatePackContent(on('2031-05-02'), '2031-05-01')).not.toThrow();
      expect(rejectionOf(on('1899-12-31'), '2031-05-01').extensions.issues).toEqual([
        { path: 'date', message: 'must be a calendar date YYYY-MM-DD in the years 1900–9999' },
      ]);
      for (const date of ['2031-05-03', '2099-01-01']) {
        const error = rejectionOf(on(date), '2031-05-01');
        expect(error.extensions.path).toEqual(['date']);
        expect(error.extensions.issues).toEqual([
          { path: 'date', message: 'must be from 1900-01-01 through 2031-05-02 (today, UTC, plus 1 day)' },
        ]);
      }
    });
  });

  describe('policy', () => {
    it.each(['WM4PM', 'wm4pm_cad', 'WM4PM_CA', 'WM4PM-CAD', '_CAD', 'WM4PM__CAD', ''])('rejects %p', (policy) => {
      const p = withChanges((pack) => {
        pack.policy = policy;
        pack.prices = [pack.prices[0]];
        pack.fxRates = [];
      });
      expect(rejectedPaths(p)).toEqual(['policy']);
    });

    it('refuses a policy over 64 characters (it names the pack, and travels in every pack NOTIFY)', () => {
      const p = withChanges((pack) => (pack.policy = `${'P'.repeat(3996)}_CAD`));
      expect(rejectionOf(p).extensions.issues).toEqual([{ path: 'policy', message: 'at most 64 characters' }]);
      expect(() => validatePackContent(withChanges((pack) => (pack.policy = `${'P'.repeat(60)}_CAD`)))).not.toThrow();
    });

    it('takes the base currency from the end of the policy', () => {
      expect(baseCurrencyOf('WM4PM_CAD')).toBe('CAD');
      expect(baseCurrencyOf('EOD_LDN_GBP')).toBe('GBP');
      expect(() => baseCurrencyOf('CAD')).toThrow(expect.objectContaining({ code: 'BAD_USER_INPUT' }));
    });

    it('checks FX coverage against the base currency the policy names', () => {
      // In a USD pack the USD price needs no rate, but the CAD price does, and USD may not have one.
      const usdPack = withChanges((p) => (p.policy = 'WM4PM_USD'));
      expect(rejectedPaths(usdPack).sort()).toEqual(['fxRates.0.currency', 'prices.0.currency']);
    });
  });

  describe('prices', () => {
    it('rejects a pack without prices', () => {
      expect(rejectedPaths(withChanges((p) => (p.prices = [])))).toEqual(['prices']);
    });

    it('rejects a symbol listed twice, at the second occurrence', () => {
      const pack = withChanges((p) => p.prices.push({ ...p.prices[0], close: 143 }));
      expect(rejectedPaths(pack)).toEqual(['prices.2.symbol']);
    });

    it.each(['', 'RY TO', 'A'.repeat(33), 'ÄPFEL'])('rejects the symbol %p', (symbol) => {
      expect(rejectedPaths(withChanges((p) => (p.prices[0].symbol = symbol)))).toEqual(['prices.0.symbol']);
    });

    it.each([0, -1, Number.NaN, Number.POSITIVE_INFINITY, 1.000001e12, Number.MAX_VALUE])('rejects the close %p', (close) => {
      expect(rejectedPaths(withChanges((p) => (p.prices[1].close = close)))).toEqual(['prices.1.close']);
    });

    it('accepts a close up to 1e12', () => {
      expect(() => validatePackContent(withChanges((p) => (p.prices[1].close = 1e12)))).not.toThrow();
    });

    it.each(['usd', 'US', 'USDT', '$'])('rejects the currency %p', (currency) => {
      expect(rejectedPaths(withChanges((p) => (p.prices[1].currency = currency)))).toEqual(['prices.1.currency']);
    });

    it('rejects a price in a currency with no FX rate to the base currency', () => {
      const pack = withChanges((p) => p.prices.push({ symbol: 'SAP.DE', close: 250, currency: 'EUR', source: 'FMP' }));
      const error = rejectionOf(pack);
      expect(error.extensions.path).toEqual(['prices.2.currency']);
      expect(JSON.stringify(error.extensions.issues)).toMatch(/EUR.*CAD/);
    });

    it('rejects an invalid source name', () => {
      expect(rejectedPaths(withChanges((p) => (p.prices[0].source = 'FMP; DROP TABLE')))).toEqual(['prices.0.source']);
    });
  });

  describe('FX rates', () => {
    it('rejects a currency listed twice, at the second occurrence', () => {
      const pack = withChanges((p) => p.fxRates.push({ currency: 'USD', rate: 1.37, source: 'FRED' }));
      expect(rejectedPaths(pack)).toEqual(['fxRates.1.currency']);
    });

    it('rejects a rate for the base currency itself', () => {
      const pack = withChanges((p) => p.fxRates.push({ currency: 'CAD', rate: 1, source: 'FRED' }));
      expect(rejectedPaths(pack)).toEqual(['fxRates.1.currency']);
    });

    it.each(['usd', 'EURO'])('rejects the currency %p', (currency) => {
      const pack = withChanges((p) => p.fxRates.push({ currency, rate: 1.5, source: 'FRED' }));
      expect(rejectedPaths(pack)).toEqual(['fxRates.1.currency']);
    });

    it.each([0, -1.36, Number.NaN, 1.000001e12, Number.MAX_VALUE])('rejects the rate %p', (rate) => {
      expect(rejectedPaths(withChanges((p) => (p.fxRates[0].rate = rate)))).toEqual(['fxRates.0.rate']);
    });
  });

  it('reports every problem at once', () => {
    const pack: PackContent = {
      date: '2026-02-30',
      policy: 'WM4PM_CAD',
      prices: [
        { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
        { symbol: 'AAPL', close: -1, currency: 'usd', source: 'Polygon' },
        { symbol: 'SAP.DE', close: 250, currency: 'EUR', source: 'FMP' },
      ],
      fxRates: [
        { currency: 'USD', rate: 1.36, source: 'FRED' },
        { currency: 'USD', rate: 1.37, source: 'FRED' },
        { currency: 'CAD', rate: 0, source: 'FRED' },
      ],
    };
    const error = rejectionOf(pack);
    expect(error.code).toBe('BAD_USER_INPUT');
    expect([...(error.extensions.path as string[])].sort()).toEqual(
      [
        'date',
        'prices.1.symbol',
        'prices.1.close',
        'prices.1.currency',
        'prices.2.currency',
        'fxRates.1.currency',
        'fxRates.2.currency',
        'fxRates.2.rate',
      ].sort(),
    );
    expect(error.extensions.issues).toHaveLength(8);
  });
});
