import type { Pool } from 'pg';
import type { PrismaClient } from '../generated/prisma/client';

/** Raw SQL for what Prisma does not do: migrations, health probes. */
export interface SqlExecutor {
  /** Runs a script of one or more statements (simple-query protocol). */
  exec(sql: string): Promise<void>;
  query<Row = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<Row[]>;
}

/** What a NotificationListener calls as notifications arrive and its connection comes and goes. */
export interface ListenerHandlers {
  onNotification(payload: string): void;
  /** Called on the first connect and after every reconnect: what was missed must be re-read. */
  onConnected(): void;
  onDisconnected(error: Error): void;
}

/** A LISTEN on one channel that keeps itself connected until stopped. */
export interface NotificationListener {
  readonly connected: boolean;
  stop(): Promise<void>;
}

/** How busy the connection pool is, for the ops endpoints. */
export interface PoolState {
  /** Connections open, idle among them, and queries waiting for one. */
  total: number;
  idle: number;
  waiting: number;
  /** The most the pool opens. */
  max: number;
}

/** An open database, embedded (PGlite) or a PostgreSQL server: Prisma and raw SQL on one pool, LISTEN, and probes. */
export interface Database {
  readonly kind: 'pglite' | 'postgres';
  readonly prisma: PrismaClient;
  readonly sql: SqlExecutor;
  /** Runs fn on one connection (session-scoped state such as advisory locks stays put). */
  withConnection<T>(fn: (sql: SqlExecutor) => Promise<T>): Promise<T>;
  listen(channel: string, handlers: ListenerHandlers): Promise<NotificationListener>;
  poolState(): PoolState;
  /**
   * Whether the database answers now, asked on a connection of its own with a time limit — never
   * in the pool's queue, so a busy instance is not reported unreachable (readiness probes).
   */
  probe(timeoutMs: number): Promise<boolean>;
  /** The pg pool itself (PostgreSQL only), for libraries that take one: the rate limiter's store. */
  readonly pgPool?: Pool;
  /** The whole database as an uncompressed tarball (PGlite only): what a template is made of. */
  dumpDataDir?(): Promise<Blob>;
  close(): Promise<void>;
}
