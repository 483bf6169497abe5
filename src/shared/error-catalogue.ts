/**
 * Every error code freshgate's API answers with, declared once. Below the GraphQL layer: the
 * use-cases raise AppErrors with these codes, and the edges (GraphQL, plain HTTP, WebSocket)
 * translate them with what is declared here. docs/errors.md is generated from this file
 * (`npm run docs:errors`); a test fails when the two differ, or when the sources use a code
 * that is not declared.
 */

/**
 * How one error code of the API behaves: when a client gets it, its HTTP status, whether a retry
 * may help, and the extensions it carries.
 */
export interface ErrorEntry {
  /** When a client gets it, in one line. */
  when: string;
  /**
   * The HTTP status of a response this error refuses as a whole (before any field ran). Absent:
   * it is only ever a field's error, beside `data`, in a 200.
   */
  status?: number;
  /** Any response carrying the error takes its status, even beside data: an outage is never a 200. */
  statusEvenBesideData?: true;
  /** Whether the same request may succeed later, unchanged. */
  retryable: boolean;
  /**
   * The extensions it may carry besides `code`, each with its meaning. Those named `retryable`
   * are set from the entry's flag by the translation, whoever raised the error.
   */
  extensions: Readonly<Record<string, string>>;
  /** Raised by Apollo Server itself rather than by freshgate's code. */
  apollo?: true;
  /** Only ever answers a graphql-ws operation: there is no HTTP response to give a status. */
  webSocketOnly?: true;
}

const RETRYABLE_FLAG = 'always `true`: the same request may succeed if sent again';

/**
 * The API's error codes, each with its entry: what the edges translate AppErrors by, and what
 * docs/errors.md is generated from.
 */
