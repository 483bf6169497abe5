import { execFile } from 'node:child_process';
import path from 'node:path';
import ExcelJS from 'exceljs';

/** What a PDF says: each page's text (lines end in "\n") and its document info. */
export interface PdfText {
  pages: string[];
  info: Record<string, unknown>;
}

/**
 * The text of a PDF, extracted by pdf.js in a child process (pdf-text.mjs): pdfjs-dist ships ES
 * modules only, which the test runner's CommonJS transform cannot load.
 */
export function pdfText(bytes: Buffer): Promise<PdfText> {
  return new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [path.join(__dirname, 'pdf-text.mjs')],
      { maxBuffer: 64 * 1024 * 1024 },
      (error, stdout, stderr) => (error ? reject(new Error(`${error.message}\n${stderr}`)) : resolve(JSON.parse(stdout) as PdfText)),
    );
    child.stdin!.end(bytes);
  });
}

/** A workbook read back with exceljs. */
export async function readWorkbook(bytes: Buffer): Promise<ExcelJS.Workbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  return workbook;
}

/** A sheet's rows below its header, as plain cell values (empty cells null). */
export function sheetRows(workbook: ExcelJS.Workbook, name: string): ExcelJS.CellValue[][] {
  const sheet = workbook.getWorksheet(name);
  if (!sheet) throw new Error(`no sheet ${name}: ${workbook.worksheets.map((s) => s.name).join(', ')}`);
  const rows: ExcelJS.CellValue[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    if (n === 1) return;
    const values: ExcelJS.CellValue[] = [];
    for (let c = 1; c <= sheet.columnCount; c++) values.push(row.getCell(c).value ?? null);
    rows.push(values);
  });
  return rows;
}
