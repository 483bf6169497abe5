/**
 * The PDF export: the TEXT export's report as pages, with a footer on every page that carries the
 * watermark (when a source requires one) and every attribution, so no printed or extracted page
 * travels without them.
 *
 * Body: title, the execution's facts, then one `path: value` line per result leaf, written as in
 * the TEXT export (JSON scalars, strings quoted, formulas neutralised). Lines wrap; pages follow as
 * needed. Footer (every page, below the body's area): `Page i of n`, the watermark line, and one
 * line per attribution.
 *
 * Text uses the standard Helvetica font, whose encoding is WinAnsi (Windows-1252); a character it
 * cannot show is written as `\uXXXX` rather than as a wrong glyph.
 *
 * Same input, same bytes: the document's CreationDate/ModDate come from the caller (the
 * execution's timestamps), and PDFKit derives the file ID from the document info, so nothing
 * depends on the clock.
 */
import iconv from 'iconv-lite';
import type PDFKit from 'pdfkit';
import { attributionSummary, executionFields, textValue, watermarkSummary, type PreparedDocument, type Watermark } from '../export-formats';
import { flattenJson } from './flatten';
import type { DocumentDates } from './xlsx-document';

const MARGIN = 50;
const FOOTER_GAP = 14;
const BODY_SIZE = 9;
const FOOTER_SIZE = 7;

// The printable characters Windows-1252 can encode (Latin-1 plus its 0x80–0x9F extras such as €
// and —), from iconv-lite's table (Node 20's TextDecoder treats windows-1252 as Latin-1). Bytes
// 0x80–0x9F that cp1252 leaves undefined decode to U+FFFD and C1 controls, both left out.
const WIN_ANSI = new Set(
  iconv.decode(Buffer.from(Array.from({ length: 256 - 0x20 }, (_, i) => i + 0x20)), 'win1252').replace(/[\u007f-\u009f\ufffd]/g, ''),
);

/** Text the standard fonts can show: other characters (and controls) become `\uXXXX` escapes. */
export function winAnsiText(text: string): string {
  let out = '';
  for (const char of text) {
    if (WIN_ANSI.has(char)) {
      out += char;
      continue;
    }
    const code = char.codePointAt(0)!;
    out += code > 0xffff ? `\\u{${code.toString(16).toUpperCase()}}` : `\\u${code.toString(16).toUpperCase().padStart(4, '0')}`;
  }
  return out;
}

/** The footer lines of page `page` (1-based) of `pages`: page number, watermark, attributions. */
export function pdfFooterLines(doc: PreparedDocument, watermark: Watermark | null, page: number, pages: number): string[] {
  return [
    `Page ${page} of ${pages} — execution ${doc.execution.id}`,
    ...(watermark ? [`Watermark: ${watermarkSummary(watermark)}`] : []),
    ...(doc.attributions.length === 0 ? ['Sources: (none)'] : doc.attributions.map((a) => `Source: ${attributionSummary(a)}`)),
  ].map(winAnsiText);
}

/** Renders the PDF; `watermark` null writes none (the footer then has the attributions only). */
export async function renderPdf(doc: PreparedDocument, watermark: Watermark | null, dates: DocumentDates): Promise<Buffer> {
  // Loaded on first use: most processes never export a PDF.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const PDFDocument = require('pdfkit') as typeof PDFKit;
  const e = doc.execution;
  const pdf = new PDFDocument({
    size: 'A4',
    autoFirstPage: false,
    bufferPages: true, // the footer says "of n", so it is written once every page exists
    margins: { top: MARGIN, left: MARGIN, right: MARGIN, bottom: MARGIN },
    info: {
      Title: winAnsiText(`${e.patternId} ${e.id}`),
      Author: 'freshgate',
      Subject: watermark ? winAnsiText(`Watermark: ${watermarkSummary(watermark)}`) : 'freshgate execution export',
      Keywords: watermark ? `freshgate watermark digest=${watermark.digest}` : 'freshgate',
      CreationDate: dates.created,
      ModDate: dates.modified,
    },
  });
  const chunks: Buffer[] = [];
  pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
  const ended = new Promise<void>((resolve, reject) => {
    pdf.on('end', resolve);
    pdf.on('error', reject);
  });

  pdf.addPage();
  const width = pdf.page.width - 2 * MARGIN;
  // The body stops above the tallest footer ("Page 99999 of 99999" is as wide as any real one).
  pdf.font('Helvetica').fontSize(FOOTER_SIZE);
  const footerHeight = pdfFooterLines(doc, watermark, 99999, 99999).reduce((sum, line) => sum + pdf.heightOfString(line, { width }), 0);
  const bottom = MARGIN + FOOTER_GAP + footerHeight;
  pdf.page.margins.bottom = bottom;
  pdf.on('pageAdded', () => {
    pdf.page.margins.bottom = bottom;
  });

  pdf.font('Helvetica-Bold').fontSize(14).text('Freshgate execution export', { width });
  pdf.moveDown(0.5);
  pdf.font('Helvetica').fontSize(BODY_SIZE);
  for (const [key, value] of executionFields(e)) pdf.text(winAnsiText(`${key}: ${value}`), { width });
  pdf.moveDown(0.5);
  pdf.font('Helvetica-Bold').fontSize(11).text('Result', { width });
  pdf.font('Helvetica').fontSize(BODY_SIZE);
  for (const leaf of flattenJson(doc.result)) pdf.text(winAnsiText(`${leaf.path}: ${textValue(leaf)}`), { width });

  const { start, count } = pdf.bufferedPageRange();
  for (let i = start; i < start + count; i++) {
    pdf.switchToPage(i);
    // Writing below the bottom margin would make PDFKit start a new page: lift it while writing.
    pdf.page.margins.bottom = 0;
    pdf.font('Helvetica').fontSize(FOOTER_SIZE);
    let y = pdf.page.height - bottom + FOOTER_GAP;
    for (const line of pdfFooterLines(doc, watermark, i - start + 1, count)) {
      pdf.text(line, MARGIN, y, { width });
      y = pdf.y;
    }
    pdf.page.margins.bottom = bottom;
  }
  pdf.end();
  await ended;
  return Buffer.concat(chunks);
}
