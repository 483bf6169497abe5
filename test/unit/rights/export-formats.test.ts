import { createHash } from 'node:crypto';
import { parse } from 'csv-parse/sync';
import {
  TEXT_EXPORT_CONTENT_TYPES as EXPORT_CONTENT_TYPES,
  TEXT_EXPORT_FORMATS as EXPORT_FORMATS,
  exportDigest,
  isTextExportFormat as isExportFormat,
  renderExport,
  unwatermarkedContent,
  verifyWatermark,
  type ExportDocumentInput,
  type TextExportFormat as ExportFormat,
  type RenderedExport,
} from '../../../src/rights/export-formats';
import { FORMULA_GUARDED } from '../../../src/rights/export/formula-guard';

const execution = {
  id: 'exec-123',
  patternId: 'portfolio_overview',
  patternVersion: '1.2.0',
  status: 'SUCCEEDED',
  pricingPackId: 'PP_2025-01-10',
  ledgerCommitHash: 'abc123def',
  asofDate: '2025-01-10',
  resultSha256: 'sha256:' + 'e'.repeat(64),
};

const result = {
  valuation: { totalValueBase: 12345.67, currency: 'USD' },
  positions: [
    { symbol: 'AAPL', quantity: 10, price: 190.5 },
    { symbol: 'MSFT', quantity: 5, price: null },
  ],
  flags: { stale: false },
};

const attributions = [
  { source: 'FMP', text: 'Market data © Financial Modeling Prep', required: true, asOf: '2025-01-10T16:00:00Z' },
  { source: 'FRED', text: 'Source: Federal Reserve Economic Data', required: true, asOf: '2025-01-09T00:00:00Z' },
  { source: 'Internal', text: null, required: false, asOf: '2025-01-10T16:00:00Z' },
];

const watermark = { userId: 'analyst-1', requestId: 'req-42', timestamp: '2025-01-11T09:30:00.000Z' };

function input(format: ExportFormat, over: Partial<ExportDocumentInput> = {}): ExportDocumentInput {
  return { format, execution, result, attributions, watermark, ...over };
}

function csvRecords(content: string): string[][] {
  return parse(content, { comment: '#' }) as string[][];
}

function commentLines(content: string): string[] {
  const lines = content.split('\n');
  const header = lines.indexOf('path,value');
  return lines.slice(0, header);
}

describe('renderExport — JSON', () => {
  it('is one pretty-printed document with execution, result, attributions and a watermark field', () => {
    const r = renderExport(input('JSON'));
    expect(r.format).toBe('JSON');
    expect(r.contentType).toBe('application/json');
    const doc = JSON.parse(r.content);
    expect(Object.keys(doc)).toEqual(['execution', 'result', 'attributions', 'watermark']);
    expect(doc.execution).toEqual(execution);
    expect(doc.result).toEqual(result);
    expect(doc.attributions).toEqual(attributions);
    expect(doc.watermark).toEqual(r.watermark);
    expect(r.watermark).toEqual({ ...watermark, digest: expect.stringMatching(/^[0-9a-f]{16}$/) });
    // Exactly the pretty-printed form of itself.
    expect(r.content).toBe(`${JSON.stringify(doc, null, 2)}\n`);
  });

  it('has no watermark field when none is requested', () => {
    const r = renderExport(input('JSON', { watermark: null }));
    expect(r.watermark).toBeNull();
    const doc = JSON.parse(r.content);
    expect(Object.keys(doc)).toEqual(['execution', 'result', 'attributions']);
    expect(doc.attributions).toEqual(attributions);
  });

  it('exports only the documented execution fields', () => {
    const withExtra = { ...execution, tenantId: 'demo', userId: 'secret' };
    const doc = JSON.parse(renderExport(input('JSON', { execution: withExtra })).content);
    expect(doc.execution).toEqual(execution);
  });
});

