/**
 * Every export format behind one call: the text formats (JSON, CSV, TEXT; export-formats.ts) and
 * the documents analysts open (XLSX, PDF; export/xlsx-document.ts, export/pdf-document.ts).
 *
 * Text formats are returned as UTF-8 text; XLSX and PDF as base64 of their bytes (`encoding`).
 *
 * The watermark digest of a binary document follows the text formats' rule: the first 16 hex
 * characters of SHA-256 over the document rendered without its watermark, here its bytes. Rendering
 * is deterministic (the dates inside the files are the execution's, not the clock's), so the digest
 * can be recomputed: render the same execution with `watermark: null` and hash the bytes.
 */
import { createHash } from 'node:crypto';
import {
  isTextExportFormat,
  prepare,
  renderExport,
  TEXT_EXPORT_CONTENT_TYPES,
  TEXT_EXPORT_FORMATS,
  WATERMARK_DIGEST_LENGTH,
  type ExportDocumentInput,
  type TextExportFormat,
  type Watermark,
} from './export-formats';
import { renderPdf } from './export/pdf-document';
import { renderXlsx, type DocumentDates } from './export/xlsx-document';

/** Formats whose documents are bytes, returned base64-encoded. */
export type BinaryExportFormat = 'XLSX' | 'PDF';

/** Every document format an execution can be exported in. */
export type ExportFormat = TextExportFormat | BinaryExportFormat;

/** Every export format, in the order the API lists them. */
export const EXPORT_FORMATS: readonly ExportFormat[] = [...TEXT_EXPORT_FORMATS, 'XLSX', 'PDF'];

/** How `content` carries the document: UTF-8 text as is, or the bytes in base64. */
export type ExportEncoding = 'UTF8' | 'BASE64';

/** The media type each export format is served with. */
export const EXPORT_CONTENT_TYPES: Readonly<Record<ExportFormat, string>> = {
  ...TEXT_EXPORT_CONTENT_TYPES,
  XLSX: 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
  PDF: 'application/pdf',
};

/** The file name extension each export format is saved with. */
export const EXPORT_EXTENSIONS: Readonly<Record<ExportFormat, string>> = {
  JSON: 'json',
  CSV: 'csv',
  TEXT: 'txt',
  XLSX: 'xlsx',
  PDF: 'pdf',
};

/** Everything a document is rendered from. */
export interface DocumentInput extends Omit<ExportDocumentInput, 'format'> {
  format: ExportFormat;
  /**
   * The dates XLSX and PDF state about themselves (workbook created/modified, PDF CreationDate/ModDate):
   * the execution's start and finish, so the same export gives the same bytes.
   */
  dates: DocumentDates;
}

/** An exported document: its content as text or base64, its media type, and its watermark if any. */
export interface ExportDocument {
  format: ExportFormat;
  contentType: string;
  encoding: ExportEncoding;
  /** The document: UTF-8 text (`UTF8`) or base64 of its bytes (`BASE64`). */
  content: string;
  /** A file name to save it under: `execution-<id>.<extension>`. */
  fileName: string;
  watermark: Watermark | null;
}

/** Renders an execution in any export format; the same input gives the same content. */
export async function renderDocument(input: DocumentInput): Promise<ExportDocument> {
  const { format } = input;
  const fileName = `execution-${input.execution.id.replace(/[^A-Za-z0-9._-]/g, '_')}.${EXPORT_EXTENSIONS[format]}`;
  if (isTextExportFormat(format)) {
    const rendered = renderExport({ ...input, format });
    return { ...rendered, encoding: 'UTF8', fileName };
  }
  if (format !== 'XLSX' && format !== 'PDF') throw new TypeError(`unknown export format: ${String(format)}`);
  const render = format === 'XLSX' ? renderXlsx : renderPdf;
  const doc = prepare(input);
  const body = await render(doc, null, input.dates);
  const watermark: Watermark | null = input.watermark
    ? {
        userId: input.watermark.userId,
        requestId: input.watermark.requestId,
        timestamp: input.watermark.timestamp,
        digest: binaryDigest(body),
      }
    : null;
  const bytes = watermark ? await render(doc, watermark, input.dates) : body;
  return { format, contentType: EXPORT_CONTENT_TYPES[format], encoding: 'BASE64', content: bytes.toString('base64'), fileName, watermark };
}

/** The watermark digest of a binary document's bytes: first 16 hex chars of their SHA-256. */
export function binaryDigest(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex').slice(0, WATERMARK_DIGEST_LENGTH);
}