export const ERROR_CATALOGUE = {
  UNAUTHENTICATED: {
    when: 'No credential where one is needed, or a bad one (malformed, expired, wrong signature, unknown user), the router secret or the ops token missing; a WebSocket with a bad credential is closed with 4403',
    status: 401,
    retryable: false,
    extensions: {},
  },
  FORBIDDEN: {
    when: "The caller's roles or tenant do not allow the field, or a source of the result may not be viewed here",
    retryable: false,
    extensions: { blockedSources: 'the data sources whose rights refuse viewing' },
  },
  RIGHTS_EXPORT_BLOCKED: {
    when: 'A source of the execution may not be exported (audited as a rights violation)',
    retryable: false,
    extensions: { blockedSources: 'the data sources whose rights refuse export' },
  },
  PRICING_PACK_WARMING: {
    when: 'Freshness gate: the pack is not fresh yet and the run requires a fresh one',
    retryable: true,
    extensions: {
      packId: 'the pack the run would use',
      estimatedReady: 'when the pack is expected to be fresh (null if it was superseded while warming)',
      retryAfterSeconds: 'seconds until estimatedReady (null if it was superseded)',
    },
  },
  PRICING_PACK_ERROR: {
    when: 'The pack failed reconciliation: it blocks runs even with `requireFresh: false`, and cannot be marked fresh',
    retryable: false,
    extensions: { packId: 'the pack', errorMessage: 'why reconciliation failed (may be null)' },
  },
  PRICING_PACK_HASH_MISMATCH: {
    when: "A pack's stored prices and FX rates do not give its recorded hash: refused when it is marked fresh, and for any run on it",
    retryable: false,
    extensions: { packId: 'the pack', hash: 'the hash recorded at publication', storedHash: 'the hash of the rows as stored' },
  },
  NO_PRICING_PACK: {
    when: 'No pack exists yet, or the pack named or pinned is unknown',
    retryable: false,
    extensions: { packId: 'the unknown pack, when one was named' },
  },
  PATTERN_NOT_FOUND: {
    when: 'The pattern id is unknown',
    retryable: false,
    extensions: { patternId: 'the id asked for' },
  },
  NOT_FOUND: {
    when: "An execution, portfolio, ledger commit, tenant or user that does not exist or is not the caller's; over HTTP, an unknown path",
    status: 404,
    retryable: false,
    extensions: {
      executionId: 'the execution asked for',
      portfolioId: 'the portfolio asked for',
      ledgerCommit: "the commit asked for, not in that portfolio's ledger (`Portfolio.positions`)",
      tenantId: 'the tenant asked for',
      userId: 'the user asked for',
      path: 'the input path that named it',
    },
  },
  PORTFOLIO_ARCHIVED: {
    when: 'A ledger append (API or `ledger:import`), a run or a change on an archived portfolio; its ledger and executions stay readable',
    retryable: false,
    extensions: { portfolioId: 'the archived portfolio' },
  },
  BAD_USER_INPUT: {
    when: "An argument or variable no field accepts, inputs that fail the pattern's JSON Schema, a value beyond a use-case's bounds",
    status: 400,
    retryable: false,
    extensions: {
      path: 'the input path of each problem (`input.prices.1.symbol`)',
      issues: '`{ path, message }` of each problem (at most 20 at the edge)',
      omittedIssues: 'how many problems were found beyond those listed (a streamed ledger import lists its first 100)',
    },
  },
  INSUFFICIENT_CREDITS: {
    when: "The tenant's balance is below the run's cost",
    retryable: false,
    extensions: { balance: 'the current balance', required: "the run's cost" },
  },
  IDEMPOTENCY_KEY_REUSED: {
    when: 'The idempotency key was used for a different request',
    retryable: false,
    extensions: { executionId: 'the execution the key belongs to' },
  },
  PRECONDITION_FAILED: {
    when: "`ifMatch` is not the pattern's current etag",
    retryable: false,
    extensions: { currentEtag: "the pattern's current etag (null if it does not exist yet)" },
  },
  CONFLICT: {
    when: 'A concurrent write won the race (a ledger head that kept moving, two publishers of one pack, the latest pack changing under a run three times as it started, a deadlock or serialization failure the database broke by rolling this write back)',
    retryable: true,
    extensions: {
      retryable: RETRYABLE_FLAG,
      portfolioId: 'the portfolio whose ledger moved',
      traceId: 'the trace id a deadlock or serialization failure was logged under',
    },
  },
  RATE_LIMITED: {
    when: "Over the caller's budget of operations (user, tenant or anonymous address)",
    status: 429,
    retryable: true,
    extensions: { retryAfterSeconds: 'seconds until the budget resets (also `Retry-After` over HTTP)', scope: '`user`, `tenant` or `ip`' },
  },
  SERVICE_UNAVAILABLE: {
    when: 'The database is unreachable, has no connection to spare (its connection limit, a pool that stayed busy), ended a statement at a time limit set on it (statement_timeout, lock_timeout) or lacks disk or memory; or the server is shutting down',
    status: 503,
    statusEvenBesideData: true,
    retryable: true,
    extensions: {
      retryable: RETRYABLE_FLAG,
      retryAfterSeconds: 'seconds to wait (also `Retry-After` over HTTP)',
      traceId: 'the request trace, when it was logged',
    },
  },
  INTERNAL_SERVER_ERROR: {
    when: 'Anything unexpected; logged with its ids, never with its own message',
    status: 500,
    retryable: false,
    extensions: { traceId: 'the trace id the error was logged under' },
  },
  PAYLOAD_TOO_LARGE: {
    when: 'The HTTP body is over `MAX_BODY_BYTES`',
    status: 413,
    retryable: false,
    extensions: {},
  },
  UNSUPPORTED_MEDIA_TYPE: {
    when: 'The HTTP body has a content type freshgate does not read',
    status: 415,
    retryable: false,
    extensions: {},
  },
  BAD_REQUEST: {
    when: 'A malformed request: bad JSON, a CSRF-suspect POST, a batch, a subscription over HTTP, a mutation over WebSocket, no operation to run',
    status: 400,
    retryable: false,
    extensions: {},
  },
  METHOD_NOT_ALLOWED: {
    when: 'A known path asked with a method it does not serve (`Allow` names those it does)',
    status: 405,
    retryable: false,
    extensions: {},
  },
  TOO_MANY_SUBSCRIPTIONS: {
    when: "More operations at once than one connection (`WS_MAX_SUBSCRIPTIONS`, a router's `WS_MAX_SUBSCRIPTIONS_ROUTER`) or one user (`WS_MAX_SUBSCRIPTIONS_PER_USER`) may hold",
    retryable: false,
    extensions: {},
    webSocketOnly: true,
  },
  GRAPHQL_PARSE_FAILED: {
    when: 'The document does not parse, or has more tokens than `MAX_TOKENS`',
    status: 400,
    retryable: false,
    extensions: {},
    apollo: true,
  },
  GRAPHQL_VALIDATION_FAILED: {
    when: 'The document fails validation: unknown fields, or over an operation limit (depth, aliases, directives, cost), introspection when it is off',
    status: 400,
    retryable: false,
    extensions: { validationErrorCode: "Apollo's reason, e.g. `INTROSPECTION_DISABLED`" },
    apollo: true,
  },
  OPERATION_RESOLUTION_FAILURE: {
    when: '`operationName` names no operation of the document, or the document holds several and none is named',
    status: 400,
    retryable: false,
    extensions: {},
    apollo: true,
  },
  PERSISTED_QUERY_NOT_FOUND: {
    when: 'An automatic persisted query whose hash is not known yet: send it again with the query',
    status: 200,
    retryable: false,
    extensions: {},
    apollo: true,
  },
} as const satisfies Record<string, ErrorEntry>;

/** A code the catalogue declares: the only codes an AppError may carry. */
export type ErrorCode = keyof typeof ERROR_CATALOGUE;

/** The declared behaviour of a code, for the edges that turn an AppError into a response. */
export function catalogued(code: ErrorCode): ErrorEntry {
  return ERROR_CATALOGUE[code];
}

/** Whether a string that came from outside the type system is a declared error code. */
export function isErrorCode(code: string): code is ErrorCode {
  return Object.hasOwn(ERROR_CATALOGUE, code);
}

/**
 * The extensions an error of this code carries: the given ones, its code, and the `retryable`
 * flag where the code declares one (so every SERVICE_UNAVAILABLE says it, whoever raised it).
 */
