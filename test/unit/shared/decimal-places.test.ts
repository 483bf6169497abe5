import { decimalPlaces } from '../../../src/shared/decimal-places';

describe('decimalPlaces', () => {
  it.each([
    [0, 0],
    [42, 0],
    [-5, 0],
    [0.1, 1],
    [0.29, 2],
    [190.5, 1],
    [12345.12345678, 8],
    [0.00000001, 8],
    [1.5e-7, 8],
    [1e-9, 9],
    [123456789.123456, 6],
    [1e21, 0],
    [1.25e21, 0],
    [0.1 + 0.2, 17],
  ])('%p has %p', (value, places) => {
    expect(decimalPlaces(value)).toBe(places);
  });

  it('refuses a value with no decimal form', () => {
    expect(() => decimalPlaces(Number.NaN)).toThrow(RangeError);
    expect(() => decimalPlaces(Infinity)).toThrow(RangeError);
  });
});
