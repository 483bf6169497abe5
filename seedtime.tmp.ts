import { performance } from 'node:perf_hooks';
import { openPgliteDatabase } from './src/db/pglite-database';
import { migrate } from './src/db/migrator';
import { buildDemoDataset } from './src/demo/demo-dataset';
async function main() {
  let t = performance.now();
  const lap = (what: string) => { const n = performance.now(); console.log(what, Math.round(n - t), 'ms'); t = n; };
  const db = await openPgliteDatabase(process.argv[2]);
  lap('open');
  await migrate(db);
  lap('migrate');
  const d = buildDemoDataset();
  lap('dataset');
  console.log('prices', d.packs.reduce((n, p) => n + p.prices.length, 0));
  await db.close();
}
main();
