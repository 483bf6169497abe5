// npm run ledger:import -- <portfolioId> <file.csv> [--message "…"] [--author <userId>]
// Appends every row of a CSV file to a portfolio's ledger as ONE commit, whatever its size,
// through the same rules as the appendLedgerEntries mutation: all rows or none. The file is
// streamed (ledger-csv.ts), never held whole; problems are reported by CSV line number.
//
// The file: a header naming the columns kind,tradeDate,symbol,quantity,price,currency,amount
// (any order, all of them, nothing else), then one entry per line; empty cells are absent
// values. Amounts are positive and kind gives the direction (see src/ledger/positions.ts).
import { accessSync, constants, createReadStream } from 'node:fs';
import path from 'node:path';
import type { Readable } from 'node:stream';
import { loadConfig } from '../config';
import { embeddedDatabaseOwner } from '../db/embedded-lock';
import { pendingMigrations } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import { createDataLayer, type DataLayer } from '../data/data-layer';
import type { LedgerCommitRecord } from '../data/ledger/ledger-repository';
import { appendLedgerStream, type LedgerEntrySource } from '../ledger/append-ledger-stream';
import { AppError, type InputIssue } from '../shared/errors';
import { byLine, LedgerImportError, LineIndex, readLedgerCsv, type ImportProblem } from './ledger-csv';

/** An entry path (`entries.3.symbol`) as a CSV problem (line of entry 3, column symbol). */
export function toImportProblem(issue: InputIssue, lineOf: (index: number) => number | null): ImportProblem {
  const match = /^entries\.(\d+)(?:\.(.+))?$/.exec(issue.path);
  if (match) return { line: lineOf(Number(match[1])), field: match[2] ?? null, message: issue.message };
  if (issue.path === 'message') return { line: null, field: '--message', message: issue.message };
  return { line: null, field: null, message: issue.message };
}

/** What to import where, and how the commit is labelled. */
export interface ImportLedgerOptions {
  portfolioId: string;
  /** The CSV: its text, or a function opening it afresh (the file is read once per pass, never held whole). */
  csv: string | (() => Readable);
  /** How the file is named in messages. */
  source?: string;
  message?: string | null;
  /** A user of the portfolio's tenant, recorded as the commit's author; null when omitted. */
  authorId?: string | null;
}

/**
 * Appends all the CSV's rows as one commit (appendLedgerStream: any number of rows, in bounded
 * memory, all or nothing), on behalf of the portfolio's own tenant. Every problem — CSV structure
 * or ledger rule — comes back as one LedgerImportError naming CSV lines (the first
 * MAX_LISTED_PROBLEMS, and how many more); nothing is written then.
 */
export async function importLedgerCsv(data: DataLayer, options: ImportLedgerOptions): Promise<LedgerCommitRecord> {
  const source = options.source ?? 'ledger.csv';
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

  const { csv } = options;
  // The lines of the latest read: the one whose problems the use-case reports.
  let lines = new LineIndex();
  const entries: LedgerEntrySource = async function* () {
    lines = new LineIndex();
    let index = 0;
    for await (const batch of readLedgerCsv(typeof csv === 'string' ? csv : csv(), source)) {
      for (const line of batch.lines) lines.add(index++, line);
      yield batch.entries;
    }
  };
  try {
    return await appendLedgerStream(data, {
      tenantId: portfolio.tenantId,
      authorId,
      portfolioId: options.portfolioId,
      entries,
      message: options.message ?? null,
    });
  } catch (error) {
    if (error instanceof AppError && error.code === 'BAD_USER_INPUT') {
      const issues = (error.extensions.issues as InputIssue[] | undefined) ?? [{ path: '', message: error.message }];
      const problems = issues.map((issue) => toImportProblem(issue, (index) => lines.lineOf(index))).sort(byLine);
      throw new LedgerImportError(source, problems, Number(error.extensions.omittedIssues ?? 0));
    }
    if (error instanceof AppError && error.code === 'PORTFOLIO_ARCHIVED') {
      throw new LedgerImportError(source, [{ line: null, field: null, message: error.message }]);
    }
    throw error;
  }
}

/** The command line of `npm run ledger:import`, read. */
export interface ImportArgs {
  portfolioId: string;
  file: string;
  message: string | null;
  authorId: string | null;
}

const USAGE = 'usage: npm run ledger:import -- <portfolioId> <file.csv> [--message "…"] [--author <userId>]';

/** Reads the command line; a bad one throws an Error that explains the usage. */
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
  accessSync(args.file, constants.R_OK); // before the database opens: a mistyped path fails at once
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
      csv: () => createReadStream(args.file),
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
