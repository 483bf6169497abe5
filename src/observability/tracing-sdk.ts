// The OpenTelemetry SDK as instrument.ts starts it when an OTLP endpoint is configured. Standard
// OTEL_* variables apply (OTEL_TRACES_SAMPLER and OTEL_TRACES_SAMPLER_ARG choose the sampler;
// default parent-based always-on).
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

/**
 * Registers the tracer provider, exporting over OTLP/HTTP, and patches http, pg and graphql — so it
 * must run before anything imports them. OTEL_NODE_DISABLED_INSTRUMENTATIONS (as in
 * `@opentelemetry/auto-instrumentations-node`) is a comma-separated list of http, pg, graphql to leave out.
 */
export function startTracing(env: NodeJS.ProcessEnv): void {
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': env.OTEL_SERVICE_NAME ?? 'freshgate' }),
    // `sampler` unset: the SDK reads OTEL_TRACES_SAMPLER.
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter())],
  });
  provider.register();

  const disabled = new Set((env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '').split(',').map((name) => name.trim()));
  registerInstrumentations({
    instrumentations: [
      disabled.has('http')
        ? []
        : new HttpInstrumentation({
            ignoreIncomingRequestHook: (request) => (request.url ?? '').startsWith('/health') || request.url === '/metrics',
          }),
      disabled.has('pg') ? [] : new PgInstrumentation(),
      // parse, validate and execute spans; no span per resolver: wrapping every field costs a third
      // of a small query's time, and the spans that matter (execution, steps, capability calls,
      // SQL) are started by freshgate and the pg instrumentation.
      disabled.has('graphql') ? [] : new GraphQLInstrumentation({ ignoreResolveSpans: true, mergeItems: true }),
    ].flat(),
  });

  process.once('beforeExit', () => void provider.shutdown().catch(() => {}));
}
