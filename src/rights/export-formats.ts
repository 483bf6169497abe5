/**
 * Rendering of execution exports (issue 4 point 5, DESIGN §5): JSON, CSV and TEXT documents that
 * carry the execution's attributions and, when requested, a watermark in the format's own way.
 *
 * Pure: no I/O, no clock, no randomness — the watermark's timestamp and request id come in. The same
 * input always gives the same bytes (object keys are sorted, lines end in `"\n"`, every document ends
 * with a newline).
 *
 * ## Spreadsheet formulas
 *
 * CSV and TEXT exports end up in spreadsheets. Every result string that would start a formula
 * (`=`, `+`, `-`, `@`, TAB, CR; see export/formula-guard.ts) is written with a leading `'`: in a CSV
 * cell of the value column, and inside the quoted value of a TEXT result line. Numbers, booleans
 * and null keep their JSON form, so -5 is written as -5 and parses back to the same value. Paths
 * never need it: they start with a letter, `_`, `$` or `[`. JSON exports are data, not cells,
 * and carry every string unchanged.
 *
 * ## The watermark digest
 *
 * Every export is built in two steps:
 *   1. the *body*: the complete export rendered without a watermark — byte for byte what
 *      `renderExport({ ...input, watermark: null }).content` returns, formulas already neutralised;
 *   2. if a watermark is requested, it is inserted into the body at a fixed place:
 *      - JSON: as the last member, `"watermark"`, of the top-level object;
 *      - CSV:  as one comment line `# Watermark: user=… request=… time=… digest=…`, directly before
 *              the `path,value` header row (after the `# Execution:` and `# Attribution:` lines);
 *      - TEXT: as the last line of the footer, `Watermark: user=… request=… time=… digest=…`.
 *
 * `digest` = the first 16 hex characters (lower case) of SHA-256 over the UTF-8 bytes of the body.
 * So the digest covers everything in the export, as written (with the `'` prefixes): execution
 * header, result values and attributions. It leaves out only the watermark itself, and it does not
 * depend on the user, request id or time.
 * `verifyWatermark` removes the watermark from the content, checks that putting it back reproduces
 * the content exactly, and recomputes the digest: any change to the content (a value, an
 * attribution, whitespace) or to the watermark makes it return false.
 */
import { createHash } from 'node:crypto';
import { stringify } from 'csv-stringify/sync';
import { flattenJson, normalizeJson, oneLine, scalarAsJson, type FlatLeaf, type JsonValue } from './export/flatten';
import { neutraliseFormula } from './export/formula-guard';

/** The text formats an execution can be exported in (XLSX and PDF: export-documents.ts). */
export type TextExportFormat = 'JSON' | 'CSV' | 'TEXT';

/** Every text export format, for checking a requested one. */
export const TEXT_EXPORT_FORMATS: readonly TextExportFormat[] = ['JSON', 'CSV', 'TEXT'];

/** The media type each text export format is served with. */
export const TEXT_EXPORT_CONTENT_TYPES: Readonly<Record<TextExportFormat, string>> = {
  JSON: 'application/json',
  CSV: 'text/csv',
  TEXT: 'text/plain; charset=utf-8',
};

/** Length, in hex characters, of a watermark digest. */
export const WATERMARK_DIGEST_LENGTH = 16;

/** Header row of the CSV format. */
export const CSV_HEADER = ['path', 'value'] as const;

/** An attribution an export carries: the source, the text its rights require (if any), and the as-of date of its data. */
export interface ExportAttribution {
  source: string;
  text: string | null;
  required: boolean;
  asOf: string;
}

/** Who exported when, written into an export whose sources require it, with the digest that ties it to the content. */
export interface Watermark {
  userId: string;
  requestId: string;
  /** ISO 8601, supplied by the caller. */
  timestamp: string;
  /** See the module comment: 16 hex chars of SHA-256 over the export without its watermark. */
  digest: string;
}

