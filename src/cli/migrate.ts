// npm run db:migrate — applies prisma/migrations to the configured database (DATABASE_URL, or
// the embedded one under DATA_DIR). The server does the same at start; this is for deploy steps.
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { openDatabase } from '../db/open-database';

async function main(): Promise<void> {
  const db = await openDatabase(loadConfig());
  try {
    const report = await migrate(db);
    process.stdout.write(
      report.applied.length > 0 ? `applied: ${report.applied.join(', ')}\n` : `up to date (${report.alreadyApplied.length} migrations)\n`,
    );
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
