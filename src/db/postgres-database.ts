import { Pool, type PoolClient } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import type { Database, SqlExecutor } from './database';
import { listenWithReconnect } from './pg-listener';

export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

/** A real PostgreSQL server through a pg pool shared by Prisma and raw SQL. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const pool = new Pool({
    connectionString: options.url,
    max: options.poolSize ?? 10,
    application_name: 'freshgate',
  });
  // An idle client losing its server (a restart) must not crash the process; the pool replaces it.
  pool.on('error', () => {});
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool) });

  return {
    kind: 'postgres',
    prisma,
    sql: executorOf(pool),
    async withConnection(fn) {
      const client = await pool.connect();
      try {
        return await fn(executorOf(client));
      } finally {
        client.release();
      }
    },
    listen: (channel, handlers) => listenWithReconnect({ connectionString: options.url }, channel, handlers),
    poolState: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount }),
    pgPool: pool,
    async close() {
      await prisma.$disconnect();
      await pool.end();
    },
  };
}

function executorOf(target: Pool | PoolClient): SqlExecutor {
  return {
    async exec(text) {
      await target.query(text);
    },
    async query<Row>(text: string, params: unknown[] = []) {
      return (await target.query(text, params)).rows as Row[];
    },
  };
}
