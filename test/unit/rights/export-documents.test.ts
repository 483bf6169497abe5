import ExcelJS from 'exceljs';
import { binaryDigest, EXPORT_FORMATS, renderDocument, type DocumentInput, type ExportFormat } from '../../../src/rights/export-documents';
import { renderExport } from '../../../src/rights/export-formats';
import { winAnsiText } from '../../../src/rights/export/pdf-document';

const input = (format: ExportFormat, over: Partial<DocumentInput> = {}): DocumentInput => ({
  format,
  execution: {
    id: 'exec-1',
    patternId: 'portfolio_overview',
    patternVersion: '1.1.0',
    status: 'SUCCESS',
    pricingPackId: 'PP_2025-01-10',
    ledgerCommitHash: 'abc',
    asofDate: '2025-01-10',
    resultSha256: null,
  },
  result: { valuation: { totalValueBase: 12345.678, holdings: [{ symbol: '=EVIL', marketValueBase: -5.5 }] }, note: 'Zürich 日本' },
  attributions: [{ source: 'FMP', text: 'Market data © Financial Modeling Prep', required: true, asOf: '2025-01-10' }],
  watermark: { userId: 'analyst-1', requestId: 'req-1', timestamp: '2025-01-11T09:30:00.000Z' },
  dates: { created: new Date('2025-01-10T21:00:00Z'), modified: new Date('2025-01-10T21:00:02Z') },
  ...over,
});

async function workbookOf(base64: string): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(Buffer.from(base64, 'base64') as unknown as ArrayBuffer);
  return workbook;
}

describe('renderDocument', () => {
  afterEach(() => {
    jest.useRealTimers();
  });

  it.each(['XLSX', 'PDF'] as const)('%s: the same input gives the same bytes, whatever the clock says', async (format) => {
    // Only Date is faked: the libraries' own timers and ticks run as usual.
    jest.useFakeTimers({
      now: new Date('2030-01-01T00:00:00Z'),
      doNotFake: [
        'nextTick',
        'setImmediate',
        'clearImmediate',
        'setTimeout',
        'clearTimeout',
        'setInterval',
        'clearInterval',
        'queueMicrotask',
      ],
    });
    const first = await renderDocument(input(format));
    jest.setSystemTime(new Date('2031-06-15T12:34:56Z'));
    const second = await renderDocument(input(format));
    expect(second.content).toBe(first.content);
    expect(first.encoding).toBe('BASE64');
  });

  it.each(['XLSX', 'PDF'] as const)('%s: the digest is SHA-256 (16 hex) of the bytes rendered without the watermark', async (format) => {
    const marked = await renderDocument(input(format));
    const plain = await renderDocument(input(format, { watermark: null }));
    expect(plain.watermark).toBeNull();
    expect(marked.watermark!.digest).toBe(binaryDigest(Buffer.from(plain.content, 'base64')));
    const otherCaller = await renderDocument(
      input(format, { watermark: { userId: 'x', requestId: 'y', timestamp: '2026-01-01T00:00:00Z' } }),
    );
    expect(otherCaller.watermark!.digest).toBe(marked.watermark!.digest);
    const otherResult = await renderDocument(input(format, { result: { valuation: { totalValueBase: 1 } } }));
    expect(otherResult.watermark!.digest).not.toBe(marked.watermark!.digest);
  });

  it('XLSX without a watermark has no Watermark sheet and says nothing of one', async () => {
    const workbook = await workbookOf((await renderDocument(input('XLSX', { watermark: null }))).content);
    expect(workbook.worksheets.map((s) => s.name)).toEqual(['Execution', 'Result', 'Attributions']);
    expect(workbook.subject).toBe('freshgate execution export');
    expect(workbook.description).toBe('Attribution: FMP — Market data © Financial Modeling Prep (required; as of 2025-01-10)');
  });

  it('XLSX keeps numbers as numbers (negative ones too) and guards strings that start a formula', async () => {
    const workbook = await workbookOf((await renderDocument(input('XLSX'))).content);
    const rows = new Map<string, ExcelJS.CellValue>();
    workbook.getWorksheet('Result')!.eachRow((row) => rows.set(String(row.getCell(1).value), row.getCell(2).value));
    expect(rows.get('valuation.totalValueBase')).toBe(12345.678);
    expect(rows.get('valuation.holdings[0].marketValueBase')).toBe(-5.5);
    expect(rows.get('valuation.holdings[0].symbol')).toBe("'=EVIL");
    expect(rows.get('note')).toBe('Zürich 日本'); // a workbook holds any text as it is
  });

  it('text formats come back as UTF-8, exactly as renderExport writes them', async () => {
    for (const format of ['JSON', 'CSV', 'TEXT'] as const) {
      const document = await renderDocument(input(format));
      const { dates: _dates, ...rest } = input(format);
      expect(document).toMatchObject({
        encoding: 'UTF8',
        content: renderExport({ ...rest, format }).content,
        fileName: `execution-exec-1.${format === 'TEXT' ? 'txt' : format.toLowerCase()}`,
      });
    }
    expect(EXPORT_FORMATS).toEqual(['JSON', 'CSV', 'TEXT', 'XLSX', 'PDF']);
  });

  it('PDF text keeps what Windows-1252 can show and escapes the rest', () => {
    expect(winAnsiText('Zürich € — “x” © 日本 😀')).toBe('Zürich € — “x” © \\u65E5\\u672C \\u{1F600}');
    expect(winAnsiText('a\u0081b\tc')).toBe('a\\u0081b\\u0009c');
  });
});
