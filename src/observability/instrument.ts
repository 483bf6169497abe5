// Loaded first by `npm start` (node --require): OpenTelemetry must patch http, pg and graphql
// before anything imports them. Without OTEL_EXPORTER_OTLP_ENDPOINT nothing is sampled or
// exported, so tracing costs next to nothing; standard OTEL_* variables apply (OTEL_TRACES_SAMPLER
// and OTEL_TRACES_SAMPLER_ARG choose the sampler when exporting; default parent-based always-on).
import { registerInstrumentations } from '@opentelemetry/instrumentation';
import { GraphQLInstrumentation } from '@opentelemetry/instrumentation-graphql';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import type { OTLPTraceExporter as OtlpExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { resourceFromAttributes } from '@opentelemetry/resources';
import { AlwaysOffSampler, BatchSpanProcessor, NodeTracerProvider } from '@opentelemetry/sdk-trace-node';

const endpoint = process.env.OTEL_EXPORTER_OTLP_ENDPOINT;

/** Loaded only when an endpoint is configured (the exporter and its protobuf code are slow to load). */
function otlpExporter(): OtlpExporter {
  // A require, not an import: it runs only when an endpoint is configured.
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const { OTLPTraceExporter } =
    require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  return new OTLPTraceExporter();
}

const provider = new NodeTracerProvider({
  resource: resourceFromAttributes({ 'service.name': process.env.OTEL_SERVICE_NAME ?? 'freshgate' }),
  // With an exporter, leaving `sampler` unset lets the SDK read OTEL_TRACES_SAMPLER.
  ...(endpoint ? {} : { sampler: new AlwaysOffSampler() }),
  spanProcessors: endpoint ? [new BatchSpanProcessor(otlpExporter())] : [],
});
provider.register();

// OTEL_NODE_DISABLED_INSTRUMENTATIONS (as in @opentelemetry/auto-instrumentations-node): a
// comma-separated list of http, pg, graphql to leave out.
const disabled = new Set((process.env.OTEL_NODE_DISABLED_INSTRUMENTATIONS ?? '').split(',').map((name) => name.trim()));

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

const flush = () => provider.shutdown().catch(() => {});
process.once('beforeExit', flush);
