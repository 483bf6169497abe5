import { financialAnalyst } from './agents/financial-analyst';
import { newsAnalyst } from './agents/news-analyst';
import type { AgentDeps } from './agents/agent-deps';
import { grantCredits } from './accounting/grant-credits';
import type { Config } from './config';
import type { ApiServices } from './graphql/api-services';
import type { DataLayer } from './data/data-layer';
import type { Database } from './db/database';
import { PackHealthHub } from './events/pack-health-hub';
import { ExecutePattern } from './execution/execute-pattern';
import { ExecutionEvents } from './execution/execution-events';
import { createLedgerServices } from './ledger';
import type { Logger } from './observability/logger';
import type { Metrics } from './observability/metrics';
import { hashIdentifier } from './observability/redaction';
import { Orchestrator } from './orchestrator/orchestrator';
import { PatternCatalog } from './orchestrator/pattern-catalog';
import { publishPattern } from './orchestrator/publish-pattern';
import { PackBuilder } from './packs/pack-builder';
import { PackStatusBoard } from './packs/pack-status-board';
import { PackVerifier } from './packs/pack-verifier';
import { createPortfolioLifecycle } from './portfolios';
import { ExportExecution } from './rights/export-execution';
import type { RightsRegistrySource } from './rights/rights-registry-source';
import { AgentRuntime } from './runtime/agent-runtime';
import { checkSymbolPrefix, upsertSecurities } from './securities/upsert-securities';
import { Tenancy } from './tenancy/tenancy';
import type { UserChanges } from './tenancy/user-changes';

/** What the use-cases report to: where failures of background runs go, and the metrics and logger. */
export interface ServiceOptions {
  onBackgroundError: (error: unknown, executionId: string) => void;
  metrics: Metrics;
  logger: Logger;
  /** Told of every role change and removal this process commits (see UserChanges). */
  userChanges?: UserChanges;
}

/** Wires the use-cases to the data layer (and the pack listener to the database's LISTEN). */
export function createServices(
  config: Config,
  db: Database,
  data: DataLayer,
  rights: RightsRegistrySource,
  options: ServiceOptions,
): ApiServices {
  const ledger = createLedgerServices(data);
  const agentDeps: AgentDeps = {
    ledger: data.ledger,
    marketData: data.marketData,
    securities: data.securities,
    news: data.news,
    conventions: config.returns,
  };
  const runtime = new AgentRuntime([financialAnalyst(agentDeps), newsAnalyst(agentDeps)], config.breaker);
  const { metrics } = options;
  runtime.onInvocation = (capability, outcome) => metrics.agentInvocations.inc({ capability, outcome });
  const capabilities = new Set(runtime.capabilities());
  const patterns = new PatternCatalog(data.patterns, capabilities);
  const executionEvents = new ExecutionEvents();
  const packHealth = new PackHealthHub(db, data.packs, config.packWarmingEtaMs);
  const executePattern = new ExecutePattern({
    catalog: patterns,
    orchestrator: new Orchestrator(runtime, {
      maxConcurrency: config.orchestrator.maxConcurrency,
      defaultStepTimeoutMs: config.orchestrator.stepTimeoutMs,
    }),
    packs: data.packs,
    latestPack: () => packHealth.latestPack(),
    packVerifier: new PackVerifier(data.packs),
    audit: data.audit,
    credits: data.credits,
    portfolios: data.portfolios,
    ledgerCommits: data.ledger,
    executions: data.executions,
    events: executionEvents,
    rights,
    warmingEtaMs: config.packWarmingEtaMs,
    onBackgroundError: options.onBackgroundError,
    onUnstorable: (error, executionId) =>
      options.logger.error(
        { err: error, executionId },
        "the database refused a run's finish; the run is FAILED (RESULT_NOT_STORED) and refunded",
      ),
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
    config,
    ledger,
    runtime,
    patterns,
    executions: data.executions,
    executionEvents,
    executePattern,
    exports: new ExportExecution({
      audit: data.audit,
      executions: data.executions,
      rights,
      onViolation: (sources) => sources.forEach((source) => metrics.rightsViolations.inc({ source })),
    }),
    executionHistory: data.executionHistory,
    auditQuery: data.auditQuery,
    packs: data.packs,
    packBuilder: new PackBuilder(data, () => packHealth.packWritten()),
    packHealth,
    packStatus: new PackStatusBoard({ health: packHealth, packs: data.packs }),
    portfolios: data.portfolios,
    credits: data.credits,
    rights,
    accounting: { grantCredits: (actor, input) => grantCredits(data, actor, input) },
    publishPattern: (actor, definition, ifMatch) => publishPattern({ data, catalog: patterns, capabilities }, actor, definition, ifMatch),
    // Issue 16, portfolios.
    portfolioLifecycle: createPortfolioLifecycle(data),
    // Securities, tenants and users (bring your own data).
    securities: {
      list: (filter, page) => data.securities.list({ ...filter, symbolPrefix: checkSymbolPrefix(filter.symbolPrefix) }, page),
      findBySymbols: (symbols) => data.securities.findBySymbols(symbols),
      upsert: (actor, input) => upsertSecurities(data, actor, input),
    },
    users: data.users,
    tenancy: new Tenancy(data, options.userChanges),
  };
}
