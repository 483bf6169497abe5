// npm run db:seed — loads the demo data set into the configured database if it is empty.
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import { createDataLayer } from '../data/data-layer';
import { seedDemoData } from '../demo/seed-demo';

async function main(): Promise<void> {
  const db = await openDatabase(loadConfig());
  try {
    await migrate(db);
    const result = await seedDemoData(createDataLayer(db));
    process.stdout.write(
      result.seeded
        ? `seeded ${result.packs} pricing packs and ${result.commits} ledger commits\n`
        : 'the database already has data; nothing seeded\n',
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