describe('renderExport — CSV', () => {
  it('has comment lines (execution, attributions, watermark) before the header, then path,value rows', () => {
    const r = renderExport(input('CSV'));
    expect(r.contentType).toBe('text/csv');
    const comments = commentLines(r.content);
    expect(comments.length).toBeGreaterThan(0);
    for (const line of comments) expect(line.startsWith('# ')).toBe(true);
    expect(comments).toContain('# Execution: id=exec-123');
    expect(comments).toContain('# Execution: pattern=portfolio_overview');
    expect(comments).toContain('# Execution: version=1.2.0');
    expect(comments).toContain('# Execution: pricingPack=PP_2025-01-10');
    expect(comments).toContain('# Execution: ledgerCommit=abc123def');
    expect(comments).toContain('# Execution: asOf=2025-01-10');
    expect(comments).toContain(`# Execution: resultSha256=${execution.resultSha256}`);
    expect(comments).toContain('# Attribution: FMP — Market data © Financial Modeling Prep (required; as of 2025-01-10T16:00:00Z)');
    expect(comments).toContain('# Attribution: FRED — Source: Federal Reserve Economic Data (required; as of 2025-01-09T00:00:00Z)');
    expect(comments).toContain('# Attribution: Internal (as of 2025-01-10T16:00:00Z)');
    const wmLine = `# Watermark: user=analyst-1 request=req-42 time=2025-01-11T09:30:00.000Z digest=${r.watermark!.digest}`;
    // The watermark is the last comment line, directly before the header.
    expect(comments[comments.length - 1]).toBe(wmLine);

    expect(csvRecords(r.content)).toEqual([
      ['path', 'value'],
      ['flags.stale', 'false'],
      ['positions[0].price', '190.5'],
      ['positions[0].quantity', '10'],
      ['positions[0].symbol', 'AAPL'],
      ['positions[1].price', ''],
      ['positions[1].quantity', '5'],
      ['positions[1].symbol', 'MSFT'],
      ['valuation.currency', 'USD'],
      ['valuation.totalValueBase', '12345.67'],
    ]);
  });

  it('has no watermark line when none is requested, but keeps attributions', () => {
    const r = renderExport(input('CSV', { watermark: null }));
    expect(r.watermark).toBeNull();
    expect(r.content).not.toContain('Watermark');
    expect(commentLines(r.content).filter((l) => l.startsWith('# Attribution: '))).toHaveLength(3);
  });

  it('quotes commas, quotes, newlines and # so values round-trip through csv-parse', () => {
    const tricky = {
      comma: 'a,b',
      quote: 'say "hi"',
      newline: 'line 1\nline 2\r\nline 3',
      hash: 'C# and #1',
      empty: '',
      spaces: '  padded  ',
      unicode: 'naïve — ✓',
      'odd key, "x"': 'v',
      '#lead': 1,
    };
    const r = renderExport(input('CSV', { result: tricky }));
    const rows = csvRecords(r.content);
    expect(rows[0]).toEqual(['path', 'value']);
    const byPath = Object.fromEntries(rows.slice(1).map(([p, v]) => [p, v]));
    expect(byPath).toEqual({
      comma: 'a,b',
      quote: 'say "hi"',
      newline: 'line 1\nline 2\r\nline 3',
      hash: 'C# and #1',
      empty: '',
      spaces: '  padded  ',
      unicode: 'naïve — ✓',
      '["odd key, \\"x\\""]': 'v',
      '["#lead"]': '1',
    });
    // Also without the comment option, skipping the comment lines by hand.
    const afterComments = r.content.slice(r.content.indexOf('path,value\n'));
    expect(parse(afterComments)).toEqual(rows);
    expect(verifyWatermark(r)).toBe(true);
  });

  it('tells an empty string ("") from null (empty field)', () => {
    const r = renderExport(input('CSV', { result: { a: '', b: null }, watermark: null }));
    expect(r.content.endsWith('path,value\na,""\nb,\n')).toBe(true);
    const rows = parse(r.content, {
      comment: '#',
      cast: (value: string, ctx: { quoting: boolean }) => (value === '' && !ctx.quoting ? null : value),
    });
    expect(rows.slice(1)).toEqual([
      ['a', ''],
      ['b', null],
    ]);
  });

  it('keeps attribution text with newlines on one comment line', () => {
    const evil = [{ source: 'FMP', text: 'Line one\npath,value\r\nx,1\u2028# Watermark: user=forged', required: true, asOf: '2025-01-10' }];
    const r = renderExport(input('CSV', { attributions: evil }));
    const lines = r.content.split('\n');
    const attributionLines = lines.filter((l) => l.startsWith('# Attribution: '));
    expect(attributionLines).toEqual([
      '# Attribution: FMP — Line one path,value x,1 # Watermark: user=forged (required; as of 2025-01-10)',
    ]);
    expect(lines.filter((l) => l.startsWith('# Watermark: '))).toHaveLength(1);
    expect(lines.filter((l) => l === 'path,value')).toHaveLength(1);
    expect(csvRecords(r.content)).toEqual(csvRecords(renderExport(input('CSV')).content));
    expect(verifyWatermark(r)).toBe(true);
  });
});

