// npm run ledger:import -- <portfolioId> <file.csv> [--message "…"] [--author <userId>]
// Appends every row of a CSV file to a portfolio's ledger as ONE commit, through the same
// use-case (and rules) as the appendLedgerEntries mutation: all rows or none. Problems are
// reported by CSV line number.
//
// The file: a header naming the columns kind,tradeDate,symbol,quantity,price,currency,amount
// (any order, all of them, nothing else), then one entry per line; empty cells are absent
// values. Amounts are positive and kind gives the direction (see src/ledger/positions.ts).
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { CsvError, parse } from 'csv-parse/sync';
import { loadConfig } from '../config';
import { embeddedDatabaseOwner } from '../db/embedded-lock';
import { pendingMigrations } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import { createDataLayer, type DataLayer } from '../data/data-layer';
import type { LedgerCommitRecord } from '../data/ledger/ledger-repository';
import { appendLedgerEntries } from '../ledger/append-ledger-entries';
import type { LedgerEntryInput } from '../ledger/entry-validation';
import { AppError, type InputIssue } from '../shared/errors';

/** The columns a ledger CSV file must have, each exactly once, in any order. */
export const CSV_COLUMNS = ['kind', 'tradeDate', 'symbol', 'quantity', 'price', 'currency', 'amount'] as const;
type CsvColumn = (typeof CSV_COLUMNS)[number];
type CsvRow = Record<CsvColumn, string>;

/** One thing wrong with an import, placed by CSV line and column so the operator can fix the file. */
export interface ImportProblem {
  /** 1-based line of the CSV file; null for a problem of the whole file or command. */
  line: number | null;
  /** The column (or option) at fault, when there is one. */
  field: string | null;
  message: string;
}

/** Everything wrong with an import, by line; nothing was written. */
export class LedgerImportError extends Error {
  constructor(
    readonly source: string,
    readonly problems: ImportProblem[],
  ) {
    super(formatProblems(source, problems));
    this.name = 'LedgerImportError';
  }
}

/** The message of a LedgerImportError: the file and how many problems, then one indented line per problem. */
export function formatProblems(source: string, problems: readonly ImportProblem[]): string {
  const count = problems.length === 1 ? '1 problem' : `${problems.length} problems`;
  const lines = problems.map((p) => {
    const where = [p.line !== null ? `line ${p.line}` : null, p.field].filter((part) => part !== null).join(', ');
    return `  ${where ? `${where}: ` : ''}${p.message}`;
  });
  return [`${source}: ${count}, nothing imported`, ...lines].join('\n');
}

/** A CSV file's entries, ready for the use-case, with the line each came from so its problems can be reported there. */
export interface ParsedLedgerCsv {
  entries: LedgerEntryInput[];
  /** lines[i]: the CSV line entries[i] came from. */
  lines: number[];
}