/** The execution fields an export states, beside the result. */
export interface ExecutionSummary {
  id: string;
  patternId: string;
  patternVersion: string;
  status: string;
  pricingPackId: string;
  ledgerCommitHash: string;
  asofDate: string;
  resultSha256: string | null;
}

/**
 * Everything an export is rendered from; the caller supplies the watermark's user, request id and
 * time, so rendering stays pure.
 */
export interface ExportDocumentInput {
  format: TextExportFormat;
  /** Only the fields listed in ExecutionSummary are exported; anything else on the object is ignored. */
  execution: ExecutionSummary;
  /** Arbitrary JSON. Values JSON cannot carry (NaN, Infinity, bigint, functions, cycles) throw a TypeError. */
  result: unknown;
  /** Exported in the order given. */
  attributions: ExportAttribution[];
  /** null when no source requires a watermark. */
  watermark: Omit<Watermark, 'digest'> | null;
}

/** An export document: its text, media type, and the watermark written into it, if any. */
export interface RenderedExport {
  format: TextExportFormat;
  contentType: string;
  content: string;
  watermark: Watermark | null;
}

/** Whether a value, whatever its static type, is one of the text export formats: rendering and verification check before trusting it. */
export function isTextExportFormat(value: unknown): value is TextExportFormat {
  return typeof value === 'string' && (TEXT_EXPORT_FORMATS as readonly string[]).includes(value);
}

/** The watermark digest of a body: first 16 hex chars of SHA-256 over its UTF-8 bytes. */
export function exportDigest(body: string): string {
  return createHash('sha256').update(body, 'utf8').digest('hex').slice(0, WATERMARK_DIGEST_LENGTH);
}

/**
 * Renders an execution as a JSON, CSV or TEXT document, watermarked when asked; the same input
 * always gives the same bytes (the module comment describes the layout and the digest).
 */
export function renderExport(input: ExportDocumentInput): RenderedExport {
  if (!isTextExportFormat(input.format)) throw new TypeError(`unknown export format: ${String(input.format)}`);
  const doc = prepare(input);
  const body = renderBody(input.format, doc);
  if (!input.watermark) {
    return { format: input.format, contentType: TEXT_EXPORT_CONTENT_TYPES[input.format], content: body, watermark: null };
  }
  const watermark: Watermark = {
    userId: input.watermark.userId,
    requestId: input.watermark.requestId,
    timestamp: input.watermark.timestamp,
    digest: exportDigest(body),
  };
  return {
    format: input.format,
    contentType: TEXT_EXPORT_CONTENT_TYPES[input.format],
    content: embedWatermark(input.format, body, watermark),
    watermark,
  };
}

/**
 * The export's content without its watermark (the bytes the digest covers), or null when the
 * content does not carry `rendered.watermark` at that format's place.
 */
export function unwatermarkedContent(rendered: RenderedExport): string | null {
  const wm = rendered.watermark;
  if (!wm || !isTextExportFormat(rendered.format)) return null;
  const watermark = ownWatermark(wm);
  const body = stripWatermark(rendered.format, rendered.content, watermark);
  if (body === null || embedWatermark(rendered.format, body, watermark) !== rendered.content) return null;
  return body;
}

/**
 * True when the export carries a watermark, the watermark sits in the content exactly as rendered,
 * and its digest matches the rest of the content. False for an export without a watermark.
 */
export function verifyWatermark(rendered: RenderedExport): boolean {
  const body = unwatermarkedContent(rendered);
  return body !== null && exportDigest(body) === rendered.watermark!.digest;
}

// ---------------------------------------------------------------------------------------------

/** An export's content, normalised: what every format renders. */
export interface PreparedDocument {
  execution: ExecutionSummary;
  result: JsonValue;
  attributions: ExportAttribution[];
}