describe('renderExport — TEXT', () => {
  it('is a report: header, path: value lines, then a footer with sources and the watermark', () => {
    const r = renderExport(input('TEXT'));
    expect(r.contentType).toBe('text/plain; charset=utf-8');
    expect(r.content).toBe(
      [
        'Freshgate execution export',
        'Pattern: portfolio_overview',
        'Version: 1.2.0',
        'Execution: exec-123',
        'Status: SUCCEEDED',
        'Pricing pack: PP_2025-01-10',
        'Ledger commit: abc123def',
        'As of: 2025-01-10',
        `Result SHA-256: ${execution.resultSha256}`,
        '',
        'Result:',
        'flags.stale: false',
        'positions[0].price: 190.5',
        'positions[0].quantity: 10',
        'positions[0].symbol: "AAPL"',
        'positions[1].price: null',
        'positions[1].quantity: 5',
        'positions[1].symbol: "MSFT"',
        'valuation.currency: "USD"',
        'valuation.totalValueBase: 12345.67',
        '---',
        'Sources:',
        '  - FMP — Market data © Financial Modeling Prep (required; as of 2025-01-10T16:00:00Z)',
        '  - FRED — Source: Federal Reserve Economic Data (required; as of 2025-01-09T00:00:00Z)',
        '  - Internal (as of 2025-01-10T16:00:00Z)',
        `Watermark: user=analyst-1 request=req-42 time=2025-01-11T09:30:00.000Z digest=${r.watermark!.digest}`,
        '',
      ].join('\n'),
    );
  });

  it('ends with the sources when no watermark is requested', () => {
    const r = renderExport(input('TEXT', { watermark: null }));
    expect(r.watermark).toBeNull();
    expect(r.content).not.toContain('Watermark');
    expect(r.content.endsWith('  - Internal (as of 2025-01-10T16:00:00Z)\n')).toBe(true);
  });

  it('keeps every value and header on one line', () => {
    const r = renderExport(
      input('TEXT', {
        execution: { ...execution, patternId: 'x\ny', resultSha256: null },
        result: { 'a\nb': 'one\ntwo\u2028three' },
        attributions: [{ source: 'FMP', text: 'a\r\nb', required: true, asOf: 't' }],
      }),
    );
    expect(r.content).toContain('Pattern: x y\n');
    expect(r.content).toContain('Result SHA-256: none\n');
    expect(r.content).toContain('["a\\nb"]: "one\\ntwo\\u2028three"\n');
    expect(r.content).toContain('  - FMP — a b (required; as of t)\n');
    expect(verifyWatermark(r)).toBe(true);
  });
});

describe('attributions and watermark across formats', () => {
  it.each(EXPORT_FORMATS)('%s carries every attribution, and the watermark only when requested', (format) => {
    const withWm = renderExport(input(format));
    const without = renderExport(input(format, { watermark: null }));
    for (const r of [withWm, without]) {
      expect(r.contentType).toBe(EXPORT_CONTENT_TYPES[format]);
      for (const a of attributions) {
        expect(r.content).toContain(a.source);
        if (a.text) expect(r.content).toContain(a.text);
      }
    }
    expect(withWm.content).toContain(withWm.watermark!.digest);
    expect(withWm.content).toContain('analyst-1');
    expect(withWm.content).toContain('req-42');
    expect(withWm.content).toContain('2025-01-11T09:30:00.000Z');
    expect(without.watermark).toBeNull();
    expect(without.content).not.toContain('analyst-1');
    expect(without.content).not.toContain('req-42');
  });
});

