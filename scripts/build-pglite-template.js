// npm run build: the embedded-database templates a new DATA_DIR starts from (see
// src/db/pglite-template.ts): migrated and empty, and migrated with the demo data. Each is built
// once per set of migrations, PGlite version (and demo dataset); kept otherwise.
const { existsSync } = require('node:fs');
const path = require('node:path');
const { ensurePgliteTemplate, pgliteTemplatePath } = require('../dist/db/pglite-template');
const { ensureDemoTemplate, demoTemplatePath } = require('../dist/demo/demo-template');

async function build(name, file, ensure) {
  const started = performance.now();
  const existed = existsSync(file);
  await ensure();
  const took = existed ? 'up to date' : `${Math.round(performance.now() - started)} ms`;
  console.log(`embedded database template, ${name}: ${path.relative(process.cwd(), file)} (${took})`);
}

(async () => {
  await build('migrated', pgliteTemplatePath(), ensurePgliteTemplate);
  await build('demo', demoTemplatePath(), ensureDemoTemplate);
})();
