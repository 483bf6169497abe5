import { existsSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { PrismaClient } from '../generated/prisma/client';
import { lockEmbeddedDatabase } from './embedded-lock';
import type { Database, ListenerHandlers, NotificationListener, SqlExecutor } from './database';

/**
 * Embedded PostgreSQL (WASM) in this process. One connection: LISTEN hears only this
 * process's own NOTIFYs, which is all an embedded single-instance server has. A new database (in
 * memory, or a data directory without one yet) starts from what `template` gives: a migrated
 * database's dump (see pglite-template.ts), instead of initdb.
 */
export async function openPgliteDatabase(dataDir: string | undefined, template?: () => Blob | undefined): Promise<Database> {
  let unlock = () => {};
  if (dataDir) {
    mkdirSync(dataDir, { recursive: true });
    unlock = lockEmbeddedDatabase(dataDir);
  }
  const isNew = !dataDir || !existsSync(path.join(dataDir, 'PG_VERSION'));
  // Read only for a new database: an existing one never pays for unzipping it.
  const loadDataDir = isNew ? template?.() : undefined;
  const pglite = await PGlite.create({ ...(dataDir ? { dataDir } : {}), ...(loadDataDir ? { loadDataDir } : {}) }).catch(
    (error: unknown) => {
      unlock();
      throw error;
    },
  );
  const prisma = new PrismaClient({ adapter: new PrismaPGlite(pglite) });

  const sql: SqlExecutor = {
    async exec(text) {
      await pglite.exec(text);
    },
    async query<Row>(text: string, params: unknown[] = []) {
      return (await pglite.query<Row>(text, params)).rows;
    },
  };

  return {
    kind: 'pglite',
    prisma,
    sql,
    withConnection: (fn) => fn(sql),
    async listen(channel: string, handlers: ListenerHandlers): Promise<NotificationListener> {
      const unlisten = await pglite.listen(channel, (payload) => handlers.onNotification(payload));
      handlers.onConnected();
      let connected = true;
      return {
        get connected() {
          return connected && !pglite.closed;
        },
        async stop() {
          connected = false;
          if (!pglite.closed) await unlisten();
        },
      };
    },
    poolState: () => ({ total: 1, idle: 1, waiting: 0, max: 1 }),
    dumpDataDir: () => pglite.dumpDataDir('none'),
    // One connection in-process: a probe waits only for the statement running now.
    async probe(timeoutMs) {
      let timer: NodeJS.Timeout | undefined;
      try {
        return await Promise.race([
          sql.query('SELECT 1').then(() => true),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs))),
        ]);
      } catch {
        return false;
      } finally {
        clearTimeout(timer);
      }
    },
    async close() {
      await prisma.$disconnect();
      if (!pglite.closed) await pglite.close();
      unlock();
    },
  };
}
