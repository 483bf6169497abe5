// Loaded first by `npm start` (node --require). With OTEL_EXPORTER_OTLP_ENDPOINT set it starts the
// OpenTelemetry SDK (tracing-sdk.ts), which must patch http, pg and graphql before anything imports
// them. Without an endpoint nothing would be exported, so nothing is loaded: no SDK, no
// instrumentation patching every request for spans nobody records (~20 % of a small query's
// throughput, and ~0.15 s of start-up). Trace ids still come from an incoming traceparent or are
// made per request (tracing.ts), and freshgate's own spans are the API's no-op ones.
if (process.env.OTEL_EXPORTER_OTLP_ENDPOINT) {
  // A require, not an import: the SDK is loaded only when it is used.
  /* eslint-disable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  const { startTracing } = require('./tracing-sdk') as typeof import('./tracing-sdk');
  /* eslint-enable @typescript-eslint/no-require-imports, @typescript-eslint/consistent-type-imports */
  startTracing(process.env);
}
