import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pendingMigrations, readMigrations } from '../../src/db/migrator';
import { openPgliteDatabase } from '../../src/db/pglite-database';
import { ensurePgliteTemplate, pgliteTemplatePath, readPgliteTemplate } from '../../src/db/pglite-template';
import { createDataLayer } from '../../src/data/data-layer';
import { buildDemoDataset } from '../../src/demo/demo-dataset';
import { ensureDemoTemplate, readDemoTemplate } from '../../src/demo/demo-template';
import { seedDemoData } from '../../src/demo/seed-demo';

/** Issue 19: a new embedded data directory starts from the migrated template, not from initdb. */
describe('the embedded database template', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'freshgate-template-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('is named by the migrations it holds, and a new data directory opened from it has every one applied', async () => {
    const file = await ensurePgliteTemplate();
    expect(file).toBe(pgliteTemplatePath());
    expect(path.basename(file)).toMatch(/^pglite-template-[0-9a-f]{16}\.tar\.gz$/);

    const db = await openPgliteDatabase(path.join(dir, 'pglite'), readPgliteTemplate);
    try {
      expect(await pendingMigrations(db)).toEqual([]);
      const applied = await db.sql.query<{ n: number }>(
        'SELECT count(*)::int AS n FROM "_prisma_migrations" WHERE finished_at IS NOT NULL',
      );
      expect(applied[0].n).toBe(readMigrations().length);
      await db.sql.exec(
        `INSERT INTO securities (symbol, name, currency, asset_class, exchange) VALUES ('TPL', 'kept', 'CAD', 'EQUITY', 'TSX')`,
      );
    } finally {
      await db.close();
    }
  });

  it('is not loaded over an existing data directory: what was written there stays', async () => {
    const template = jest.fn(readPgliteTemplate);
    const db = await openPgliteDatabase(path.join(dir, 'pglite'), template);
    try {
      expect(template).not.toHaveBeenCalled();
      expect(await db.sql.query('SELECT name FROM securities WHERE symbol = $1', ['TPL'])).toEqual([{ name: 'kept' }]);
    } finally {
      await db.close();
    }
  });

  it('the demo’s template holds the seeded demo: a start on it seeds nothing, and its packs are the dataset’s', async () => {
    await ensureDemoTemplate();
    const db = await openPgliteDatabase(path.join(dir, 'demo', 'pglite'), readDemoTemplate);
    try {
      expect(await pendingMigrations(db)).toEqual([]);
      const dataset = buildDemoDataset();
      expect(await seedDemoData(createDataLayer(db))).toEqual({ seeded: false, packs: 0, commits: 0 });
      const [packs] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM pricing_packs');
      expect(packs.n).toBe(dataset.packs.length);
      const [prices] = await db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM pack_prices');
      expect(prices.n).toBe(dataset.packs.reduce((n, p) => n + p.prices.length, 0));
    } finally {
      await db.close();
    }
  });

  it('an in-memory database from it is migrated too (what the PGlite suites open per file)', async () => {
    const db = await openPgliteDatabase(undefined, readPgliteTemplate);
    try {
      expect(await pendingMigrations(db)).toEqual([]);
    } finally {
      await db.close();
    }
  });
});
