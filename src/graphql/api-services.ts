import type { Config } from '../config';
import type { AuditQuery } from '../data/audit/audit-query';
import type { CreditChange, CreditRepository } from '../data/credits/credit-repository';
import type { ExecutionHistory } from '../data/executions/execution-history';
import type { ExecutionRepository } from '../data/executions/execution-repository';
import type { PackRepository } from '../data/packs/pack-repository';
import type { PortfolioRepository } from '../data/portfolios/portfolio-repository';
import type { PackHealthHub } from '../events/pack-health-hub';
import type { ExecutePattern } from '../execution/execute-pattern';
import type { ExecutionEvents } from '../execution/execution-events';
import type { LedgerServices } from '../ledger';
import type { PatternCatalog } from '../orchestrator/pattern-catalog';
import type { PortfolioLifecycle } from '../portfolios';
import type { CompiledPattern } from '../orchestrator/pattern-definition';
import type { PackBuilder } from '../packs/pack-builder';
import type { PackStatusBoard } from '../packs/pack-status-board';
import type { ExportExecution } from '../rights/export-execution';
import type { RightsRegistrySource } from '../rights/rights-registry-source';
import type { AgentRuntime } from '../runtime/agent-runtime';
import type { Actor } from '../shared/actor';
import type { SecurityListFilter, SecurityRecord } from '../data/reference/security-repository';
import type { UserRepository } from '../data/tenants/user-repository';
import type { Page, PageRequest } from '../shared/pagination';
import type { SecurityInput } from '../securities/security-rules';
import type { Tenancy } from '../tenancy/tenancy';

/**
 * What the resolvers call: the use-cases and read models, built once per process by
 * `createServices` (src/services.ts). Declared here, by the API that depends on them, so the
 * GraphQL layer imports nothing above it.
 */
export interface ApiServices {
  config: Config;
  packs: PackRepository;
  packBuilder: PackBuilder;
  packHealth: PackHealthHub;
  /** The public status page's read model (served by the HTTP edge, not by GraphQL). */
  packStatus: PackStatusBoard;
  portfolios: PortfolioRepository;
  credits: Pick<CreditRepository, 'balance'>;
  rights: RightsRegistrySource;
  ledger: LedgerServices;
  runtime: AgentRuntime;
  patterns: PatternCatalog;
  executions: ExecutionRepository;
  executionEvents: ExecutionEvents;
  executePattern: ExecutePattern;
  exports: ExportExecution;
  executionHistory: ExecutionHistory;
  auditQuery: AuditQuery;
  accounting: {
    grantCredits(actor: Actor, input: { tenantId: string; amount: number; reason: string }): Promise<CreditChange>;
  };
  publishPattern(actor: Actor, definition: unknown, ifMatch: string | null | undefined): Promise<CompiledPattern>;
  // Issue 16, portfolios: their lifecycle, and the securities their holdings name.
  portfolioLifecycle: PortfolioLifecycle;
  // Securities, tenants and users (bring your own data).
  securities: {
    list(filter: SecurityListFilter, page: PageRequest): Promise<Page<SecurityRecord>>;
    findBySymbols(symbols: readonly string[]): Promise<SecurityRecord[]>;
    upsert(actor: Actor, input: readonly SecurityInput[]): Promise<SecurityRecord[]>;
  };
  users: Pick<UserRepository, 'listForTenant'>;
  tenancy: Pick<Tenancy, 'createUser' | 'setUserRoles' | 'removeUser'>;
}
