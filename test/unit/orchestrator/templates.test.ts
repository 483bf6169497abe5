import { resolveTemplates, templateReferences, TemplateError, type Scope } from '../../../src/orchestrator/templates';

const scope: Scope = {
  inputs: { portfolioId: 'p-1', count: 3, enabled: false, zero: 0, tags: ['a', 'b'], nothing: null },
  state: {
    positions: { holdings: [{ symbol: 'AAPL', quantity: 10 }], cash: [] },
    twr: { totalReturn: 0.125, series: [0.01, -0.02] },
  },
  ctx: { asofDate: '2026-11-20', defaultStart: '2025-11-20', requireFresh: true },
};

describe('resolveTemplates: whole-value templates keep their type', () => {
  it('an object stays the same object value', () => {
    const out = resolveTemplates({ positions: '{{state.positions}}' }, scope) as Record<string, unknown>;
    expect(out.positions).toEqual({ holdings: [{ symbol: 'AAPL', quantity: 10 }], cash: [] });
    expect(typeof out.positions).toBe('object');
  });

  it('a number stays a number, an array an array, a boolean a boolean', () => {
    const out = resolveTemplates(
      { n: '{{inputs.count}}', arr: '{{state.twr.series}}', flag: '{{inputs.enabled}}', fresh: '{{ctx.requireFresh}}' },
      scope,
    ) as Record<string, unknown>;
    expect(out.n).toBe(3);
    expect(out.arr).toEqual([0.01, -0.02]);
    expect(Array.isArray(out.arr)).toBe(true);
    expect(out.flag).toBe(false);
    expect(out.fresh).toBe(true);
  });

  it('tolerates whitespace inside the braces', () => {
    expect(resolveTemplates('{{  inputs.count  }}', scope)).toBe(3);
  });

  it('indexes into arrays with [n]', () => {
    expect(resolveTemplates('{{state.positions.holdings[0].symbol}}', scope)).toBe('AAPL');
    expect(resolveTemplates('{{state.twr.series[1]}}', scope)).toBe(-0.02);
  });

  it('resolves templates nested in arrays and objects, leaving literals alone', () => {
    const out = resolveTemplates({ list: ['{{inputs.count}}', 7, 'plain', { d: '{{ctx.asofDate}}' }], lit: 42, nil: null }, scope);
    expect(out).toEqual({ list: [3, 7, 'plain', { d: '2026-11-20' }], lit: 42, nil: null });
  });
});

describe('resolveTemplates: interpolation inside strings', () => {
  it('renders templates within a longer string as text', () => {
    expect(resolveTemplates('portfolio {{inputs.portfolioId}} as of {{ctx.asofDate}}', scope)).toBe('portfolio p-1 as of 2026-11-20');
  });

  it('renders numbers, booleans and objects as text; missing and null as empty', () => {
    expect(resolveTemplates('n={{inputs.count}} b={{inputs.enabled}}', scope)).toBe('n=3 b=false');
    expect(resolveTemplates('tags={{inputs.tags}}', scope)).toBe('tags=["a","b"]');
    expect(resolveTemplates('x={{inputs.missing}}|y={{inputs.nothing}}', scope)).toBe('x=|y=');
  });
});

describe('resolveTemplates: ?? fallbacks', () => {
  it('takes the first value that is neither null nor undefined', () => {
    expect(resolveTemplates('{{inputs.start ?? ctx.defaultStart}}', scope)).toBe('2025-11-20');
    expect(resolveTemplates('{{inputs.nothing ?? inputs.missing ?? ctx.asofDate}}', scope)).toBe('2026-11-20');
    expect(resolveTemplates('{{inputs.portfolioId ?? ctx.asofDate}}', scope)).toBe('p-1');
  });

  it('keeps falsy but present values (0, false) instead of falling through', () => {
    expect(resolveTemplates('{{inputs.zero ?? inputs.count}}', scope)).toBe(0);
    expect(resolveTemplates('{{inputs.enabled ?? ctx.requireFresh}}', scope)).toBe(false);
  });

  it('is undefined when every alternative is missing', () => {
    expect(resolveTemplates('{{inputs.a ?? inputs.b}}', scope)).toBeUndefined();
  });

  it('keeps a null that nothing replaces: the member exists, without a value (an annualised return of a short period)', () => {
    expect(resolveTemplates('{{inputs.nothing}}', scope)).toBeNull();
    expect(resolveTemplates('{{inputs.missing ?? inputs.nothing}}', scope)).toBeNull();
    expect(resolveTemplates({ a: '{{inputs.nothing}}', b: '{{inputs.missing}}' }, scope)).toEqual({ a: null });
  });
});

describe('resolveTemplates: missing paths', () => {
  it('a missing path resolves to undefined', () => {
    expect(resolveTemplates('{{state.nope.value}}', scope)).toBeUndefined();
    expect(resolveTemplates('{{state.positions.holdings[5].symbol}}', scope)).toBeUndefined();
    // Walking through a primitive does not throw.
    expect(resolveTemplates('{{inputs.count.deeper}}', scope)).toBeUndefined();
  });

  it('drops the key from an object when its value is missing', () => {
    const out = resolveTemplates({ keep: '{{inputs.count}}', start: '{{inputs.start}}' }, scope) as Record<string, unknown>;
    expect(out).toEqual({ keep: 3 });
    expect(Object.prototype.hasOwnProperty.call(out, 'start')).toBe(false);
  });

  it('does not read inherited properties', () => {
    expect(resolveTemplates('{{inputs.constructor}}', scope)).toBeUndefined();
    expect(resolveTemplates('{{inputs.toString}}', scope)).toBeUndefined();
  });
});

describe('templateReferences', () => {
  it('finds every reference, including each alternative of ??, in nested values', () => {
    const refs = templateReferences({
      a: '{{inputs.portfolioId}}',
      b: ['x {{state.positions.holdings}} y {{ctx.asofDate}}'],
      c: { d: '{{inputs.start ?? ctx.defaultStart}}' },
      e: 12,
      f: null,
    });
    expect(refs.map((r) => ({ root: r.root, segments: r.segments, text: r.text }))).toEqual([
      { root: 'inputs', segments: ['portfolioId'], text: 'inputs.portfolioId' },
      { root: 'state', segments: ['positions', 'holdings'], text: 'state.positions.holdings' },
      { root: 'ctx', segments: ['asofDate'], text: 'ctx.asofDate' },
      { root: 'inputs', segments: ['start'], text: 'inputs.start' },
      { root: 'ctx', segments: ['defaultStart'], text: 'ctx.defaultStart' },
    ]);
  });

  it('splits index segments', () => {
    expect(templateReferences('{{state.a.items[2].name}}')[0].segments).toEqual(['a', 'items', '2', 'name']);
  });

  it('finds nothing in plain JSON', () => {
    expect(templateReferences({ a: 'no templates', b: [1, true, null] })).toEqual([]);
  });
});

describe('malformed templates throw TemplateError', () => {
  it.each([
    ['unknown root', '{{foo.bar}}'],
    ['empty segment', '{{inputs..x}}'],
    ['trailing dot', '{{inputs.x.}}'],
    ['empty fallback', '{{inputs.x ?? }}'],
    ['blank template', '{{ }}'],
    ['segment starting with a digit', '{{state.1abc}}'],
  ])('%s: %s', (_label, text) => {
    expect(() => templateReferences({ arg: text })).toThrow(TemplateError);
    expect(() => resolveTemplates(text, scope)).toThrow(TemplateError);
  });

  it('names the bad expression in the message', () => {
    expect(() => templateReferences('{{foo.bar}}')).toThrow(/foo\.bar/);
  });
});
