import { Client, Pool, type PoolClient } from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient } from '../generated/prisma/client';
import type { Database, SqlExecutor } from './database';
import { listenWithReconnect } from './pg-listener';

/** Where the server is, and how many connections the pool may open (10 unless given). */
export interface PostgresOptions {
  url: string;
  poolSize?: number;
}

/** A real PostgreSQL server through a pg pool shared by Prisma and raw SQL. */
export async function openPostgresDatabase(options: PostgresOptions): Promise<Database> {
  const max = options.poolSize ?? 10;
  const pool = new Pool({
    connectionString: options.url,
    max,
    application_name: 'freshgate',
    // No JIT: every statement here runs in milliseconds, and a large estimate (a year of a big
    // portfolio's valuation series) made PostgreSQL spend ~1 s compiling a statement that runs in 0.2 s.
    options: '-c jit=off',
  });
  const prober = new Prober(options.url);
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
    poolState: () => ({ total: pool.totalCount, idle: pool.idleCount, waiting: pool.waitingCount, max }),
    probe: (timeoutMs) => prober.probe(timeoutMs),
    pgPool: pool,
    async close() {
      await prober.close();
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

/**
 * One connection outside the pool for readiness probes: `SELECT 1` with a time limit, reconnected
 * after any failure. It costs one backend per instance and answers even when every pooled
 * connection is busy with application work.
 */
class Prober {
  private client: Client | undefined;
  private connecting: Promise<Client> | undefined;

  constructor(private readonly url: string) {}

  async probe(timeoutMs: number): Promise<boolean> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), timeoutMs)));
    try {
      const answered = await Promise.race([this.ask(timeoutMs).then(() => true), timedOut]);
      if (!answered) this.reset();
      return answered;
    } catch {
      this.reset();
      return false;
    } finally {
      clearTimeout(timer);
    }
  }

  async close(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    await client?.end().catch(() => {});
  }

  private async ask(timeoutMs: number): Promise<void> {
    const client = this.client ?? (await (this.connecting ??= this.connect(timeoutMs)));
    await client.query('SELECT 1');
  }

  private async connect(timeoutMs: number): Promise<Client> {
    const client = new Client({ connectionString: this.url, application_name: 'freshgate-probe', connectionTimeoutMillis: timeoutMs });
    client.on('error', () => this.reset());
    try {
      await client.connect();
      this.client = client;
      return client;
    } finally {
      this.connecting = undefined;
    }
  }

  private reset(): void {
    const client = this.client;
    this.client = undefined;
    this.connecting = undefined;
    client?.end().catch(() => {});
  }
}
