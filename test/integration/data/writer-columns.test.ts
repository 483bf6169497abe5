import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { AUDIT_COLUMNS } from '../../../src/data/audit/audit-writer';
import { CREDIT_COLUMNS } from '../../../src/data/credits/credit-writer';
import { openTestDatabase, type TestDatabase } from '../../support/test-database';

let test: TestDatabase;

beforeAll(async () => {
  test = await openTestDatabase();
});
afterAll(async () => {
  await test?.close();
});

/** The columns a writer must fill: every column of the migrated table the database does not fill itself. */
async function columnsWithoutDefault(table: string): Promise<string[]> {
  const rows = await test.db.sql.query<{ column_name: string }>(
    `SELECT column_name FROM information_schema.columns
      WHERE table_schema = current_schema() AND table_name = $1 AND column_default IS NULL
      ORDER BY column_name`,
    [table],
  );
  return rows.map((r) => r.column_name);
}

describe('the one column list of each append-only table', () => {
  it.each([
    ['audit_log', AUDIT_COLUMNS],
    ['credit_transactions', CREDIT_COLUMNS],
  ])('%s: the writer names exactly the columns the migrations define without a default', async (table, columns) => {
    expect(await columnsWithoutDefault(table)).toEqual([...columns].sort());
  });
});

describe('one writer per append-only table', () => {
  const SRC = path.join(__dirname, '../../../src');
  const WRITERS: Record<string, { writer: string; model: string }> = {
    audit_log: { writer: 'data/audit/audit-writer.ts', model: 'auditEntry' },
    credit_transactions: { writer: 'data/credits/credit-writer.ts', model: 'creditTransaction' },
  };

  function sourceFiles(dir: string): string[] {
    return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
      return entry.name.endsWith('.ts') ? [full] : [];
    });
  }

  it.each(Object.entries(WRITERS))('only %s’s writer inserts into it, by SQL or by Prisma', (table, { writer, model }) => {
    const writes = new RegExp(`INSERT\\s+INTO\\s+"?${table}"?|\\b${model}\\.(create|createMany|upsert)\\b`, 'i');
    const writers = sourceFiles(SRC)
      .filter((file) => writes.test(readFileSync(file, 'utf8')))
      .map((file) => path.relative(SRC, file));
    expect(writers).toEqual([writer]);
  });
});
