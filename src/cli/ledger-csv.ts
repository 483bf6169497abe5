// Reading a ledger CSV file as it goes, for `npm run ledger:import` (import-ledger.ts): a batch of
// entries at a time, each with its line, so a file of any size is never held whole.
import { pipeline, Readable } from 'node:stream';
import { CsvError, parse } from 'csv-parse';
import type { LedgerEntryInput } from '../ledger/entry-validation';

/** The columns of a ledger CSV file: a header names all of them, in any order, and nothing else. */
export const CSV_COLUMNS = ['kind', 'tradeDate', 'symbol', 'quantity', 'price', 'currency', 'amount'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
type CsvRow = Record<CsvColumn, string>;

/** Entries read per batch: the unit of checking and inserting, and what the reader holds at once. */
export const CSV_BATCH_ROWS = 1_000;
/** Problems an import lists; beyond them it only counts, so a file wrong on every line reports in bounded memory. */
export const MAX_LISTED_PROBLEMS = 100;

/** One thing wrong with an import. */
export interface ImportProblem {
  /** 1-based line of the CSV file; null for a problem of the whole file or command. */
  line: number | null;
  /** The column (or option) at fault, when there is one. */
  field: string | null;
  message: string;
}

/** Everything wrong with an import, by line; nothing was written. */
export class LedgerImportError extends Error {
  /**
   * problems: those listed (at most MAX_LISTED_PROBLEMS); omitted: how many more there were.
   */
  constructor(
    readonly source: string,
    readonly problems: ImportProblem[],
    readonly omitted = 0,
  ) {
    super(formatProblems(source, problems, omitted));
    this.name = 'LedgerImportError';
  }
}

/** The report an operator reads: a count, then one line per problem, by CSV line. */
export function formatProblems(source: string, problems: readonly ImportProblem[], omitted = 0): string {
  const total = problems.length + omitted;
  const count = total === 1 ? '1 problem' : `${total} problems`;
  const lines = problems.map((p) => {
    const where = [p.line !== null ? `line ${p.line}` : null, p.field].filter((part) => part !== null).join(', ');
    return `  ${where ? `${where}: ` : ''}${p.message}`;
  });
  if (omitted > 0) lines.push(`  … and ${omitted} more`);
  return [`${source}: ${count}, nothing imported`, ...lines].join('\n');
}

/** Entries of the file in order, with the line each came from (lines[i] for entries[i]). */
export interface LedgerCsvBatch {
  entries: LedgerEntryInput[];
  lines: number[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMERIC_COLUMNS = ['quantity', 'price', 'amount'] as const;

/**
 * Reads a ledger CSV (csv-parse: quoting, BOM, CRLF; strict column count per record) a batch of
 * at most batchRows entries at a time. Empty cells are absent values. Structural problems —
 * header, column count, numbers — are collected for every line to the end of the file, then
 * thrown together as a LedgerImportError; from the first one on, no more batches are yielded (a
 * later entry would be judged against a ledger missing that row). Entry rules are the ledger's
 * (LedgerEntryChecker), applied by the caller.
 */
export async function* readLedgerCsv(
  input: Readable | string,
  source = 'ledger.csv',
  batchRows = CSV_BATCH_ROWS,
): AsyncGenerator<LedgerCsvBatch> {
  const problems = new ProblemList(MAX_LISTED_PROBLEMS);
  const parser = parse({
    bom: true,
    trim: true,
    skip_empty_lines: true,
    info: true,
    columns: (header: string[]) => checkHeader(header),
    skip_records_with_error: true,
    on_skip: (error) => {
      if (error) problems.add({ line: csvLine(error), field: null, message: error.message.replace(/ on line \d+$/, '') });
      return undefined;
    },
  });
  // pipeline: an error of the file (not found, unreadable) ends the parser's iteration with it,
  // and a consumer that stops early closes the file.
  pipeline(typeof input === 'string' ? Readable.from([input]) : input, parser, () => {});

  let batch: LedgerCsvBatch = { entries: [], lines: [] };
  let records = 0;
  try {
    for await (const { record: raw, info } of parser as AsyncIterable<{ record: CsvRow; info: { lines: number } }>) {
      records++;
      const entry = toEntry(raw, info.lines, problems);
      if (problems.total > 0) continue;
      batch.entries.push(entry);
      batch.lines.push(info.lines);
      if (batch.entries.length >= batchRows) {
        yield batch;
        batch = { entries: [], lines: [] };
      }
    }
  } catch (error) {
    if (error instanceof LedgerImportError) throw new LedgerImportError(source, error.problems);
    if (error instanceof CsvError) throw new LedgerImportError(source, [{ line: csvLine(error), field: null, message: error.message }]);
    throw error;
  }
  if (records === 0 && problems.total === 0)
    problems.add({ line: null, field: null, message: 'no entries: the file has a header but no rows' });
  // Skipped records are reported as the parser meets them, a little ahead of the records read: by line again.
  if (problems.total > 0) throw new LedgerImportError(source, problems.listed.sort(byLine), problems.total - problems.listed.length);
  if (batch.entries.length > 0) yield batch;
}

function toEntry(raw: CsvRow, line: number, problems: ProblemList): LedgerEntryInput {
  // csv-parse trims around quotes; a quoted cell keeps its inner spaces, which mean nothing here.
  const cell = (column: CsvColumn) => (raw[column] ?? '').trim();
  const numbers: Partial<Record<(typeof NUMERIC_COLUMNS)[number], number | null>> = {};
  for (const column of NUMERIC_COLUMNS) {
    const text = cell(column);
    if (text === '') numbers[column] = null;
    else if (NUMBER.test(text)) numbers[column] = Number(text);
    else problems.add({ line, field: column, message: `not a number: "${text}"` });
  }
  const symbol = cell('symbol');
  return {
    kind: cell('kind'),
    tradeDate: cell('tradeDate'),
    symbol: symbol === '' ? null : symbol,
    quantity: numbers.quantity ?? null,
    price: numbers.price ?? null,
    currency: cell('currency'),
    amount: numbers.amount ?? null,
  };
}

function checkHeader(header: string[]): string[] {
  const names = header.map((h) => h.trim());
  const missing = CSV_COLUMNS.filter((c) => !names.includes(c));
  const unknown = names.filter((n) => !(CSV_COLUMNS as readonly string[]).includes(n));
  const duplicated = names.filter((n, i) => names.indexOf(n) !== i);
  const problems: ImportProblem[] = [];
  if (missing.length > 0) problems.push({ line: 1, field: null, message: `header lacks ${missing.join(', ')}` });
  if (unknown.length > 0) problems.push({ line: 1, field: null, message: `header has unknown columns ${unknown.join(', ')}` });
  if (duplicated.length > 0) problems.push({ line: 1, field: null, message: `header repeats ${[...new Set(duplicated)].join(', ')}` });
  if (problems.length > 0) {
    problems.push({ line: 1, field: null, message: `expected the columns ${CSV_COLUMNS.join(',')}` });
    throw new LedgerImportError('header', problems);
  }
  return names;
}

/** Orders problems by line, those of no line first. */
export function byLine(a: ImportProblem, b: ImportProblem): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

function csvLine(error: CsvError): number | null {
  return typeof error.lines === 'number' ? error.lines : null;
}

/** The first `limit` problems, and how many there were. */
class ProblemList {
  readonly listed: ImportProblem[] = [];
  total = 0;

  constructor(private readonly limit: number) {}

  add(problem: ImportProblem): void {
    this.total++;
    if (this.listed.length < this.limit) this.listed.push(problem);
  }
}

/**
 * Entry index → CSV line, for problems the ledger reports by entry (`entries.98997.amount`). It
 * stores only where line − index changes (blank lines, cells spanning lines), so for a regular
 * file its size does not grow with the file's.
 */
export class LineIndex {
  private readonly starts: number[] = [];
  private readonly offsets: number[] = [];
  private count = 0;

  /** Records that entry `index` (the next one: indexes come in order from 0) is on `line`. */
  add(index: number, line: number): void {
    const offset = line - index;
    if (this.offsets.length === 0 || this.offsets[this.offsets.length - 1] !== offset) {
      this.starts.push(index);
      this.offsets.push(offset);
    }
    this.count = index + 1;
  }

  /** The line of entry `index`, or null for an entry never recorded. */
  lineOf(index: number): number | null {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) return null;
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle] <= index) low = middle;
      else high = middle - 1;
    }
    return index + this.offsets[low];
  }
}