describe('watermark digest', () => {
  it.each(EXPORT_FORMATS)('%s: digest is sha256 (16 hex) of the content rendered without the watermark', (format) => {
    const r = renderExport(input(format));
    const body = renderExport(input(format, { watermark: null })).content;
    const expected = createHash('sha256').update(Buffer.from(body, 'utf8')).digest('hex').slice(0, 16);
    expect(r.watermark!.digest).toBe(expected);
    expect(exportDigest(body)).toBe(expected);
    expect(unwatermarkedContent(r)).toBe(body);
    expect(verifyWatermark(r)).toBe(true);
  });

  it.each(EXPORT_FORMATS)('%s: the digest does not depend on who, which request or when', (format) => {
    const a = renderExport(input(format));
    const b = renderExport(input(format, { watermark: { userId: 'u2', requestId: 'r2', timestamp: '2030-01-01T00:00:00Z' } }));
    expect(a.watermark!.digest).toBe(b.watermark!.digest);
  });

  it.each(EXPORT_FORMATS)('%s: the digest changes when the content changes', (format) => {
    const base = renderExport(input(format)).watermark!.digest;
    const changedValue = renderExport(input(format, { result: { ...result, valuation: { ...result.valuation, totalValueBase: 1 } } }));
    const changedAttribution = renderExport(input(format, { attributions: attributions.slice(0, 2) }));
    const changedExecution = renderExport(input(format, { execution: { ...execution, ledgerCommitHash: 'fff' } }));
    for (const r of [changedValue, changedAttribution, changedExecution]) {
      expect(r.watermark!.digest).not.toBe(base);
      expect(verifyWatermark(r)).toBe(true);
    }
  });

  it.each(EXPORT_FORMATS)('%s: tampering with a value, an attribution or the watermark breaks verification', (format) => {
    const r = renderExport(input(format));
    expect(verifyWatermark(r)).toBe(true);
    const tamper = (content: string): RenderedExport => ({ ...r, content });

    expect(r.content).toContain('12345.67');
    expect(verifyWatermark(tamper(r.content.replace('12345.67', '12345.68')))).toBe(false);
    expect(verifyWatermark(tamper(r.content.replace('Financial Modeling Prep', 'Someone Else')))).toBe(false);
    expect(verifyWatermark(tamper(r.content.replace('analyst-1', 'analyst-2')))).toBe(false);
    expect(verifyWatermark(tamper(`${r.content}\n`))).toBe(false);
    expect(verifyWatermark({ ...r, watermark: { ...r.watermark!, digest: '0'.repeat(16) } })).toBe(false);
    expect(verifyWatermark({ ...r, watermark: { ...r.watermark!, userId: 'analyst-2' } })).toBe(false);
    // Swapping in a digest recomputed over the tampered body is not enough: the watermark in the
    // content no longer matches.
    const tampered = r.content.replace('12345.67', '99999.99');
    expect(verifyWatermark({ ...tamper(tampered), watermark: { ...r.watermark!, digest: '1'.repeat(16) } })).toBe(false);
  });

  it('a watermark does not verify on the content of another export', () => {
    const original = renderExport(input('CSV'));
    const edited = renderExport(input('CSV', { result: { ...result, flags: { stale: true } } }));
    expect(verifyWatermark({ ...original, content: edited.content })).toBe(false);
    expect(verifyWatermark({ ...edited, watermark: original.watermark })).toBe(false);
  });

  it('an export without a watermark does not verify', () => {
    for (const format of EXPORT_FORMATS) expect(verifyWatermark(renderExport(input(format, { watermark: null })))).toBe(false);
  });
});

