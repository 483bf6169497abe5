import { readFileSync } from 'node:fs';
import path from 'node:path';
import { Readable } from 'node:stream';
import { parseImportArgs, toImportProblem } from '../../../src/cli/import-ledger';
import { LedgerImportError, LineIndex, MAX_LISTED_PROBLEMS, readLedgerCsv, type LedgerCsvBatch } from '../../../src/cli/ledger-csv';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures', name), 'utf8');

/** Every batch of the file, concatenated (what a test of the reader's output needs). */
async function parseLedgerCsv(input: string | Readable, source?: string, batchRows?: number): Promise<LedgerCsvBatch> {
  const all: LedgerCsvBatch = { entries: [], lines: [] };
  for await (const batch of readLedgerCsv(input, source, batchRows)) {
    all.entries.push(...batch.entries);
    all.lines.push(...batch.lines);
  }
  return all;
}

async function importError(run: () => Promise<unknown>): Promise<LedgerImportError> {
  try {
    await run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerImportError);
    return error as LedgerImportError;
  }
  throw new Error('expected a LedgerImportError');
}

describe('readLedgerCsv', () => {
  it('parses the sample fixture: empty cells are absent values, numbers are numbers, lines are remembered', async () => {
    const { entries, lines } = await parseLedgerCsv(fixture('ledger-sample.csv'));
    expect(entries).toHaveLength(6);
    expect(lines).toEqual([2, 3, 4, 5, 6, 7]);
    expect(entries[0]).toEqual({
      kind: 'DEPOSIT',
      tradeDate: '2026-11-23',
      symbol: null,
      quantity: null,
      price: null,
      currency: 'CAD',
      amount: 10_000,
    });
    expect(entries[1]).toEqual({
      kind: 'BUY',
      tradeDate: '2026-11-23',
      symbol: 'RY.TO',
      quantity: 20,
      price: 206.5,
      currency: 'CAD',
      amount: null,
    });
  });

  it('accepts columns in any order, quoting, CRLF, a BOM and blank lines (line numbers stay true)', async () => {
    const text = '\uFEFFamount,currency,price,quantity,symbol,tradeDate,kind\r\n\r\n"10,5",CAD,,,,2026-11-23,DEPOSIT\r\n';
    const error = await importError(() => parseLedgerCsv(text));
    // "10,5" is one quoted cell, and not a number: reported on line 3.
    expect(error.problems).toEqual([{ line: 3, field: 'amount', message: 'not a number: "10,5"' }]);
    const ok = await parseLedgerCsv(text.replace('"10,5"', '" 10.5 "'));
    expect(ok.entries[0]).toMatchObject({ kind: 'DEPOSIT', amount: 10.5, currency: 'CAD' });
    expect(ok.lines).toEqual([3]);
  });

  it('reports every structural problem by line: column count, numbers', async () => {
    const text = [
      'kind,tradeDate,symbol,quantity,price,currency,amount',
      'DEPOSIT,2026-11-23,,,,CAD,100',
      'BUY,2026-11-23,RY.TO,ten,206.5,CAD,',
      'FEE,2026-11-23,,,,CAD',
      'SELL,2026-11-23,AAPL,1,1e2,USD,,extra',
      'DIVIDEND,2026-11-23,AAPL,,,USD,1.2.3',
    ].join('\n');
    const error = await importError(() => parseLedgerCsv(text, 'trades.csv'));
    expect(error.problems.map((p) => [p.line, p.field])).toEqual([
      [3, 'quantity'],
      [4, null],
      [5, null],
      [6, 'amount'],
    ]);
    expect(error.message).toMatch(/^trades\.csv: 4 problems, nothing imported/);
    expect(error.message).toContain('line 3, quantity: not a number: "ten"');
    expect(error.message).toMatch(/line 4: .*columns length is 7, got 6/);
  });

  it('requires the exact set of columns in the header', async () => {
    const error = await importError(() =>
      parseLedgerCsv('kind,date,symbol,quantity,price,currency,amount,note\nDEPOSIT,2026-11-23,,,,CAD,1,x\n', 'x.csv'),
    );
    expect(error.message).toContain('line 1: header lacks tradeDate');
    expect(error.message).toContain('header has unknown columns date, note');
    expect(error.message).toMatch(/^x\.csv:/);
  });

  it('refuses a file without rows', async () => {
    expect((await importError(() => parseLedgerCsv('kind,tradeDate,symbol,quantity,price,currency,amount\n'))).message).toContain(
      'no entries',
    );
  });

  it('yields batches of at most batchRows entries, reading the stream as it comes', async () => {
    const rows = Array.from({ length: 25 }, (_, i) => `DEPOSIT,2026-11-23,,,,CAD,${i + 1}`);
    // One row per chunk, split mid-line: a stream, not a string read whole.
    const chunks = ['kind,tradeDate,symbol,quantity,price,currency,amount\n', ...rows.flatMap((r) => [r.slice(0, 7), `${r.slice(7)}\n`])];
    const sizes: number[] = [];
    for await (const batch of readLedgerCsv(Readable.from(chunks), 'x.csv', 10)) {
      sizes.push(batch.entries.length);
      expect(batch.lines).toEqual(batch.entries.map((e) => Number(e.amount) + 1));
    }
    expect(sizes).toEqual([10, 10, 5]);
  });

  it('stops yielding at the first structural problem but reports every one (the first MAX_LISTED_PROBLEMS, then a count)', async () => {
    const bad = MAX_LISTED_PROBLEMS + 50;
    const rows = ['DEPOSIT,2026-11-23,,,,CAD,1', ...Array.from({ length: bad }, () => 'DEPOSIT,2026-11-23,,,,CAD,one')];
    const yielded: number[] = [];
    const error = await importError(async () => {
      for await (const batch of readLedgerCsv(['kind,tradeDate,symbol,quantity,price,currency,amount', ...rows].join('\n'), 'x.csv', 1))
        yielded.push(...batch.lines);
    });
    expect(yielded).toEqual([2]);
    expect(error.problems).toHaveLength(MAX_LISTED_PROBLEMS);
    expect(error.omitted).toBe(50);
    expect(error.problems[0]).toEqual({ line: 3, field: 'amount', message: 'not a number: "one"' });
    expect(error.message).toMatch(new RegExp(`^x\\.csv: ${bad} problems, nothing imported\n`));
    expect(error.message).toMatch(/\n {2}… and 50 more$/);
  });

  it('ends with the error of an unreadable stream', async () => {
    const failing = new Readable({ read: () => failing.destroy(new Error('disk on fire')) });
    await expect(parseLedgerCsv(failing)).rejects.toThrow('disk on fire');
  });
});

