import { InMemorySpanExporter, NodeTracerProvider, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import { ExecutePatternDocument } from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

// The OTLP collector is outside the project: an in-memory exporter stands in for it.
const exporter = new InMemorySpanExporter();
const provider = new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] });
provider.register();

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_SPAN = '00f067aa0ba902b7';

const parentOf = (span: ReadableSpan) => span.parentSpanContext?.spanId;

describe('tracing', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
    await provider.shutdown();
  });

  it('continues the incoming traceparent: an execution span with provenance, a child per step, a grandchild per capability call', async () => {
    exporter.reset();
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
      { as: 'demo-analyst', headers: { traceparent: `00-${TRACE_ID}-${PARENT_SPAN}-01` } },
    );
    const execution = response.data!.executePattern!;
    expect(execution.metadata!.traceId).toBe(TRACE_ID);

    const spans = exporter.getFinishedSpans();
    const root = spans.find((s) => s.name === 'freshgate.execution')!;
    expect(root).toBeDefined();
    expect(root.spanContext().traceId).toBe(TRACE_ID);
    expect(parentOf(root)).toBe(PARENT_SPAN);
    expect(root.attributes).toMatchObject({
      pricing_pack_id: 'PP_2026-11-20',
      ledger_commit_hash: execution.metadata!.ledgerCommitHash,
      pattern_id: 'portfolio_overview',
      pattern_version: '1.1.0',
      execution_status: 'SUCCESS',
      tenant_hash: expect.stringMatching(/^[0-9a-f]{16}$/),
    });
    expect(JSON.stringify(root.attributes)).not.toContain('"demo"');

    const steps = spans.filter((s) => s.name.startsWith('step '));
    expect(steps.map((s) => s.name).sort()).toEqual(['step charts', 'step positions', 'step series', 'step twr', 'step valuation']);
    expect(steps.every((s) => parentOf(s) === root.spanContext().spanId && s.spanContext().traceId === TRACE_ID)).toBe(true);

    const calls = spans.filter((s) => s.name.startsWith('capability '));
    expect(calls).toHaveLength(5);
    for (const call of calls) {
      const step = steps.find((s) => s.spanContext().spanId === parentOf(call))!;
      expect(step).toBeDefined();
      expect(call.attributes['freshgate.capability']).toBe(step.attributes['freshgate.capability']);
    }
    const valuation = calls.find((c) => c.name === 'capability pricing.apply_pack')!;
    expect(String(valuation.attributes['freshgate.sources']).split(',').sort()).toEqual(['FMP', 'FRED', 'Polygon']);
  });

  it('without a traceparent, the metadata trace id is still the spans’ trace id', async () => {
    exporter.reset();
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_news', inputs: { portfolioId: 'pf-demo-growth' } } },
      { as: 'demo-analyst' },
    );
    const root = exporter.getFinishedSpans().find((s) => s.name === 'freshgate.execution')!;
    expect(root.spanContext().traceId).toBe(response.data!.executePattern!.metadata!.traceId);
  });
});