/** The members an export states, in a fixed order, from the caller's input (extra members dropped, result normalised). */
export function prepare(input: Omit<ExportDocumentInput, 'format'>): PreparedDocument {
  const e = input.execution;
  return {
    // Fixed member order, and only these members (an execution record may carry more).
    execution: {
      id: e.id,
      patternId: e.patternId,
      patternVersion: e.patternVersion,
      status: e.status,
      pricingPackId: e.pricingPackId,
      ledgerCommitHash: e.ledgerCommitHash,
      asofDate: e.asofDate,
      resultSha256: e.resultSha256 ?? null,
    },
    result: normalizeJson(input.result),
    attributions: input.attributions.map((a) => ({
      source: a.source,
      text: a.text ?? null,
      required: a.required,
      asOf: a.asOf,
    })),
  };
}

function ownWatermark(wm: Watermark): Watermark {
  // Fixed member order, whatever order the caller's object has.
  return { userId: wm.userId, requestId: wm.requestId, timestamp: wm.timestamp, digest: wm.digest };
}

function renderBody(format: TextExportFormat, doc: PreparedDocument): string {
  switch (format) {
    case 'JSON':
      return renderJson(doc);
    case 'CSV':
      return renderCsv(doc);
    case 'TEXT':
      return renderText(doc);
  }
}

function embedWatermark(format: TextExportFormat, body: string, watermark: Watermark): string {
  switch (format) {
    case 'JSON': {
      // Same bytes as JSON.stringify({ ...doc, watermark }, null, 2) + '\n'.
      const closing = '\n}\n';
      return `${body.slice(0, -closing.length)}${jsonWatermarkMember(watermark)}${closing}`;
    }
    case 'CSV': {
      const at = csvHeaderOffset(body);
      return `${body.slice(0, at)}${csvWatermarkLine(watermark)}${body.slice(at)}`;
    }
    case 'TEXT':
      return `${body}${textWatermarkLine(watermark)}`;
  }
}

function stripWatermark(format: TextExportFormat, content: string, watermark: Watermark): string | null {
  switch (format) {
    case 'JSON': {
      const tail = `${jsonWatermarkMember(watermark)}\n}\n`;
      return content.endsWith(tail) ? `${content.slice(0, -tail.length)}\n}\n` : null;
    }
    case 'CSV': {
      const line = csvWatermarkLine(watermark);
      const at = csvHeaderOffset(content);
      if (at < line.length || content.slice(at - line.length, at) !== line) return null;
      return content.slice(0, at - line.length) + content.slice(at);
    }
    case 'TEXT': {
      const line = textWatermarkLine(watermark);
      return content.endsWith(line) ? content.slice(0, -line.length) : null;
    }
  }
}

/** A watermark as one line of text: `user=… request=… time=… digest=…`. */
export function watermarkSummary(wm: Watermark): string {
  return `user=${oneLine(wm.userId)} request=${oneLine(wm.requestId)} time=${oneLine(wm.timestamp)} digest=${oneLine(wm.digest)}`;
}

/** An attribution as one line of text: source, text, whether required, as-of date. */
export function attributionSummary(a: ExportAttribution): string {
  const text = a.text === null || a.text === '' ? '' : ` — ${oneLine(a.text)}`;
  return `${oneLine(a.source)}${text} (${a.required ? 'required; ' : ''}as of ${oneLine(a.asOf)})`;
}

// --- JSON ------------------------------------------------------------------------------------

function renderJson(doc: PreparedDocument): string {
  return `${JSON.stringify({ execution: doc.execution, result: doc.result, attributions: doc.attributions }, null, 2)}\n`;
}

function jsonWatermarkMember(wm: Watermark): string {
  return `,\n  "watermark": ${JSON.stringify(ownWatermark(wm), null, 2).replace(/\n/g, '\n  ')}`;
}

// --- CSV -------------------------------------------------------------------------------------

const CSV_HEADER_LINE = `${CSV_HEADER.join(',')}\n`;