export function extensionsFor(code: ErrorCode, extensions: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const entry: ErrorEntry = ERROR_CATALOGUE[code];
  return { ...extensions, code, ...('retryable' in entry.extensions ? { retryable: entry.retryable } : {}) };
}

/**
 * How one execution error code is described: when it occurs, whether running again may succeed,
 * and which part of the server raises it.
 */
export interface ExecutionErrorEntry {
  when: string;
  /** Whether running the same request again may succeed (also stored on the error itself). */
  retryable: boolean;
  /** What ends a run or a step with it. */
  raisedBy: 'server' | 'orchestrator' | 'runtime' | 'capability';
}

/**
 * The codes an execution's `errors` and its steps' traces carry (`ExecutionError.code`,
 * `StepTrace.error.code`). They describe a run that was accepted, so they are data of the
 * execution, not GraphQL errors.
 */
export const EXECUTION_ERROR_CATALOGUE = {
  SHUTDOWN: { when: 'The server shut down before the run finished; it was refunded', retryable: true, raisedBy: 'server' },
  RUN_LOST: {
    when: 'The instance running it stopped (crash, `kill -9`, database away at shutdown); failed and refunded by the lost-run sweep',
    retryable: true,
    raisedBy: 'server',
  },
  RESULT_NOT_STORED: {
    when: 'The database refused the finished run for good; the message carries the SQLSTATE; refunded',
    retryable: true,
    raisedBy: 'server',
  },
  ORCHESTRATION_FAILED: { when: 'The orchestrator failed outside any step', retryable: false, raisedBy: 'server' },
  OUTPUT_INVALID: { when: "The result does not match the pattern's `outputSchema`", retryable: false, raisedBy: 'server' },
  UPSTREAM_FAILED: { when: 'A step was not run because a step it depends on did not succeed', retryable: false, raisedBy: 'orchestrator' },
  DATABASE_UNAVAILABLE: {
    when: 'A step lost its database connection, still after the outage retries',
    retryable: true,
    raisedBy: 'orchestrator',
  },
  STEP_FAILED: { when: 'A step failed unexpectedly', retryable: false, raisedBy: 'orchestrator' },
  UNKNOWN_CAPABILITY: { when: 'No agent provides the capability a step names', retryable: false, raisedBy: 'runtime' },
  CIRCUIT_OPEN: { when: "The agent's circuit breaker is open after repeated failures", retryable: true, raisedBy: 'runtime' },
  TIMEOUT: { when: 'The step did not finish within its time limit', retryable: true, raisedBy: 'runtime' },
  CANCELLED: { when: 'The run was cancelled while the step ran', retryable: false, raisedBy: 'runtime' },
  BAD_PERIOD: { when: 'The period starts on or after its end', retryable: false, raisedBy: 'capability' },
  NOT_ENOUGH_PACKS: { when: 'Fewer than two usable pricing packs in the period', retryable: false, raisedBy: 'capability' },
  PRICE_MISSING: { when: 'No pack has a price for a held symbol on or before a date', retryable: false, raisedBy: 'capability' },
  FX_RATE_MISSING: { when: 'The pack has no FX rate for a currency the portfolio holds', retryable: false, raisedBy: 'capability' },
  BAD_ARGS: { when: "A step's arguments are not what its capability takes", retryable: false, raisedBy: 'capability' },
  PORTFOLIO_NOT_IN_CONTEXT: { when: "A step asked for a portfolio other than its execution's", retryable: false, raisedBy: 'capability' },
  LEDGER_COMMIT_NOT_FOUND: { when: "The pinned ledger commit is not in the portfolio's ledger", retryable: false, raisedBy: 'capability' },
} as const satisfies Record<string, ExecutionErrorEntry>;

/** A code an execution's errors and step traces may carry. */
export type ExecutionErrorCode = keyof typeof EXECUTION_ERROR_CATALOGUE;

/** How one execution warning code is described: when a step reports it, and whether it makes the run PARTIAL. */
export interface ExecutionWarningEntry {
  when: string;
  /** The data leaves part of the result out: a run whose steps all succeeded ends PARTIAL. */
  incomplete: boolean;
}

/**
 * The codes of `PatternExecution.warnings`: what a step met without failing. Two are also error
 * codes (a series cannot carry an unpriced holding; a valuation leaves it out and warns).
 */
export const EXECUTION_WARNING_CATALOGUE = {
  PRICE_MISSING: { when: 'The pack has no price for a holding; it is left unvalued (`valuation.missingPrices`)', incomplete: true },
  FX_RATE_MISSING: { when: "The pack has no FX rate for a holding's currency; it is left unvalued", incomplete: true },
  TRADE_DATE_FX_APPROXIMATED: {
    when: "No pack on or before a purchase's trade date has its currency's rate; the book cost uses the nearest later pack's (or the run's)",
    incomplete: false,
  },
  PRICE_CARRIED_FORWARD: {
    when: 'A day of the valuation series had no close for a holding; the previous close was used',
    incomplete: false,
  },
  MWR_UNDEFINED: { when: 'The flows never change sign: there is no money-weighted return (`mwr: null`)', incomplete: false },
} as const satisfies Record<string, ExecutionWarningEntry>;
