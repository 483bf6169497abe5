// npm run build: the embedded-database templates a new DATA_DIR starts from (see
// src/db/pglite-template.ts): migrated and empty, and migrated with the demo data. Each is built
// once per set of migrations, PGlite version (and demo dataset); kept otherwise. Templates of
// earlier migrations (~5 MB each) are removed: nothing starts from them again.
const { existsSync, readdirSync, rmSync } = require('node:fs');
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

function removeStale(current) {
  const dir = path.dirname(current[0]);
  for (const name of readdirSync(dir)) {
    const file = path.join(dir, name);
    if (/^pglite-(template|demo)-[0-9a-f]{16}\.tar\.gz$/.test(name) && !current.includes(file)) {
      rmSync(file, { force: true });
      console.log(`embedded database template, stale: ${path.relative(process.cwd(), file)} removed`);
    }
  }
}

(async () => {
  await build('migrated', pgliteTemplatePath(), ensurePgliteTemplate);
  await build('demo', demoTemplatePath(), ensureDemoTemplate);
  removeStale([pgliteTemplatePath(), demoTemplatePath()]);
})();
