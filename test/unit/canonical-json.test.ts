import { createHash } from 'node:crypto';
import { canonicalJson, contentHash, sha256Hex } from '../../src/shared/canonical-json';
import { computePackHash, packSources, type PackContent } from '../../src/packs/pack-hash';

describe('canonicalJson', () => {
  it('does not depend on key order, at any depth', () => {
    const a = { b: 1, a: { y: [1, { q: 1, p: 2 }], x: 'x' } };
    const b = { a: { x: 'x', y: [1, { p: 2, q: 1 }] }, b: 1 };
    expect(canonicalJson(a)).toBe(canonicalJson(b));
    expect(canonicalJson(a)).toBe('{"a":{"x":"x","y":[1,{"p":2,"q":1}]},"b":1}');
  });

  it('keeps array order, which is meaningful', () => {
    expect(canonicalJson([1, 2])).not.toBe(canonicalJson([2, 1]));
  });

  it('formats numbers the ECMAScript way (RFC 8785)', () => {
    expect(canonicalJson({ n: 1.0, m: 1e21, k: 0.000001, z: -0 })).toBe('{"k":0.000001,"m":1e+21,"n":1,"z":0}');
  });

  it('refuses non-finite numbers instead of silently writing null as JSON.stringify does', () => {
    expect(() => canonicalJson({ x: Number.NaN })).toThrow();
    expect(() => canonicalJson([Number.POSITIVE_INFINITY])).toThrow();
  });
});

describe('contentHash', () => {
  it('is sha256:<64 lowercase hex> of the canonical JSON', () => {
    const value = { b: [1, 2], a: 'x' };
    const hash = contentHash(value);
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(hash).toBe(`sha256:${createHash('sha256').update('{"a":"x","b":[1,2]}').digest('hex')}`);
    expect(sha256Hex('abc')).toBe('ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
  });

  it('is equal for equal values and different for different ones', () => {
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: '1' })).not.toBe(contentHash({ a: 1 }));
  });
});

describe('computePackHash', () => {
  const pack: PackContent = {
    date: '2026-03-02',
    policy: 'WM4PM_CAD',
    prices: [
      { symbol: 'AAPL', close: 231.5, currency: 'USD', source: 'Polygon' },
      { symbol: 'RY.TO', close: 142.31, currency: 'CAD', source: 'FMP' },
      { symbol: 'TD.TO', close: 80.02, currency: 'CAD', source: 'FMP' },
    ],
    fxRates: [
      { currency: 'EUR', rate: 1.47, source: 'FRED' },
      { currency: 'USD', rate: 1.3612, source: 'FRED' },
    ],
  };
  const hash = computePackHash(pack);

  it('has the content-hash form', () => {
    expect(hash).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('does not depend on the order of price or FX rows, nor on extra fields', () => {
    const shuffled: PackContent = {
      ...pack,
      prices: [pack.prices[2], pack.prices[0], pack.prices[1]],
      fxRates: [pack.fxRates[1], pack.fxRates[0]],
    };
    expect(computePackHash(shuffled)).toBe(hash);
    const withExtra = { ...pack, prices: pack.prices.map((p) => ({ ...p, note: 'ignored' })) };
    expect(computePackHash(withExtra)).toBe(hash);
  });

  it.each<[string, (p: PackContent) => PackContent]>([
    ['a close', (p) => ({ ...p, prices: p.prices.map((x, i) => (i === 1 ? { ...x, close: 142.32 } : x)) })],
    ['a price currency', (p) => ({ ...p, prices: p.prices.map((x, i) => (i === 0 ? { ...x, currency: 'EUR' } : x)) })],
    ['a price source', (p) => ({ ...p, prices: p.prices.map((x, i) => (i === 2 ? { ...x, source: 'Polygon' } : x)) })],
    ['a symbol', (p) => ({ ...p, prices: p.prices.map((x, i) => (i === 2 ? { ...x, symbol: 'BNS.TO' } : x)) })],
    ['an FX rate', (p) => ({ ...p, fxRates: p.fxRates.map((x, i) => (i === 1 ? { ...x, rate: 1.3613 } : x)) })],
    ['an FX source', (p) => ({ ...p, fxRates: p.fxRates.map((x, i) => (i === 0 ? { ...x, source: 'ECB' } : x)) })],
    ['the date', (p) => ({ ...p, date: '2026-03-03' })],
    ['the policy', (p) => ({ ...p, policy: 'WM4PM_USD' })],
    ['a dropped price', (p) => ({ ...p, prices: p.prices.slice(1) })],
    ['a dropped FX rate', (p) => ({ ...p, fxRates: p.fxRates.slice(1) })],
  ])('changes with %s', (_what, change) => {
    expect(computePackHash(change(pack))).not.toBe(hash);
  });

  it('lists the distinct sources of prices and FX, sorted', () => {
    expect(packSources(pack)).toEqual(['FMP', 'FRED', 'Polygon']);
  });
});
