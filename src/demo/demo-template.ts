import { createHash } from 'node:crypto';
import { createDataLayer } from '../data/data-layer';
import { ensurePgliteTemplate, ensureTemplate, readTemplate, templatePath } from '../db/pglite-template';
import { buildDemoDataset } from './demo-dataset';
import { seedDemoData } from './seed-demo';

/**
 * The embedded demo: the migrated template with the demo data seeded, so `npm start` on a new
 * DATA_DIR loads a year of packs and ledgers instead of inserting them (the packs' triggers run
 * per row, which PGlite makes slow). The dataset is fixed (its dates are not today's): its
 * content is part of the template's name, so a change to it makes a new template.
 */
export function demoTemplatePath(): string {
  const dataset = createHash('sha256').update(JSON.stringify(buildDemoDataset())).digest('hex');
  return templatePath('pglite-demo', dataset);
}

/** The demo template, or undefined when it was not built. */
export function readDemoTemplate(): Blob | undefined {
  return readTemplate(demoTemplatePath());
}

/** Builds the demo template (from the migrated one) unless it exists: `npm run build` does. */
export async function ensureDemoTemplate(): Promise<string> {
  const base = await ensurePgliteTemplate();
  return ensureTemplate(
    demoTemplatePath(),
    async (db) => {
      await seedDemoData(createDataLayer(db));
    },
    base,
  );
}
