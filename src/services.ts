import type { Config } from './config';
import type { Database } from './db/database';
import { PackRepository } from './data/packs/pack-repository';
import { PortfolioRepository } from './data/portfolios/portfolio-repository';
import { TenantRepository } from './data/tenants/tenant-repository';
import { PackHealthHub } from './events/pack-health-hub';
import { PackBuilder } from './packs/pack-builder';
import type { RightsRegistrySource } from './rights/rights-registry-source';
import { financialAnalyst } from './agents/financial-analyst';
import { newsAnalyst } from './agents/news-analyst';
import type { AgentDeps } from './agents/agent-deps';
import { ExecutionRepository } from './data/executions/execution-repository';
import { MarketData } from './data/packs/market-data';
import { ReferenceData } from './data/reference/reference-data';
import { ExecutePattern } from './execution/execute-pattern';
import { ExecutionEvents } from './execution/execution-events';
import { createLedgerServices, type LedgerServices } from './ledger';
import { Orchestrator } from './orchestrator/orchestrator';
import { PatternCatalog } from './orchestrator/pattern-catalog';
import { AgentRuntime } from './runtime/agent-runtime';
import type { Metrics } from './observability/metrics';
import type { Logger } from './observability/logger';
import { hashIdentifier } from './observability/redaction';
import { ExportExecution } from './rights/export-execution';
import { ExecutionHistory } from './data/executions/execution-history';
import { AuditQuery } from './data/audit/audit-query';

/** The use-cases and read models the API calls; built once per process. */
export interface Services {
  config: Config;
  prisma: Database['prisma'];
  packs: PackRepository;
  packBuilder: PackBuilder;
  packHealth: PackHealthHub;
  portfolios: PortfolioRepository;
  tenants: TenantRepository;
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
}

export interface ServiceOptions {
  onBackgroundError: (error: unknown, executionId: string) => void;
  metrics: Metrics;
  logger: Logger;
}

export function createServices(config: Config, db: Database, rights: RightsRegistrySource, options: ServiceOptions): Services {
  const packs = new PackRepository(db.prisma);
  const portfolios = new PortfolioRepository(db.prisma);
  const ledger = createLedgerServices(db.prisma);
  const agentDeps: AgentDeps = {
    ledger: ledger.repository,
    marketData: new MarketData(db.prisma, db.sql),
    reference: new ReferenceData(db.prisma),
    conventions: config.returns,
  };
  const runtime = new AgentRuntime([financialAnalyst(agentDeps), newsAnalyst(agentDeps)], config.breaker);
  const { metrics } = options;
  runtime.onInvocation = (capability, outcome) => metrics.agentInvocations.inc({ capability, outcome });
  const patterns = new PatternCatalog(db.prisma, new Set(runtime.capabilities()));
  const executions = new ExecutionRepository(db.prisma);
  const executionEvents = new ExecutionEvents();
  const packHealth = new PackHealthHub(db, packs, config.packWarmingEtaMs);
  const executePattern = new ExecutePattern({
    prisma: db.prisma,
    catalog: patterns,
    orchestrator: new Orchestrator(runtime, { maxConcurrency: config.orchestrator.maxConcurrency, defaultStepTimeoutMs: config.orchestrator.stepTimeoutMs }),
    packs,
    latestPack: () => packHealth.latestPack(),
    sql: db.sql,
    portfolios,
    ledgerCommits: ledger.repository,
    executions,
    events: executionEvents,
    rights,
    warmingEtaMs: config.packWarmingEtaMs,
    onBackgroundError: options.onBackgroundError,
    onUnstorable: (error, executionId) => options.logger.error({ err: error, executionId }, 'the database refused a run\'s finish; the run is FAILED (RESULT_NOT_STORED) and refunded'),
    observer: {
      gateBlocked: (reason) => metrics.gateBlocks.inc({ reason }),
      creditsDebited: (amount) => metrics.creditsDebited.inc(amount),
      executionFinished: (execution) => {
        metrics.executionDuration.observe({ pattern: execution.patternId, status: execution.status }, (execution.durationMs ?? 0) / 1000);
        // One line per execution: enough to find it and what it ran on, no inputs or results.
        options.logger.info(
          {
            executionId: execution.id,
            traceId: execution.traceId,
            requestId: execution.requestId,
            pattern: `${execution.patternId}@${execution.patternVersion}`,
            status: execution.status,
            durationMs: execution.durationMs,
            packId: execution.packId,
            ledgerCommitHash: execution.ledgerCommitHash,
            tenant: hashIdentifier(execution.tenantId),
            user: hashIdentifier(execution.userId),
            errors: execution.errors.map((e) => e.code),
          },
          'execution finished',
        );
      },
    },
  });
  return {
    prisma: db.prisma,
    ledger,
    runtime,
    patterns,
    executions,
    executionEvents,
    executePattern,
    exports: new ExportExecution({
      prisma: db.prisma,
      executions,
      rights,
      onViolation: (sources) => sources.forEach((source) => metrics.rightsViolations.inc({ source })),
    }),
    executionHistory: new ExecutionHistory(db.prisma),
    auditQuery: new AuditQuery(db.prisma),
    config,
    packs,
    packBuilder: new PackBuilder(db.prisma),
    packHealth,
    portfolios,
    tenants: new TenantRepository(db.prisma),
    rights,
  };
}