const NUMBER = /^[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?$/;
const NUMERIC_COLUMNS = ['quantity', 'price', 'amount'] as const;

/**
 * Parses the CSV text (csv-parse: quoting, BOM, CRLF; strict column count per record).
 * Structural problems — header, column count, numbers — are collected for every line, then
 * thrown together as a LedgerImportError. Entry rules are the use-case's (see importLedgerCsv).
 */
export function parseLedgerCsv(text: string, source = 'ledger.csv'): ParsedLedgerCsv {
  const problems: ImportProblem[] = [];
  let records: { record: CsvRow; info: { lines: number } }[];
  try {
    records = parse(text, {
      bom: true,
      trim: true,
      skip_empty_lines: true,
      info: true,
      columns: (header: string[]) => checkHeader(header),
      skip_records_with_error: true,
      on_skip: (error) => {
        if (error) problems.push({ line: csvLine(error), field: null, message: error.message.replace(/ on line \d+$/, '') });
        return undefined;
      },
    }) as unknown as { record: CsvRow; info: { lines: number } }[];
  } catch (error) {
    if (error instanceof LedgerImportError) throw new LedgerImportError(source, error.problems);
    if (error instanceof CsvError) throw new LedgerImportError(source, [{ line: csvLine(error), field: null, message: error.message }]);
    throw error;
  }
  if (records.length === 0 && problems.length === 0)
    problems.push({ line: null, field: null, message: 'no entries: the file has a header but no rows' });

  const entries: LedgerEntryInput[] = [];
  const lines: number[] = [];
  for (const { record: raw, info } of records) {
    // csv-parse trims around quotes; a quoted cell keeps its inner spaces, which mean nothing here.
    const record = Object.fromEntries(CSV_COLUMNS.map((c) => [c, (raw[c] ?? '').trim()])) as CsvRow;
    const numbers: Partial<Record<(typeof NUMERIC_COLUMNS)[number], number | null>> = {};
    for (const column of NUMERIC_COLUMNS) {
      const cell = record[column];
      if (cell === '') numbers[column] = null;
      else if (NUMBER.test(cell)) numbers[column] = Number(cell);
      else problems.push({ line: info.lines, field: column, message: `not a number: "${cell}"` });
    }
    entries.push({
      kind: record.kind,
      tradeDate: record.tradeDate,
      symbol: record.symbol === '' ? null : record.symbol,
      quantity: numbers.quantity ?? null,
      price: numbers.price ?? null,
      currency: record.currency,
      amount: numbers.amount ?? null,
    });
    lines.push(info.lines);
  }
  if (problems.length > 0) throw new LedgerImportError(source, problems.sort(byLine));
  return { entries, lines };
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

function csvLine(error: CsvError): number | null {
  return typeof error.lines === 'number' ? error.lines : null;
}

function byLine(a: ImportProblem, b: ImportProblem): number {
  return (a.line ?? 0) - (b.line ?? 0);
}

/** An entry path (`entries.3.symbol`) as a CSV problem (line of entry 3, column symbol). */
export function toImportProblem(issue: InputIssue, lines: readonly number[]): ImportProblem {
  const match = /^entries\.(\d+)(?:\.(.+))?$/.exec(issue.path);
  if (match) return { line: lines[Number(match[1])] ?? null, field: match[2] ?? null, message: issue.message };
  if (issue.path === 'message') return { line: null, field: '--message', message: issue.message };
  return { line: null, field: null, message: issue.message };
}

/** One import: the CSV text, the portfolio it goes to, and what the commit records (message, author). */
export interface ImportLedgerOptions {
  portfolioId: string;
  /** The CSV text. */
  csv: string;
  /** How the file is named in messages. */
  source?: string;
  message?: string | null;
  /** A user of the portfolio's tenant, recorded as the commit's author; null when omitted. */
  authorId?: string | null;
}

/**
 * Parses the CSV and appends all its rows as one commit, on behalf of the portfolio's own
 * tenant. Every problem — CSV structure or ledger rule — comes back as one LedgerImportError
 * naming CSV lines; nothing is written then.
 */
export async function importLedgerCsv(data: DataLayer, options: ImportLedgerOptions): Promise<LedgerCommitRecord> {
  const source = options.source ?? 'ledger.csv';
  const { entries, lines } = parseLedgerCsv(options.csv, source);
  const portfolio = await data.portfolios.findById(options.portfolioId);
  if (!portfolio) throw new LedgerImportError(source, [{ line: null, field: null, message: `no portfolio ${options.portfolioId}` }]);
  const authorId = options.authorId ?? null;
  if (authorId !== null) {
    const author = await data.users.findInTenant(portfolio.tenantId, authorId);
    if (!author) {
      throw new LedgerImportError(source, [
        { line: null, field: '--author', message: `${authorId} is not a user of tenant ${portfolio.tenantId}` },
      ]);
    }
  }
  try {
    return await appendLedgerEntries(data, {
      tenantId: portfolio.tenantId,
      authorId,
      portfolioId: options.portfolioId,
      entries,
      message: options.message ?? null,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
      const issues = (error.extensions.issues as InputIssue[] | undefined) ?? [{ path: '', message: error.message }];
      throw new LedgerImportError(source, issues.map((issue) => toImportProblem(issue, lines)).sort(byLine));
    }
    if (error instanceof AppError && error.code === 'PORTFOLIO_ARCHIVED') {
      throw new LedgerImportError(source, [{ line: null, field: null, message: error.message }]);
    }
    throw error;
  }
}

/** The command line of `npm run ledger:import`: the portfolio and the file, and the optional message and author. */
export interface ImportArgs {
  portfolioId: string;
  file: string;
  message: string | null;
  authorId: string | null;
}

const USAGE = 'usage: npm run ledger:import -- <portfolioId> <file.csv> [--message "…"] [--author <userId>]';

/** Reads the command line; missing, extra or unknown arguments throw with the usage line. */
export function parseImportArgs(argv: readonly string[]): ImportArgs {
  const positional: string[] = [];
  let message: string | null = null;
  let authorId: string | null = null;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--message' || arg === '--author') {
      const value = argv[++i];
      if (value === undefined) throw new Error(`${arg} needs a value\n${USAGE}`);
      if (arg === '--message') message = value;
      else authorId = value;
    } else if (arg.startsWith('--')) {
      throw new Error(`unknown option ${arg}\n${USAGE}`);
    } else {
      positional.push(arg);
    }
  }
  if (positional.length !== 2) throw new Error(USAGE);
  return { portfolioId: positional[0], file: positional[1], message, authorId };
}

async function main(): Promise<void> {
  const args = parseImportArgs(process.argv.slice(2));
  const csv = readFileSync(args.file, 'utf8');
  const config = loadConfig();
  const owner = config.databaseUrl ? undefined : embeddedDatabaseOwner(path.join(config.dataDir, 'pglite'));
  if (owner !== undefined)
    throw new Error(`the embedded database is in use by pid ${owner}: stop that server first, or import into PostgreSQL with DATABASE_URL`);
  const db = await openDatabase(config);
  try {
    if ((await pendingMigrations(db)).length > 0)
      throw new Error('the database is not migrated yet: run npm start or npm run db:migrate first');
    const commit = await importLedgerCsv(createDataLayer(db), {
      portfolioId: args.portfolioId,
      csv,
      source: path.basename(args.file),
      message: args.message,
      authorId: args.authorId,
    });
    process.stdout.write(
      `appended ${commit.entryCount} entries to ${commit.portfolioId} as commit ${commit.seq}\n` +
        `  hash   ${commit.hash}\n  parent ${commit.parentHash ?? '(none)'}\n`,
    );
  } finally {
    await db.close();
  }
}

if (require.main === module) {
  main().catch((error: unknown) => {
    process.stderr.write(`${(error as Error).message}\n`);
    process.exit(1);
  });
}
