import { randomBytes } from 'node:crypto';
import { ROOT_CONTEXT, TraceFlags, context, defaultTextMapGetter, trace, type Context, type Tracer } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';

const w3c = new W3CTraceContextPropagator();

/**
 * The tracer every freshgate span is started from; its spans are recorded only when instrument.ts
 * registered the OpenTelemetry SDK at start.
 */
export function tracer(): Tracer {
  return trace.getTracer('freshgate');
}

/** The trace a request's spans and logs belong to. */
export interface RequestTrace {
  /** Parent context for the request's spans. */
  otelContext: Context;
  /** The OpenTelemetry trace id: what ExecutionMetadata.traceId and logs report. */
  traceId: string;
}

/**
 * The trace a request belongs to. With the HTTP instrumentation on, that is the server span's
 * (which already continued any incoming traceparent); otherwise the incoming W3C traceparent
 * itself, so a router's trace continues here; otherwise a new trace id.
 */
export function requestTrace(headers: Record<string, string | string[] | undefined>): RequestTrace {
  const active = trace.getSpan(context.active());
  if (active?.spanContext().traceId && trace.isSpanContextValid(active.spanContext())) {
    return { otelContext: context.active(), traceId: active.spanContext().traceId };
  }
  const extracted = w3c.extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
  const incoming = trace.getSpanContext(extracted);
  if (incoming && trace.isSpanContextValid(incoming)) return { otelContext: extracted, traceId: incoming.traceId };
  // A remote parent of our own making: the request's spans share one new trace id.
  const traceId = randomBytes(16).toString('hex');
  const parent = trace.setSpanContext(ROOT_CONTEXT, {
    traceId,
    spanId: randomBytes(8).toString('hex'),
    traceFlags: TraceFlags.SAMPLED,
    isRemote: true,
  });
  return { otelContext: parent, traceId };
}
