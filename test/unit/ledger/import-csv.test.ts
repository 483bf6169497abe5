import { readFileSync } from 'node:fs';
import path from 'node:path';
import { LedgerImportError, parseImportArgs, parseLedgerCsv, toImportProblem } from '../../../src/cli/import-ledger';

const fixture = (name: string) => readFileSync(path.join(__dirname, '../../fixtures', name), 'utf8');

function importError(run: () => unknown): LedgerImportError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(LedgerImportError);
    return error as LedgerImportError;
  }
  throw new Error('expected a LedgerImportError');
}

describe('parseLedgerCsv', () => {
  it('parses the sample fixture: empty cells are absent values, numbers are numbers, lines are remembered', () => {
    const { entries, lines } = parseLedgerCsv(fixture('ledger-sample.csv'));
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

  it('accepts columns in any order, quoting, CRLF, a BOM and blank lines (line numbers stay true)', () => {
    const text = '\uFEFFamount,currency,price,quantity,symbol,tradeDate,kind\r\n\r\n"10,5",CAD,,,,2026-11-23,DEPOSIT\r\n';
    const error = importError(() => parseLedgerCsv(text));
    // "10,5" is one quoted cell, and not a number: reported on line 3.
    expect(error.problems).toEqual([{ line: 3, field: 'amount', message: 'not a number: "10,5"' }]);
    const ok = parseLedgerCsv(text.replace('"10,5"', '" 10.5 "'));
    expect(ok.entries[0]).toMatchObject({ kind: 'DEPOSIT', amount: 10.5, currency: 'CAD' });
    expect(ok.lines).toEqual([3]);
  });

  it('reports every structural problem by line: column count, numbers', () => {
    const text = [
      'kind,tradeDate,symbol,quantity,price,currency,amount',
      'DEPOSIT,2026-11-23,,,,CAD,100',
      'BUY,2026-11-23,RY.TO,ten,206.5,CAD,',
      'FEE,2026-11-23,,,,CAD',
      'SELL,2026-11-23,AAPL,1,1e2,USD,,extra',
      'DIVIDEND,2026-11-23,AAPL,,,USD,1.2.3',
    ].join('\n');
    const error = importError(() => parseLedgerCsv(text, 'trades.csv'));
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

  it('requires the exact set of columns in the header', () => {
    const error = importError(() =>
      parseLedgerCsv('kind,date,symbol,quantity,price,currency,amount,note\nDEPOSIT,2026-11-23,,,,CAD,1,x\n', 'x.csv'),
    );
    expect(error.message).toContain('line 1: header lacks tradeDate');
    expect(error.message).toContain('header has unknown columns date, note');
    expect(error.message).toMatch(/^x\.csv:/);
  });

  it('refuses a file without rows', () => {
    expect(importError(() => parseLedgerCsv('kind,tradeDate,symbol,quantity,price,currency,amount\n')).message).toContain('no entries');
  });
});

describe('toImportProblem', () => {
  it('maps entry paths to CSV lines and columns', () => {
    const lines = [2, 3, 5];
    expect(toImportProblem({ path: 'entries.2.symbol', message: 'unknown symbol X' }, lines)).toEqual({
      line: 5,
      field: 'symbol',
      message: 'unknown symbol X',
    });
    expect(toImportProblem({ path: 'entries', message: 'empty' }, lines)).toEqual({ line: null, field: null, message: 'empty' });
    expect(toImportProblem({ path: 'message', message: 'too long' }, lines)).toEqual({
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
