import {
  ERROR_CATALOGUE,
  EXECUTION_ERROR_CATALOGUE,
  EXECUTION_WARNING_CATALOGUE,
  type ErrorEntry,
  type ExecutionErrorEntry,
  type ExecutionWarningEntry,
} from './error-catalogue';

/** docs/errors.md, as the catalogue says it: written by `npm run docs:errors`, checked by a test. */
export function renderErrorDocs(): string {
  return [...INTRO, ...apiTable(), '', ...EXECUTION_INTRO, ...executionTable(), '', ...WARNING_INTRO, ...warningTable(), ''].join('\n');
}

const INTRO = [
  '# Errors',
  '',
  '<!-- Generated from src/shared/error-catalogue.ts by `npm run docs:errors`; a test fails when it differs. Edit the catalogue, not this file. -->',
  '',
  'Every error freshgate answers carries `extensions.code` from the first table, and never a stack trace.',
  '',
  '- **HTTP status** is the status of a response the error refuses as a whole, before any field ran. An error beside',
  '  `data` (a field that failed) leaves the response 200, except where the status says "any response". Clients',
  '  that accept only `application/json` get 200 for `GRAPHQL_PARSE_FAILED`, `GRAPHQL_VALIDATION_FAILED` and',
  '  `BAD_USER_INPUT`, as GraphQL over HTTP recommends; clients that accept `application/graphql-response+json`',
  '  (or `*/*`) get the status shown. Over WebSocket there is no status: the error answers its operation.',
  '- **Retryable**: the same request may succeed later, unchanged. Where `retryable` is among the extensions, the',
  '  error says so itself; `retryAfterSeconds`, where present, says how long to wait.',
  '- **Behind a router** statuses and headers stop at the router: decide on `extensions.code`, and wait',
  '  `extensions.retryAfterSeconds`.',
  '- Codes marked *(Apollo)* are raised by Apollo Server itself.',
  '',
  '## Errors of a request (`errors[].extensions.code`)',
  '',
  '| code | HTTP status | retryable | when | extensions |',
  '|---|---|---|---|---|',
];

const EXECUTION_INTRO = [
  '## Errors of an execution (`PatternExecution.errors[].code`, `StepTrace.error.code`)',
  '',
  'An execution that was accepted records why it, or one of its steps, failed; these are data of the execution',
  '(each with its own `retryable`), not GraphQL errors. Server-side endings (`SHUTDOWN`, `RUN_LOST`,',
  '`RESULT_NOT_STORED`) are refunded, and a run with the same idempotency key starts a new attempt.',
  '',
  '| code | retryable | raised by | when |',
  '|---|---|---|---|',
];

function apiTable(): string[] {
  return Object.entries(ERROR_CATALOGUE).map(([code, entry]: [string, ErrorEntry]) =>
    row([`\`${code}\`${entry.apollo ? ' *(Apollo)*' : ''}`, statusOf(entry), yesNo(entry.retryable), entry.when, extensionsOf(entry)]),
  );
}

function executionTable(): string[] {
  return Object.entries(EXECUTION_ERROR_CATALOGUE).map(([code, entry]: [string, ExecutionErrorEntry]) =>
    row([`\`${code}\``, yesNo(entry.retryable), entry.raisedBy, entry.when]),
  );
}

const WARNING_INTRO = [
  '## Warnings of a run (`PatternExecution.warnings[].code`)',
  '',
  'What a step met without failing, with the symbol it concerns and the step. An incomplete one leaves part of the',
  'result out, so a run whose steps all succeeded ends `PARTIAL`.',
  '',
  '| code | incomplete | when |',
  '|---|---|---|',
];

function warningTable(): string[] {
  return Object.entries(EXECUTION_WARNING_CATALOGUE).map(([code, entry]: [string, ExecutionWarningEntry]) =>
    row([`\`${code}\``, yesNo(entry.incomplete), entry.when]),
  );
}

function statusOf(entry: ErrorEntry): string {
  if (entry.webSocketOnly) return '— (WebSocket only)';
  if (entry.status === undefined) return "— (a field's error)";
  return entry.statusEvenBesideData ? `${entry.status} (any response)` : String(entry.status);
}

function extensionsOf(entry: ErrorEntry): string {
  const names = Object.entries(entry.extensions);
  return names.length === 0 ? '—' : names.map(([name, meaning]) => `\`${name}\`: ${meaning}`).join('<br>');
}

const yesNo = (flag: boolean) => (flag ? 'yes' : 'no');

function row(cells: string[]): string {
  return `| ${cells.map((cell) => cell.replaceAll('|', '\\|')).join(' | ')} |`;
}