function renderCsv(doc: PreparedDocument): string {
  const comments = [
    ...executionFields(doc.execution).map(([key, value]) => `# Execution: ${key}=${value}`),
    ...doc.attributions.map((a) => `# Attribution: ${attributionSummary(a)}`),
  ];
  const rows: (string | null)[][] = [[...CSV_HEADER], ...flattenJson(doc.result).map((leaf) => [leaf.path, csvValue(leaf)])];
  const table = stringify(rows, {
    record_delimiter: '\n',
    // csv-parse's `comment: '#'` also cuts a line at a '#' in the middle of an unquoted field, so
    // every field containing '#' is quoted; an empty string is quoted ("") so it differs from null.
    quoted_match: /#/,
    cast: { string: (value: string) => (value === '' ? { value, quoted_empty: true } : value) },
  });
  return `${comments.map((line) => `${line}\n`).join('')}${table}`;
}

/**
 * Value column: strings with formulas neutralised (csv quoting applies), numbers/booleans as JSON,
 * null empty.
 */
function csvValue(leaf: FlatLeaf): string | null {
  if (leaf.kind === 'empty') return leaf.value;
  const v = leaf.value;
  if (v === null) return null;
  return typeof v === 'string' ? neutraliseFormula(v) : JSON.stringify(v);
}

/** Offset of the header row: the first line that is not a comment (comments are single lines). */
function csvHeaderOffset(content: string): number {
  if (content.startsWith(CSV_HEADER_LINE)) return 0;
  const at = content.indexOf(`\n${CSV_HEADER_LINE}`);
  return at < 0 ? -1 : at + 1;
}

function csvWatermarkLine(wm: Watermark): string {
  return `# Watermark: ${watermarkSummary(wm)}\n`;
}

/** The execution's facts as single-line `[name, value]` pairs, in the order every format states them. */
export function executionFields(e: ExecutionSummary): [string, string][] {
  return [
    ['id', e.id],
    ['pattern', e.patternId],
    ['version', e.patternVersion],
    ['status', e.status],
    ['pricingPack', e.pricingPackId],
    ['ledgerCommit', e.ledgerCommitHash],
    ['asOf', e.asofDate],
    ['resultSha256', e.resultSha256 ?? 'none'],
  ].map(([key, value]) => [key, oneLine(value)] as [string, string]);
}

// --- TEXT ------------------------------------------------------------------------------------

function renderText(doc: PreparedDocument): string {
  const e = doc.execution;
  const lines = [
    'Freshgate execution export',
    `Pattern: ${oneLine(e.patternId)}`,
    `Version: ${oneLine(e.patternVersion)}`,
    `Execution: ${oneLine(e.id)}`,
    `Status: ${oneLine(e.status)}`,
    `Pricing pack: ${oneLine(e.pricingPackId)}`,
    `Ledger commit: ${oneLine(e.ledgerCommitHash)}`,
    `As of: ${oneLine(e.asofDate)}`,
    `Result SHA-256: ${e.resultSha256 === null ? 'none' : oneLine(e.resultSha256)}`,
    '',
    'Result:',
    ...flattenJson(doc.result).map((leaf) => `${leaf.path}: ${textValue(leaf)}`),
    '---',
    'Sources:',
    ...(doc.attributions.length === 0 ? ['  (none)'] : doc.attributions.map((a) => `  - ${attributionSummary(a)}`)),
  ];
  return lines.map((line) => `${line}\n`).join('');
}

/**
 * A result value on its TEXT line: JSON, with a string's formula neutralised inside its quotes, so
 * that a reader which splits at ": " and drops the quotes still gets text.
 */
export function textValue(leaf: FlatLeaf): string {
  if (leaf.kind === 'empty') return leaf.value;
  return scalarAsJson(typeof leaf.value === 'string' ? neutraliseFormula(leaf.value) : leaf.value);
}

function textWatermarkLine(wm: Watermark): string {
  return `Watermark: ${watermarkSummary(wm)}\n`;
}
