import type { Database } from '../db/database';
import { AuditQuery } from './audit/audit-query';
import { BulkLoader } from './bulk/bulk-loader';
import { appendAudit, type AuditRecord } from './audit/audit-writer';
import { CreditRepository } from './credits/credit-repository';
import { ExecutionHistory } from './executions/execution-history';
import { ExecutionRepository } from './executions/execution-repository';
import { transactionSql, type DataHandle } from './handle';
import { LedgerRepository } from './ledger/ledger-repository';
import { NewsRepository } from './news/news-repository';
import { MarketData } from './packs/market-data';
import { PackRepository } from './packs/pack-repository';
import { PatternRepository } from './patterns/pattern-repository';
import { PortfolioRepository } from './portfolios/portfolio-repository';
import { rateLimitStoreOf, type RateLimitStore } from './rate-limits/rate-limit-store';
import { SecurityRepository } from './reference/security-repository';
import { TenantRepository } from './tenants/tenant-repository';
import { UserRepository } from './tenants/user-repository';

/** The audit log as the use-cases write it: one entry, in the transaction (or not) of what it records. */
export interface AuditWriter {
  append(record: AuditRecord): Promise<void>;
}

/** Every repository, bound to the pool or to one transaction. */
export interface Repositories {
  packs: PackRepository;
  marketData: MarketData;
  ledger: LedgerRepository;
  portfolios: PortfolioRepository;
  executions: ExecutionRepository;
  executionHistory: ExecutionHistory;
  credits: CreditRepository;
  audit: AuditWriter;
  auditQuery: AuditQuery;
  tenants: TenantRepository;
  users: UserRepository;
  securities: SecurityRepository;
  news: NewsRepository;
  patterns: PatternRepository;
  /** Whole data sets in one statement per table (the demo seed). */
  bulk: BulkLoader;
}

/** Time limits of one DataLayer.transaction (10 s and 60 s when not given). */
export interface TransactionOptions {
  /** How long to wait for a connection, and how long the transaction may run (Prisma's defaults are 2 s and 5 s). */
  maxWaitMs?: number;
  timeoutMs?: number;
}

/**
 * All database access of freshgate: the repositories on the pool, a transaction that hands the
 * same repositories bound to it, and the rate limiter's shared store. Use-cases, agents, events,
 * CLIs and the demo seed use this; nothing outside `src/data` touches Prisma, SQL or `pg`.
 */
export interface DataLayer extends Repositories {
  /** Runs fn in one database transaction: every repository it is handed reads and writes inside it. */
  transaction<T>(fn: (tx: Repositories) => Promise<T>, options?: TransactionOptions): Promise<T>;
  /** The counters' table shared by instances on PostgreSQL; none on the embedded database. */
  rateLimitStore: RateLimitStore | undefined;
}

/** The data layer on an open database: every repository on its pool, and transactions through Prisma's interactive ones. */
export function createDataLayer(db: Database): DataLayer {
  const pooled = repositoriesOn({ prisma: db.prisma, sql: db.sql });
  return {
    ...pooled,
    rateLimitStore: rateLimitStoreOf(db.pgPool),
    transaction: (fn, options = {}) =>
      db.prisma.$transaction((tx) => fn(repositoriesOn({ prisma: tx, sql: transactionSql(tx) })), {
        maxWait: options.maxWaitMs ?? 10_000,
        timeout: options.timeoutMs ?? 60_000,
      }),
  };
}

function repositoriesOn(handle: DataHandle): Repositories {
  return {
    packs: new PackRepository(handle),
    marketData: new MarketData(handle),
    ledger: new LedgerRepository(handle),
    portfolios: new PortfolioRepository(handle),
    executions: new ExecutionRepository(handle),
    executionHistory: new ExecutionHistory(handle),
    credits: new CreditRepository(handle),
    audit: { append: (record) => appendAudit(handle.sql, record) },
    auditQuery: new AuditQuery(handle),
    tenants: new TenantRepository(handle),
    users: new UserRepository(handle),
    securities: new SecurityRepository(handle),
    news: new NewsRepository(handle),
    patterns: new PatternRepository(handle),
    bulk: new BulkLoader(handle.sql),
  };
}
