import { createHash } from 'node:crypto';
import { confidenceOf, envelope, RESULT_DECIMALS, roundResult } from '../../../src/execution/result-envelope';

describe('roundResult', () => {
  it('rounds every number to 8 decimals, at any depth', () => {
    expect(RESULT_DECIMALS).toBe(8);
    expect(roundResult(0.123456789)).toBe(0.12345679);
    expect(roundResult(0.1 + 0.2)).toBe(0.3);
    expect(roundResult({ a: [1.000000004, { b: 2.999999996 }], c: 'text', d: true, e: null })).toEqual({
      a: [1, { b: 3 }],
      c: 'text',
      d: true,
      e: null,
    });
    expect(roundResult(-0.123456789)).toBe(-0.12345679);
    expect(roundResult(12345.6789)).toBe(12345.6789);
  });

  it('turns −0 (also from rounding a tiny negative) into 0', () => {
    expect(Object.is(roundResult(-0), 0)).toBe(true);
    expect(Object.is(roundResult(-1e-12), 0)).toBe(true);
    expect(Object.is((roundResult({ x: [-0] }) as { x: number[] }).x[0], 0)).toBe(true);
  });

  it('turns NaN and ±Infinity into null', () => {
    expect(roundResult({ a: Number.NaN, b: Number.POSITIVE_INFINITY, c: [Number.NEGATIVE_INFINITY] })).toEqual({
      a: null,
      b: null,
      c: [null],
    });
  });

  it('drops undefined object values', () => {
    expect(roundResult({ a: undefined, b: 1 })).toEqual({ b: 1 });
    expect(Object.keys(roundResult({ a: undefined, b: 1 }) as object)).toEqual(['b']);
  });
});

describe('envelope', () => {
  it('canonical JSON: sorted keys, rounded numbers, no whitespace', () => {
    const e = envelope({ z: 1, a: { y: 0.1 + 0.2, b: [3, 2, 1] }, m: Number.NaN });
    expect(e.canonical).toBe('{"a":{"b":[3,2,1],"y":0.3},"m":null,"z":1}');
    expect(e.result).toEqual({ z: 1, a: { y: 0.3, b: [3, 2, 1] }, m: null });
  });

  it('sha256 is "sha256:<64 hex>" of the canonical text', () => {
    const e = envelope({ b: 2, a: 1 });
    expect(e.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(e.sha256).toBe(`sha256:${createHash('sha256').update('{"a":1,"b":2}').digest('hex')}`);
  });

  it('key order does not change the hash', () => {
    const a = envelope({ portfolioId: 'p', twr: { totalReturn: 0.1, annualizedReturn: 0.05 }, positions: [{ symbol: 'A', quantity: 1 }] });
    const b = envelope({ positions: [{ quantity: 1, symbol: 'A' }], twr: { annualizedReturn: 0.05, totalReturn: 0.1 }, portfolioId: 'p' });
    expect(b.sha256).toBe(a.sha256);
    expect(b.canonical).toBe(a.canonical);
  });

  it('array order does change the hash', () => {
    expect(envelope([1, 2]).sha256).not.toBe(envelope([2, 1]).sha256);
  });

  it('noise below 1e-9 does not change the hash; a change of 1e-7 does', () => {
    const base = envelope({ value: 1234.5, rate: 0.25 }).sha256;
    expect(envelope({ value: 1234.5 + 1e-10, rate: 0.25 - 4e-10 }).sha256).toBe(base);
    expect(envelope({ value: 1234.5 + 9e-10, rate: 0.25 }).sha256).toBe(base);
    expect(envelope({ value: 1234.5 + 1e-7, rate: 0.25 }).sha256).not.toBe(base);
    expect(envelope({ value: 1234.5, rate: 0.25 - 1e-7 }).sha256).not.toBe(base);
  });

  it('−0 and 0 hash the same; NaN and null hash the same', () => {
    expect(envelope({ x: -0 }).sha256).toBe(envelope({ x: 0 }).sha256);
    expect(envelope({ x: Number.NaN }).sha256).toBe(envelope({ x: null }).sha256);
  });

  it('is deterministic', () => {
    const value = { a: [0.1, 0.2, 0.30000000000000004], b: { c: 'x' } };
    expect(envelope(value)).toEqual(envelope(structuredClone(value)));
  });

  it('a very large finite number survives rounding (no overflow to Infinity)', () => {
    expect(Number.isFinite(roundResult(1e301))).toBe(true);
    expect(() => envelope({ x: 1e301 })).not.toThrow();
  });
});

describe('confidenceOf', () => {
  const base = { status: 'SUCCESS' as const, provenance: [1, 1], warnings: 0, packIsFresh: true };

  it('a complete result on fresh, complete data → 1; no provenance counts as 1', () => {
    expect(confidenceOf(base)).toBe(1);
    expect(confidenceOf({ ...base, provenance: [] })).toBe(1);
  });

  it('FAILED → 0, whatever else', () => {
    expect(confidenceOf({ ...base, status: 'FAILED' })).toBe(0);
    expect(confidenceOf({ status: 'FAILED', provenance: [], warnings: 0, packIsFresh: true })).toBe(0);
  });

  it('takes the minimum provenance confidence', () => {
    expect(confidenceOf({ ...base, provenance: [0.9, 0.6, 1] })).toBe(0.6);
  });

  it('each penalty on its own: PARTIAL 0.7, unfresh pack 0.8, 0.95 per warning', () => {
    expect(confidenceOf({ ...base, status: 'PARTIAL' })).toBeCloseTo(0.7, 4);
    expect(confidenceOf({ ...base, packIsFresh: false })).toBeCloseTo(0.8, 4);
    expect(confidenceOf({ ...base, warnings: 1 })).toBeCloseTo(0.95, 4);
    expect(confidenceOf({ ...base, warnings: 3 })).toBeCloseTo(0.95 ** 3, 4);
  });

  it('penalties multiply, together with the provenance minimum', () => {
    expect(confidenceOf({ status: 'PARTIAL', provenance: [0.9, 0.5], warnings: 2, packIsFresh: false })).toBeCloseTo(
      0.5 * 0.7 * 0.8 * 0.95 ** 2,
      4,
    );
    expect(confidenceOf({ status: 'PARTIAL', provenance: [1], warnings: 1, packIsFresh: false })).toBeCloseTo(0.7 * 0.8 * 0.95, 4);
  });

  it('is monotone: more warnings never raise confidence', () => {
    let previous = 1;
    for (let warnings = 0; warnings <= 30; warnings++) {
      const c = confidenceOf({ ...base, warnings });
      expect(c).toBeLessThanOrEqual(previous);
      previous = c;
    }
    expect(previous).toBeGreaterThanOrEqual(0);
  });

  it('is clamped to [0, 1] even when a source reports out-of-range confidence', () => {
    expect(confidenceOf({ ...base, provenance: [1.7] })).toBe(1);
    expect(confidenceOf({ ...base, provenance: [-0.3, 0.9] })).toBe(0);
  });

  it('is rounded to 4 decimals', () => {
    const c = confidenceOf({ ...base, warnings: 5 });
    expect(c).toBe(Math.round(0.95 ** 5 * 1e4) / 1e4);
  });
});