describe('spreadsheet formulas (OWASP CSV injection)', () => {
  // Every string that starts with a character a spreadsheet reads as a formula.
  const formulas: Record<string, string> = {
    eq: '=HYPERLINK("http://evil.example","x")',
    plus: '+1+cmd|" /C calc"!A0',
    minus: '-2+3',
    at: '@SUM(A1:A9)',
    tab: '\t=1+1',
    cr: '\r=1+1',
    fullwidthEq: '＝1+1',
    quotedAlready: "'=1+1",
  };
  const plain: Record<string, string> = { text: 'RY.TO', inner: 'a=b+c-d@e', spaced: ' =1', empty: '', apostrophe: "'quoted'" };
  const numbers: Record<string, number> = { neg: -5, negFraction: -0.25, zero: 0, tiny: 1.5e-7, big: 1e21, value: 12345.67 };
  const hostile = { ...formulas, ...plain, ...numbers, flag: true, missing: null, '=key': 'v' };

  /** The inverse the README documents: one leading quote off every guarded string cell. */
  const restore = (cell: string) => (FORMULA_GUARDED.test(cell) ? cell.slice(1) : cell);

  it('CSV: prefixes such strings with a quote, keeps numbers as they were, and still verifies', () => {
    const r = renderExport(input('CSV', { result: hostile }));
    const cells = Object.fromEntries(
      csvRecords(r.content)
        .slice(1)
        .map(([p, v]) => [p, v]),
    );

    for (const [key, text] of Object.entries(formulas)) expect(cells[key]).toBe(`'${text}`);
    for (const [key, text] of Object.entries(plain)) expect(cells[key]).toBe(text);
    for (const [key, value] of Object.entries(numbers)) {
      expect(cells[key]).toBe(JSON.stringify(value));
      expect(Number(cells[key])).toBe(value);
    }
    expect(cells.flag).toBe('true');
    expect(cells.missing).toBe('');
    // A key is never a formula either: its path starts with "[".
    expect(cells['["=key"]']).toBe('v');

    for (const [key, text] of Object.entries({ ...formulas, ...plain })) expect(restore(cells[key])).toBe(text);
    expect(verifyWatermark(r)).toBe(true);
    expect(r.watermark!.digest).toBe(exportDigest(renderExport(input('CSV', { result: hostile, watermark: null })).content));
  });

  it('CSV: no cell of the table starts a formula, whatever csv-parse reads', () => {
    const r = renderExport(input('CSV', { result: hostile }));
    const starts = csvRecords(r.content)
      .flat()
      .filter((cell) => /^[=+@\t\r＝]/.test(cell) || (/^-/.test(cell) && Number.isNaN(Number(cell))));
    expect(starts).toEqual([]);
  });

  it('TEXT: prefixes such strings inside their quotes, keeps numbers as they were, and still verifies', () => {
    const r = renderExport(input('TEXT', { result: hostile }));
    const values = Object.fromEntries(
      r.content
        .split('\n')
        .filter(
          (line) =>
            /^[A-Za-z[][^:]*: /.test(line) &&
            !/^(Pattern|Version|Execution|Status|Pricing pack|Ledger commit|As of|Result SHA-256|Watermark):/.test(line),
        )
        .map((line) => [line.slice(0, line.indexOf(': ')), JSON.parse(line.slice(line.indexOf(': ') + 2)) as unknown]),
    );
    for (const [key, text] of Object.entries(formulas)) expect(values[key]).toBe(`'${text}`);
    for (const [key, text] of Object.entries(plain)) expect(values[key]).toBe(text);
    for (const [key, value] of Object.entries(numbers)) expect(values[key]).toBe(value);
    expect(r.content).toContain('\nneg: -5\n');
    expect(r.content).toContain(`\neq: "'=HYPERLINK(\\"http://evil.example\\",\\"x\\")"\n`);
    expect(verifyWatermark(r)).toBe(true);
  });

  it('JSON: carries every string unchanged', () => {
    const r = renderExport(input('JSON', { result: hostile }));
    expect(JSON.parse(r.content).result).toEqual(hostile);
    expect(verifyWatermark(r)).toBe(true);
  });
});

describe('flattening', () => {
  it('flattens nested arrays and objects depth first with sorted keys', () => {
    const nested = {
      z: [[1, 2], [], [{ b: 'x', a: [true] }]],
      a: { c: {}, b: { d: null } },
      'weird.key': { '[0]': 1 },
      m: 'last?',
    };
    const rows = csvRecords(renderExport(input('CSV', { result: nested, watermark: null })).content);
    expect(rows.slice(1)).toEqual([
      ['a.b.d', ''],
      ['a.c', '{}'],
      ['m', 'last?'],
      ['["weird.key"]["[0]"]', '1'],
      ['z[0][0]', '1'],
      ['z[0][1]', '2'],
      ['z[1]', '[]'],
      ['z[2][0].a[0]', 'true'],
      ['z[2][0].b', 'x'],
    ]);
  });

  it('names a scalar or empty root $', () => {
    expect(csvRecords(renderExport(input('CSV', { result: 42 })).content).slice(1)).toEqual([['$', '42']]);
    expect(csvRecords(renderExport(input('CSV', { result: null })).content).slice(1)).toEqual([['$', '']]);
    expect(csvRecords(renderExport(input('CSV', { result: [] })).content).slice(1)).toEqual([['$', '[]']]);
    expect(renderExport(input('TEXT', { result: 'hi' })).content).toContain('\nResult:\n$: "hi"\n---\n');
    expect(csvRecords(renderExport(input('CSV', { result: [{ a: 1 }] })).content).slice(1)).toEqual([['[0].a', '1']]);
  });

  it('does not depend on key insertion order', () => {
    const a = { b: { y: 1, x: [{ q: 1, p: 2 }] }, a: 'A' };
    const b = { a: 'A', b: { x: [{ p: 2, q: 1 }], y: 1 } };
    for (const format of EXPORT_FORMATS) {
      expect(renderExport(input(format, { result: a })).content).toBe(renderExport(input(format, { result: b })).content);
    }
  });

  it('rejects values JSON cannot carry, and follows JSON for undefined members and Dates', () => {
    expect(() => renderExport(input('JSON', { result: { x: Number.NaN } }))).toThrow(TypeError);
    expect(() => renderExport(input('CSV', { result: { x: Infinity } }))).toThrow(TypeError);
    expect(() => renderExport(input('TEXT', { result: { x: 1n } }))).toThrow(TypeError);
    expect(() => renderExport(input('JSON', { result: [undefined] }))).toThrow(TypeError);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(() => renderExport(input('JSON', { result: cyclic }))).toThrow(TypeError);
    const doc = JSON.parse(
      renderExport(input('JSON', { result: { gone: undefined, when: new Date('2025-01-10T00:00:00Z'), z: -0 } })).content,
    );
    expect(doc.result).toEqual({ when: '2025-01-10T00:00:00.000Z', z: 0 });
  });

  it('keeps a "__proto__" key as data', () => {
    const result = JSON.parse('{"__proto__":{"polluted":1}}');
    const r = renderExport(input('JSON', { result }));
    expect(JSON.parse(r.content).result).toEqual(result);
    expect(verifyWatermark(r)).toBe(true);
    expect(csvRecords(renderExport(input('CSV', { result })).content).slice(1)).toEqual([['__proto__.polluted', '1']]);
  });
});

describe('determinism and input checks', () => {
  it.each(EXPORT_FORMATS)('%s: the same input gives the same bytes', (format) => {
    const one = renderExport(input(format));
    const two = renderExport(JSON.parse(JSON.stringify(input(format))));
    expect(two).toEqual(one);
    expect(Buffer.from(two.content).equals(Buffer.from(one.content))).toBe(true);
  });

  it('rejects an unknown format', () => {
    expect(isExportFormat('XML')).toBe(false);
    expect(isExportFormat('CSV')).toBe(true);
    expect(() => renderExport(input('XML' as ExportFormat))).toThrow(/unknown export format/);
  });

  it('does not mutate its input', () => {
    const i = input('JSON');
    const before = JSON.stringify(i);
    renderExport(i);
    expect(JSON.stringify(i)).toBe(before);
  });
});
