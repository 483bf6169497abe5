// npm run build: the migrated embedded-database template a new DATA_DIR starts from (see
// src/db/pglite-template.ts). Built once per set of migrations and PGlite version; kept otherwise.
const path = require('node:path');
const { ensurePgliteTemplate, pgliteTemplatePath } = require('../dist/db/pglite-template');

const started = performance.now();
const existed = require('node:fs').existsSync(pgliteTemplatePath());
ensurePgliteTemplate().then((file) => {
  const took = existed ? 'up to date' : `${Math.round(performance.now() - started)} ms`;
  console.log(`embedded database template ${path.relative(process.cwd(), file)} (${took})`);
});