describe('LineIndex', () => {
  it('finds the line of every entry, storing only where the step between lines changes', () => {
    const lines = [2, 3, 4, 6, 7, 10, 11, 12];
    const index = new LineIndex();
    lines.forEach((line, i) => index.add(i, line));
    expect(lines.map((_, i) => index.lineOf(i))).toEqual(lines);
    expect([index.lineOf(-1), index.lineOf(8), index.lineOf(1.5)]).toEqual([null, null, null]);
  });
});

describe('toImportProblem', () => {
  it('maps entry paths to CSV lines and columns', () => {
    const lines = [2, 3, 5];
    const lineOf = (i: number) => lines[i] ?? null;
    expect(toImportProblem({ path: 'entries.2.symbol', message: 'unknown symbol X' }, lineOf)).toEqual({
      line: 5,
      field: 'symbol',
      message: 'unknown symbol X',
    });
    expect(toImportProblem({ path: 'entries', message: 'empty' }, lineOf)).toEqual({ line: null, field: null, message: 'empty' });
    expect(toImportProblem({ path: 'message', message: 'too long' }, lineOf)).toEqual({
      line: null,
      field: '--message',
      message: 'too long',
    });
  });
});

describe('parseImportArgs', () => {
  it('reads the portfolio, the file and the options', () => {
    expect(parseImportArgs(['pf-demo-growth', 'x.csv', '--message', 'Nov trades', '--author', 'demo-analyst'])).toEqual({
      portfolioId: 'pf-demo-growth',
      file: 'x.csv',
      message: 'Nov trades',
      authorId: 'demo-analyst',
    });
    expect(parseImportArgs(['pf', 'x.csv'])).toEqual({ portfolioId: 'pf', file: 'x.csv', message: null, authorId: null });
  });

  it('explains its usage on a bad command line', () => {
    expect(() => parseImportArgs(['pf'])).toThrow(/usage: npm run ledger:import/);
    expect(() => parseImportArgs(['pf', 'x.csv', '--force'])).toThrow(/unknown option --force/);
    expect(() => parseImportArgs(['pf', 'x.csv', '--author'])).toThrow(/--author needs a value/);
  });
});
