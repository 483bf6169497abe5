// npm run db:grant -- <role> — as the database owner (DATABASE_URL), after `npm run db:migrate`:
// gives the application's role exactly the privileges freshgate needs (src/db/grants.ts). Run it
// again after every migration that adds a table. freshgate then runs as that role with
// MIGRATE_ON_START=false.
import { loadConfig } from '../config';
import { grantAppRole } from '../db/grants';
import { pendingMigrations } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import { createDataLayer } from '../data/data-layer';

async function main(): Promise<void> {
  const role = process.argv[2];
  if (!role) throw new Error('usage: npm run db:grant -- <role>');
  const config = loadConfig();
  if (!config.databaseUrl) throw new Error('db:grant is for PostgreSQL (DATABASE_URL); the embedded database has one user');
  const db = await openDatabase(config);
  try {
    const pending = await pendingMigrations(db);
    if (pending.length > 0) throw new Error(`migrate first (npm run db:migrate): ${pending.length} migration(s) pending`);
    await createDataLayer(db).rateLimitStore!.ensureTable();
    const statements = await grantAppRole(db, role);
    process.stdout.write(`granted ${role} its privileges (${statements.length} statements)\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`db:grant: ${(error as Error).message}\n`);
  process.exit(1);
});
