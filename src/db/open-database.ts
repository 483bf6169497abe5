import path from 'node:path';
import type { Config } from '../config';
import type { Database } from './database';
import { readPgliteTemplate } from './pglite-template';
import { openPostgresDatabase } from './postgres-database';

/**
 * DATABASE_URL set → that PostgreSQL; otherwise embedded PGlite persisted under DATA_DIR. A new
 * data directory starts from `template` (by default the migrated template `npm run build` leaves,
 * when there is one; see pglite-template.ts).
 */
export async function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  template: () => Blob | undefined = readPgliteTemplate,
): Promise<Database> {
  if (config.databaseUrl) return openPostgresDatabase({ url: config.databaseUrl });
  // Loaded only here: PGlite and its adapter take ~80 ms to load, which a PostgreSQL start never needs.
  const { openPgliteDatabase } = await import('./pglite-database.js');
  return openPgliteDatabase(path.join(config.dataDir, 'pglite'), template);
}
