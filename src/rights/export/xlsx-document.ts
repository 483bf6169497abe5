/**
 * The XLSX export: a workbook analysts open in a spreadsheet.
 *
 * Sheets, in order:
 *   - `Execution`: one `field, value` row per execution fact (the CSV's `# Execution:` lines);
 *   - `Result`: one `path, value` row per result leaf, as in the CSV export, but typed: numbers are
 *     number cells (the JSON value, not a rounded rendering), booleans boolean cells, null an empty
 *     cell, strings string cells;
 *   - `Attributions`: `source, text, required, asOf`, one row per attribution, always;
 *   - `Watermark`: `field, value` rows `user`, `request`, `time`, `digest`, only when a source
 *     requires a watermark.
 * The workbook's document properties say the same: `title` names the pattern and execution,
 * `description` lists the attributions (and the watermark line), `subject` is the watermark line
 * (or "freshgate execution export"), `keywords` carry the watermark digest.
 *
 * Formulas: every string is written as a string cell (exceljs writes only `{ formula }` values as
 * formulas), and a string that a spreadsheet would run as a formula when the cell is edited is
 * prefixed with `'`, the same reversible rule as the CSV and TEXT exports (formula-guard.ts).
 *
 * Same input, same bytes: the workbook's created/modified properties come from the caller (the
 * execution's own timestamps), and the zip entries' dates, which exceljs sets to the time of
 * writing, are set to the modified date before the archive is written again.
 */
import type * as ExcelJSModule from 'exceljs';
import type JSZipModule from 'jszip';
import { attributionSummary, executionFields, watermarkSummary, type PreparedDocument, type Watermark } from '../export-formats';
import { flattenJson } from './flatten';
import { neutraliseFormula } from './formula-guard';

/** The dates a binary export states about itself: the execution's start and finish. */
export interface DocumentDates {
  created: Date;
  modified: Date;
}

/** Sheet names of the XLSX export, in workbook order (Watermark only when one is written). */
export const XLSX_SHEETS = { execution: 'Execution', result: 'Result', attributions: 'Attributions', watermark: 'Watermark' } as const;

type CellValue = string | number | boolean | null;

/** Renders the workbook; `watermark` null writes none. */
export async function renderXlsx(doc: PreparedDocument, watermark: Watermark | null, dates: DocumentDates): Promise<Buffer> {
  // Loaded on first use: exceljs is large, and most processes never export a workbook.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const ExcelJS = require('exceljs') as typeof ExcelJSModule;
  const workbook = new ExcelJS.Workbook();
  const e = doc.execution;
  const watermarkLine = watermark ? `Watermark: ${watermarkSummary(watermark)}` : null;
  workbook.creator = 'freshgate';
  workbook.lastModifiedBy = 'freshgate';
  workbook.created = dates.created;
  workbook.modified = dates.modified;
  workbook.title = `${e.patternId} ${e.id}`;
  workbook.subject = watermarkLine ?? 'freshgate execution export';
  workbook.keywords = watermark ? `freshgate watermark digest=${watermark.digest}` : 'freshgate';
  workbook.description = [
    ...doc.attributions.map((a) => `Attribution: ${attributionSummary(a)}`),
    ...(watermarkLine ? [watermarkLine] : []),
  ].join('\n');

  addSheet(workbook, XLSX_SHEETS.execution, ['field', 'value'], executionFields(e));
  addSheet(
    workbook,
    XLSX_SHEETS.result,
    ['path', 'value'],
    // The JSON number itself, a boolean, an empty cell for null, text ('{}' / '[]' for empty containers).
    flattenJson(doc.result).map((leaf) => [leaf.path, leaf.value]),
  );
  addSheet(
    workbook,
    XLSX_SHEETS.attributions,
    ['source', 'text', 'required', 'asOf'],
    doc.attributions.map((a) => [a.source, a.text, a.required, a.asOf]),
  );
  if (watermark) {
    addSheet(
      workbook,
      XLSX_SHEETS.watermark,
      ['field', 'value'],
      [
        ['user', watermark.userId],
        ['request', watermark.requestId],
        ['time', watermark.timestamp],
        ['digest', watermark.digest],
      ],
    );
  }
  const written = Buffer.from(await workbook.xlsx.writeBuffer());
  return withFixedEntryDates(written, dates.modified);
}

function addSheet(workbook: ExcelJSModule.Workbook, name: string, header: string[], rows: CellValue[][]): void {
  const sheet = workbook.addWorksheet(name);
  sheet.addRow(header).font = { bold: true };
  // Every string goes through the guard, keys and paths too: they come from results and registries.
  for (const row of rows) sheet.addRow(row.map((value) => (typeof value === 'string' ? neutraliseFormula(value) : value)));
  sheet.columns.forEach((column) => {
    column.width = 24;
  });
}

/** The same archive with every entry dated `date` (exceljs dates them with the time of writing). */
async function withFixedEntryDates(xlsx: Buffer, date: Date): Promise<Buffer> {
  // Loaded on first use, like exceljs: every process would otherwise pay for it at start-up.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const JSZip = require('jszip') as typeof JSZipModule;
  const zip = await JSZip.loadAsync(xlsx);
  zip.forEach((_, entry) => {
    entry.date = date;
  });
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE', compressionOptions: { level: 6 } });
}
