import { parse } from 'csv-parse/sync';
import JSZip from 'jszip';
import {
  AppendLedgerEntriesDocument,
  CreatePortfolioDocument,
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExportExecutionDocument,
  MarkPackFreshDocument,
  UpsertSecuritiesDocument,
  type ExportFormat,
} from '../generated/operations';
import { pdfText, readWorkbook, sheetRows } from '../support/documents';
import { samplePack } from '../support/packs';
import { startTestServer, type TestServer } from '../support/test-server';

const TODAY = new Date().toISOString().slice(0, 10);
const XLSX_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
// A registered symbol may start with '=' (SYMBOL_PATTERN); a spreadsheet would run it as a formula.
const FORMULA_SYMBOL = '=EVIL';
const FMP_TEXT = 'Market data © Financial Modeling Prep';

interface Holding {
  symbol: string;
  marketValueBase: number | null;
}

describe('exportExecution as XLSX and PDF', () => {
  let t: TestServer;
  let overview: string;
  let news: string;
  let formulaRun: string;
  let yfinanceRun: string;

  const run = async (patternId: string, portfolioId: string): Promise<string> => {
    const response = await t.request(ExecutePatternDocument, { input: { patternId, inputs: { portfolioId } } }, { as: 'demo-analyst' });
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!.id;
  };
  const exportAs = (id: string, format: ExportFormat) => t.request(ExportExecutionDocument, { id, format }, { as: 'demo-analyst' });
  const exported = async (id: string, format: ExportFormat) => {
    const response = await exportAs(id, format);
    expect(response.errors).toBeUndefined();
    return response.data!.exportExecution!;
  };
  const bytesOf = (content: string) => Buffer.from(content, 'base64');
  const publish = async (source: string) => {
    const pack = samplePack(TODAY, {
      prices: [...samplePack(TODAY).prices, { symbol: FORMULA_SYMBOL, close: 50, currency: 'USD', source }],
    });
    const created = await t.request(CreatePricingPackDocument, { input: pack }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    const fresh = await t.request(MarkPackFreshDocument, { id: created.data!.createPricingPack!.id }, { as: 'pack-builder' });
    expect(fresh.errors).toBeUndefined();
  };
  const timesOf = async (id: string) =>
    (
      await t.database.owner.query<{ created_at: Date; finished_at: Date }>(
        'SELECT created_at, finished_at FROM executions WHERE id = $1',
        [id],
      )
    )[0];
  const violations = async () =>
    t.database.owner.query<{ resource: string; changes: { format: string; blockedSources: string[] } }>(
      `SELECT resource, changes FROM audit_log WHERE action = 'rights.violation' ORDER BY id`,
    );

  beforeAll(async () => {
    t = await startTestServer();
    overview = await run('portfolio_overview', 'pf-demo-growth');
    news = await run('portfolio_news', 'pf-demo-growth');

    // A portfolio holding a security whose symbol starts a formula, priced first by Polygon
    // (exportable), then by yfinance (never exportable).
    const security = { symbol: FORMULA_SYMBOL, name: 'Formula Corp.', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' };
    expect((await t.request(UpsertSecuritiesDocument, { input: [security] }, { as: 'pack-builder' })).errors).toBeUndefined();
    const portfolio = await t.request(
      CreatePortfolioDocument,
      { input: { name: 'Formulas', baseCurrency: 'USD' } },
      { as: 'demo-analyst' },
    );
    const portfolioId = portfolio.data!.createPortfolio!.id;
    const appended = await t.request(
      AppendLedgerEntriesDocument,
      {
        portfolioId,
        message: 'funding and one buy',
        entries: [
          { kind: 'DEPOSIT', tradeDate: TODAY, currency: 'USD', amount: 1000 },
          { kind: 'BUY', tradeDate: TODAY, symbol: FORMULA_SYMBOL, quantity: 4, price: 40, currency: 'USD' },
        ],
      },
      { as: 'demo-analyst' },
    );
    expect(appended.errors).toBeUndefined();
    await publish('Polygon');
    formulaRun = await run('portfolio_overview', portfolioId);
    await publish('yfinance');
    yfinanceRun = await run('portfolio_overview', portfolioId);
  }, 180_000); // a server, runs and packs: slow when the machine is busy
  afterAll(async () => {
    await t.close();
  });

  describe('XLSX', () => {
    it('holds the JSON result in typed cells, the attributions, the watermark and document properties', async () => {
      const json = JSON.parse((await exported(overview, 'JSON')).content) as {
        result: { valuation: { totalValueBase: number; holdings: Holding[] } };
        watermark: { digest: string };
      };
      const csv = (await exported(overview, 'CSV')).content;
      const xlsx = await exported(overview, 'XLSX');
      expect(xlsx).toMatchObject({ format: 'XLSX', contentType: XLSX_TYPE, encoding: 'BASE64', watermarked: true });
      expect(xlsx.fileName).toBe(`execution-${overview}.xlsx`);
      const workbook = await readWorkbook(bytesOf(xlsx.content));
      expect(workbook.worksheets.map((s) => s.name)).toEqual(['Execution', 'Result', 'Attributions', 'Watermark']);

      const result = new Map(sheetRows(workbook, 'Result').map(([p, v]) => [p as string, v]));
      // The same rows as the CSV export, in the same order.
      const csvPaths = (parse(csv, { comment: '#', from_line: 1 }) as string[][]).slice(1).map(([p]) => p);
      expect([...result.keys()]).toEqual(csvPaths);
      // Numbers are number cells equal to the JSON result's values.
      const { holdings, totalValueBase } = json.result.valuation;
      expect(holdings.length).toBeGreaterThan(1);
      expect(result.get('valuation.totalValueBase')).toBe(totalValueBase);
      holdings.forEach((h, i) => {
        expect(result.get(`valuation.holdings[${i}].symbol`)).toBe(h.symbol);
        expect(result.get(`valuation.holdings[${i}].marketValueBase`)).toBe(h.marketValueBase);
      });
      expect(typeof result.get('valuation.totalValueBase')).toBe('number');

      expect(sheetRows(workbook, 'Attributions')).toEqual(
        xlsx.attributions.map((a) => [a.source, a.text, a.required, expect.stringMatching(/^\d{4}-\d{2}-\d{2}/)]),
      );
      expect(sheetRows(workbook, 'Attributions').map(([s]) => s)).toEqual(['FMP', 'FRED', 'Internal', 'Polygon']);
      const watermark = Object.fromEntries(sheetRows(workbook, 'Watermark'));
      expect(watermark).toEqual({
        user: 'demo-analyst',
        request: expect.any(String),
        time: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
        digest: expect.stringMatching(/^[0-9a-f]{16}$/),
      });
      expect(watermark.digest).not.toBe(json.watermark.digest); // the digest covers this document's bytes

      const execution = Object.fromEntries(sheetRows(workbook, 'Execution'));
      expect(execution).toMatchObject({ id: overview, pattern: 'portfolio_overview' });
      expect(workbook.description).toContain(`Attribution: FMP — ${FMP_TEXT}`);
      expect(workbook.description).toContain(`Watermark: user=demo-analyst request=${watermark.request as string}`);
      expect(workbook.subject).toContain(`digest=${watermark.digest as string}`);
      expect(workbook.keywords).toContain(`digest=${watermark.digest as string}`);
      // The execution's start and finish (the file format keeps whole seconds).
      const times = await timesOf(overview);
      const seconds = (d: Date) => d.toISOString().slice(0, 19);
      expect(seconds(workbook.created)).toBe(seconds(times.created_at));
      expect(seconds(workbook.modified)).toBe(seconds(times.finished_at));
    });

    it('is the same document every time: two exports differ only in the watermark, and their digests match', async () => {
      const first = await exported(overview, 'XLSX');
      const second = await exported(overview, 'XLSX');
      const [a, b] = [first, second].map((x) => bytesOf(x.content));
      expect(a.equals(b)).toBe(false); // other request id and time
      const watermarks = await Promise.all(
        [a, b].map(async (bytes) => Object.fromEntries(sheetRows(await readWorkbook(bytes), 'Watermark'))),
      );
      expect(watermarks[0].request).not.toBe(watermarks[1].request);
      expect(watermarks[0].digest).toBe(watermarks[1].digest);
      // Every zip entry is dated with the execution's finish, not the time of writing.
      const finished = (await timesOf(overview)).finished_at;
      const zip = await JSZip.loadAsync(a);
      const dates = new Set(Object.values(zip.files).map((f) => f.date.toISOString().slice(0, 16)));
      expect([...dates]).toEqual([finished.toISOString().slice(0, 16)]);
    });

    it('writes a string that starts a formula as text with a leading quote, never as a formula', async () => {
      const xlsx = await exported(formulaRun, 'XLSX');
      const bytes = bytesOf(xlsx.content);
      const workbook = await readWorkbook(bytes);
      const result = sheetRows(workbook, 'Result');
      const symbols = result.filter(([p]) => /\.symbol$/.test(p as string)).map(([, v]) => v);
      expect(symbols).toContain(`'${FORMULA_SYMBOL}`);
      expect(symbols).not.toContain(FORMULA_SYMBOL);
      for (const sheet of workbook.worksheets) {
        sheet.eachRow((row) =>
          row.eachCell((cell) => {
            expect(typeof cell.value === 'object' && cell.value !== null && 'formula' in cell.value).toBe(false);
          }),
        );
      }
      // And in the file itself: no cell formula (<f>) anywhere.
      const zip = await JSZip.loadAsync(bytes);
      const sheets = Object.keys(zip.files).filter((name) => name.startsWith('xl/worksheets/') && name.endsWith('.xml'));
      expect(sheets.length).toBeGreaterThanOrEqual(3);
      for (const name of sheets) expect(await zip.file(name)!.async('string')).not.toMatch(/<f[ >]/);
    });
  });

  describe('PDF', () => {
    it('holds the result with a footer of watermark and attributions on every page', async () => {
      const json = JSON.parse((await exported(overview, 'JSON')).content) as {
        result: { valuation: { totalValueBase: number; holdings: Holding[] } };
      };
      const pdf = await exported(overview, 'PDF');
      expect(pdf).toMatchObject({ format: 'PDF', contentType: 'application/pdf', encoding: 'BASE64', watermarked: true });
      expect(pdf.fileName).toBe(`execution-${overview}.pdf`);
      const { pages, info } = await pdfText(bytesOf(pdf.content));
      expect(pages.length).toBeGreaterThan(1);
      const all = pages.join('\n');
      const { holdings, totalValueBase } = json.result.valuation;
      expect(all).toContain(`valuation.totalValueBase: ${JSON.stringify(totalValueBase)}\n`);
      holdings.forEach((h, i) => expect(all).toContain(`valuation.holdings[${i}].marketValueBase: ${JSON.stringify(h.marketValueBase)}\n`));

      const watermark = /Watermark: user=demo-analyst request=\S+ time=\S+ digest=([0-9a-f]{16})/.exec(pages[0]);
      expect(watermark).not.toBeNull();
      pages.forEach((text, i) => {
        expect(text).toContain(`Page ${i + 1} of ${pages.length}`);
        expect(text).toContain(watermark![0]);
        for (const a of pdf.attributions) expect(text).toContain(`Source: ${a.source}${a.text ? ` — ${a.text}` : ''}`);
      });
      expect(info).toMatchObject({ Author: 'freshgate', Keywords: `freshgate watermark digest=${watermark![1]}` });
      const created = (await timesOf(overview)).created_at;
      expect(info.CreationDate).toBe(`D:${created.toISOString().replace(/[-:T]/g, '').slice(0, 14)}Z`);

      // The same document every time: another export has another watermark but the same digest.
      const again = await pdfText(bytesOf((await exported(overview, 'PDF')).content));
      expect(again.pages[0]).not.toContain(watermark![0]);
      expect(again.pages[0]).toContain(`digest=${watermark![1]}`);
    });

    it('writes a string that starts a formula quoted, as the TEXT export does', async () => {
      const { pages } = await pdfText(bytesOf((await exported(formulaRun, 'PDF')).content));
      expect(pages.join('\n')).toMatch(new RegExp(`\\.symbol: "'${FORMULA_SYMBOL}"\\n`));
    });
  });

  describe('the rights gate', () => {
    it.each([
      ['NewsAPI', 'XLSX'],
      ['NewsAPI', 'PDF'],
      ['yfinance', 'XLSX'],
      ['yfinance', 'PDF'],
    ] as const)('refuses a %s-sourced result as %s with RIGHTS_EXPORT_BLOCKED and audits it', async (source, format) => {
      const id = source === 'NewsAPI' ? news : yfinanceRun;
      const before = (await violations()).length;
      const response = await exportAs(id, format);
      expect(response.errors?.[0].extensions).toMatchObject({ code: 'RIGHTS_EXPORT_BLOCKED', blockedSources: [source] });
      expect(response.data).toEqual({ exportExecution: null });
      const after = await violations();
      expect(after).toHaveLength(before + 1);
      expect(after[after.length - 1]).toMatchObject({
        resource: `execution:${id}`,
        changes: expect.objectContaining({ format, blockedSources: [source] }),
      });
    });
  });
});
