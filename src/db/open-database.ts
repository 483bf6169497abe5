import path from 'node:path';
import type { Config } from '../config';
import type { Database } from './database';
import { openPgliteDatabase } from './pglite-database';
import { readPgliteTemplate } from './pglite-template';
import { openPostgresDatabase } from './postgres-database';

/**
 * DATABASE_URL set → that PostgreSQL; otherwise embedded PGlite persisted under DATA_DIR. A new
 * data directory starts from `template` (by default the migrated template `npm run build` leaves,
 * when there is one; see pglite-template.ts).
 */
export function openDatabase(
  config: Pick<Config, 'databaseUrl' | 'dataDir'>,
  template: () => Blob | undefined = readPgliteTemplate,
): Promise<Database> {
  return config.databaseUrl
    ? openPostgresDatabase({ url: config.databaseUrl })
    : openPgliteDatabase(path.join(config.dataDir, 'pglite'), template);
}
