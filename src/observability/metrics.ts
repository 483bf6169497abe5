import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

const OPERATION_NAME = /^[A-Za-z_][A-Za-z0-9_]{0,63}$/;
const ERROR_CODE = /^[A-Z][A-Z0-9_]{0,63}$/;
const MAX_OPERATION_NAMES = 200;

/**
 * Prometheus metrics of one process. Label values are bounded: no ids, and client-chosen
 * operation names are kept only while fewer than MAX_OPERATION_NAMES distinct ones were seen.
 */
export class Metrics {
  readonly registry = new Registry();
  private readonly operationNames = new Set<string>();

  readonly graphqlDuration = new Histogram({
    name: 'freshgate_graphql_request_duration_seconds',
    help: 'GraphQL operations over HTTP, by operation name and type',
    labelNames: ['operation_name', 'operation_type'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });

  readonly graphqlErrors = new Counter({
    name: 'freshgate_graphql_errors_total',
    help: 'Errors answered to GraphQL operations over HTTP, by error code (extensions.code) and operation type',
    labelNames: ['code', 'operation_type'] as const,
    registers: [this.registry],
  });

  readonly executionDuration = new Histogram({
    name: 'freshgate_pattern_execution_duration_seconds',
    help: 'Pattern executions, by pattern and final status',
    labelNames: ['pattern', 'status'] as const,
    buckets: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30],
    registers: [this.registry],
  });

  readonly gateBlocks = new Counter({
    name: 'freshgate_freshness_gate_blocks_total',
    help: 'executePattern calls refused by the freshness gate, by reason (warming, error)',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  readonly packStatus = new Gauge({
    name: 'freshgate_pack_status',
    help: 'Status of the latest pricing pack: 1 for the current status, 0 for the others',
    labelNames: ['status'] as const,
    registers: [this.registry],
  });

  readonly packAge = new Gauge({
    name: 'freshgate_pack_age_seconds',
    help: 'Seconds since the latest pricing pack last changed status (how long it has been FRESH, or warming); 0 while there is no pack',
    registers: [this.registry],
  });

  readonly agentInvocations = new Counter({
    name: 'freshgate_agent_invocations_total',
    help: 'Capability calls through the agent runtime, by capability and outcome',
    labelNames: ['capability', 'outcome'] as const,
    registers: [this.registry],
  });

  readonly breakerState = new Gauge({
    name: 'freshgate_circuit_breaker_open',
    help: 'Circuit breaker state per agent: 0 closed, 0.5 half-open, 1 open',
    labelNames: ['agent'] as const,
    registers: [this.registry],
  });

  readonly wsConnections = new Gauge({
    name: 'freshgate_ws_connections',
    help: 'Open graphql-ws connections',
    registers: [this.registry],
  });

  readonly wsSlowConsumers = new Counter({
    name: 'freshgate_ws_slow_consumers_closed_total',
    help: 'graphql-ws connections closed because they did not read what was sent to them',
    registers: [this.registry],
  });

  readonly activeSubscriptions = new Gauge({
    name: 'freshgate_active_subscriptions',
    help: 'Active graphql-ws subscriptions',
    registers: [this.registry],
  });

  readonly rightsViolations = new Counter({
    name: 'freshgate_rights_violations_total',
    help: 'Refused exports, by blocked data source',
    labelNames: ['source'] as const,
    registers: [this.registry],
  });

  readonly dbPool = new Gauge({
    name: 'freshgate_db_pool_connections',
    help: 'The database pool: connections open (total), idle, queries waiting for one (waiting), and its size (max)',
    labelNames: ['state'] as const,
    registers: [this.registry],
  });

  readonly creditsDebited = new Counter({
    name: 'freshgate_credits_debited_total',
    help: 'Credits debited for executions (refunds not subtracted)',
    registers: [this.registry],
  });

  constructor(options: { defaultMetrics?: boolean } = {}) {
    if (options.defaultMetrics !== false) collectDefaultMetrics({ register: this.registry, prefix: 'freshgate_' });
  }

  /** A bounded label for an error code: the codes are the server's, but an unexpected shape becomes `OTHER`. */
  errorCodeLabel(code: string): string {
    return ERROR_CODE.test(code) ? code : 'OTHER';
  }

  /** A bounded label for a client-chosen operation name. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (!OPERATION_NAME.test(name)) return 'invalid';
    if (this.operationNames.has(name)) return name;
    if (this.operationNames.size >= MAX_OPERATION_NAMES) return 'other';
    this.operationNames.add(name);
    return name;
  }
}
