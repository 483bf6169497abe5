import type * as SentrySdk from '@sentry/node';
import { hashIdentifier } from './redaction';

/** The ids an error report is tagged with; the user and tenant ids leave the process only as hashes. */
export interface ErrorIds {
  requestId: string;
  traceId: string;
  userId?: string | null;
  tenantId?: string | null;
}

const JWT = /eyJ[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*/g;
const BEARER = /\b(Bearer|Basic)\s+[^\s"']+/gi;
const EMAIL = /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g;
const SECRET_KEYS = /^(authorization|cookie|set-cookie|x-api-key|proxy-authorization|token|password|secret)$/i;

/** Replaces tokens, credentials, emails and the given raw ids (by their hashes) in any string. */
export function scrubText(text: string, rawIds: readonly string[]): string {
  let out = text.replace(JWT, '[token]').replace(BEARER, '$1 [redacted]').replace(EMAIL, '[email]');
  for (const id of rawIds) if (id) out = out.split(id).join(`[id:${hashIdentifier(id)}]`);
  return out;
}

/** Deep copy with every string scrubbed and credential-bearing keys dropped. */
export function scrubValue<T>(value: T, rawIds: readonly string[]): T {
  if (typeof value === 'string') return scrubText(value, rawIds) as T;
  if (Array.isArray(value)) return value.map((item) => scrubValue(item, rawIds)) as T;
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      if (SECRET_KEYS.test(key)) continue;
      out[key] = scrubValue(item, rawIds);
    }
    return out as T;
  }
  return value;
}

// The ids to scrub travel with the error object to beforeSend, without being sent themselves.
const rawIdsOf = new WeakMap<object, string[]>();

/**
 * Where unexpected errors are reported (Sentry when configured), scrubbed of credentials and raw
 * ids; flushed at shutdown.
 */
export interface ErrorReporting {
  capture(error: unknown, ids: ErrorIds): void;
  flush(timeoutMs?: number): Promise<void>;
}

/**
 * Sentry for unexpected errors only (coded client errors are not reported), tagged with the
 * trace id. Everything is scrubbed in beforeSend, the last point before an event leaves the
 * process: tokens, authorization headers, emails and the caller's raw ids.
 */
export function initErrorReporting(options: {
  dsn: string;
  environment: string;
  release?: string;
  transport?: SentrySdk.NodeOptions['transport'];
}): ErrorReporting {
  // Loaded only when a DSN is configured: the SDK is a fifth of start-up time otherwise spent for nothing.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const Sentry = require('@sentry/node') as typeof SentrySdk;
  const client = Sentry.init({
    dsn: options.dsn,
    environment: options.environment,
    release: options.release,
    transport: options.transport,
    // freshgate runs its own OpenTelemetry SDK; Sentry must not install a second one.
    enableOpenTelemetrySetup: false,
    defaultIntegrations: false,
    integrations: [],
    beforeSend: (event, hint) => {
      const original = hint?.originalException;
      const rawIds = original && typeof original === 'object' ? (rawIdsOf.get(original) ?? []) : [];
      const scrubbed = scrubValue(event, rawIds);
      if (scrubbed.user) scrubbed.user = { id: hashIdentifier(String(event.user?.id ?? '')) ?? undefined };
      return scrubbed;
    },
    beforeBreadcrumb: (breadcrumb) => scrubValue(breadcrumb, []),
  });
  return {
    capture(error, ids) {
      const rawIds = [ids.userId, ids.tenantId].filter((x): x is string => Boolean(x));
      Sentry.withScope((scope) => {
        scope.setTag('trace_id', ids.traceId);
        scope.setTag('request_id', ids.requestId);
        if (ids.userId) scope.setUser({ id: hashIdentifier(ids.userId) ?? undefined });
        if (ids.tenantId) scope.setTag('tenant', hashIdentifier(ids.tenantId));
        scope.setContext('trace', { trace_id: ids.traceId });
        if (error && typeof error === 'object') rawIdsOf.set(error, rawIds);
        Sentry.captureException(error);
      });
    },
    async flush(timeoutMs = 2_000) {
      await client?.flush(timeoutMs);
    },
  };
}
