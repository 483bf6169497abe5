import {
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExportExecutionDocument,
  PackHealthChangedDocument,
  PackHealthDocument,
} from '../generated/operations';
import { samplePack } from '../support/packs';
import { SubscriptionProbe } from '../support/subscription-probe';
import { startTestServer, type TestServer } from '../support/test-server';

/** The value of one sample of the Prometheus text format, or undefined. */
function sample(text: string, name: string, labels: Record<string, string> = {}): number | undefined {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const match = /^([a-z_]+)(\{([^}]*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const have = Object.fromEntries(
      (match[3] ?? '')
        .split(',')
        .filter(Boolean)
        .map((kv) => kv.split('=').map((x) => x.replace(/"/g, ''))),
    );
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(match[4]);
  }
  return undefined;
}

describe('GET /metrics and /health/detailed', () => {
  let t: TestServer;
  const base = () => t.server.url.replace(/\/graphql$/, '');
  const scrape = async () => (await fetch(`${base()}/metrics`)).text();

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('shows each metric with the counts of the flow that ran', async () => {
    const run = (patternId: string) =>
      t.request(ExecutePatternDocument, { input: { patternId, inputs: { portfolioId: 'pf-demo-growth' } } }, { as: 'demo-analyst' });
    await t.request(PackHealthDocument, {}, {});
    const news = (await run('portfolio_news')).data!.executePattern!.id;
    await run('portfolio_overview');
    await t.request(ExportExecutionDocument, { id: news, format: 'JSON' }, { as: 'demo-analyst' });
    const probe = new SubscriptionProbe(t.wsClient({ as: 'demo-viewer' }), PackHealthChangedDocument, {});
    await probe.next();
    await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-28') }, { as: 'pack-builder' });
    await run('portfolio_overview'); // blocked: warming
    await probe.next((h) => (h as { status: string }).status === 'WARMING');

    const text = await scrape();
    expect(
      sample(text, 'freshgate_graphql_request_duration_seconds_count', { operation_name: 'PackHealth', operation_type: 'query' }),
    ).toBe(1);
    expect(
      sample(text, 'freshgate_graphql_request_duration_seconds_count', { operation_name: 'ExecutePattern', operation_type: 'mutation' }),
    ).toBe(3);
    expect(sample(text, 'freshgate_pattern_execution_duration_seconds_count', { pattern: 'portfolio_overview', status: 'SUCCESS' })).toBe(
      1,
    );
    expect(sample(text, 'freshgate_pattern_execution_duration_seconds_count', { pattern: 'portfolio_news', status: 'SUCCESS' })).toBe(1);
    expect(sample(text, 'freshgate_freshness_gate_blocks_total', { reason: 'warming' })).toBe(1);
    expect(sample(text, 'freshgate_pack_status', { status: 'WARMING' })).toBe(1);
    expect(sample(text, 'freshgate_pack_status', { status: 'FRESH' })).toBe(0);
    expect(sample(text, 'freshgate_agent_invocations_total', { capability: 'pricing.apply_pack', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'freshgate_agent_invocations_total', { capability: 'news.headlines', outcome: 'ok' })).toBe(1);
    expect(sample(text, 'freshgate_circuit_breaker_open', { agent: 'financial_analyst' })).toBe(0);
    expect(sample(text, 'freshgate_ws_connections')).toBe(1);
    expect(sample(text, 'freshgate_active_subscriptions')).toBe(1);
    expect(sample(text, 'freshgate_rights_violations_total', { source: 'NewsAPI' })).toBe(1);
    expect(sample(text, 'freshgate_credits_debited_total')).toBe(1.5); // overview 1 + news 0.5
    // errors by code: the refused export and the run the gate blocked, nothing else
    expect(sample(text, 'freshgate_graphql_errors_total', { code: 'RIGHTS_EXPORT_BLOCKED', operation_type: 'mutation' })).toBe(1);
    expect(sample(text, 'freshgate_graphql_errors_total', { code: 'PRICING_PACK_WARMING', operation_type: 'mutation' })).toBe(1);
    expect(text.match(/^freshgate_graphql_errors_total\{/gm)).toHaveLength(2);
    expect(sample(text, 'freshgate_process_cpu_user_seconds_total')).toBeGreaterThan(0);
    // no ids in labels
    expect(text).not.toMatch(/[0-9a-f]{8}-[0-9a-f]{4}-/);
    expect(text).not.toContain('demo-analyst');
    probe.close();
  });

  it('pack age: seconds since the latest pack changed status, growing until it changes again', async () => {
    const first = sample(await scrape(), 'freshgate_pack_age_seconds')!;
    expect(first).toBeGreaterThanOrEqual(0);
    expect(first).toBeLessThan(120); // the WARMING pack the first test published
    await new Promise((resolve) => setTimeout(resolve, 1100));
    const second = sample(await scrape(), 'freshgate_pack_age_seconds')!;
    expect(second).toBeGreaterThan(first + 1);
    await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-29') }, { as: 'pack-builder' });
    // The change reaches the health hub through LISTEN/NOTIFY: wait for it, a few seconds at most.
    let third = second;
    for (let i = 0; i < 50 && third >= second; i++) {
      await new Promise((resolve) => setTimeout(resolve, 100));
      third = sample(await scrape(), 'freshgate_pack_age_seconds')!;
    }
    expect(third).toBeLessThan(1);
  });

  it('counts error codes under bounded labels', () => {
    expect(t.app.metrics.errorCodeLabel('BAD_USER_INPUT')).toBe('BAD_USER_INPUT');
    expect(t.app.metrics.errorCodeLabel('not a code')).toBe('OTHER');
    expect(t.app.metrics.errorCodeLabel('X'.repeat(65))).toBe('OTHER');
  });

  it('bounds client-chosen operation names', async () => {
    await t.request('{ packHealth { status } }', {}, {});
    for (let i = 0; i < 3; i++) await t.request(`query Probe${i} { packHealth { status } }`, {}, {});
    const text = await scrape();
    expect(sample(text, 'freshgate_graphql_request_duration_seconds_count', { operation_name: 'Probe2', operation_type: 'query' })).toBe(1);
    const label = t.app.metrics.operationLabel.bind(t.app.metrics);
    expect(label('has spaces')).toBe('invalid');
    expect(label('x'.repeat(65))).toBe('invalid');
    for (let i = 0; i < 300; i++) label(`Op${i}`);
    expect(label('OneTooMany')).toBe('other');
    expect(sample(text, 'freshgate_graphql_request_duration_seconds_count', { operation_name: 'anonymous', operation_type: 'query' })).toBe(
      1,
    );
  });

  it('/health/detailed reports version, uptime, database, listener, pack health and breakers', async () => {
    const body = (await (await fetch(`${base()}/health/detailed`)).json()) as Record<string, any>;
    expect(body).toMatchObject({
      version: '0.1.0',
      database: { kind: expect.stringMatching(/pglite|postgres/), reachable: true, pool: { total: expect.any(Number) } },
      packListener: { connected: true },
      packHealth: { packId: expect.any(String) },
      circuitBreakers: { financial_analyst: 'CLOSED', news_analyst: 'CLOSED' },
      rightsRegistry: { sha256: expect.stringMatching(/^[0-9a-f]{64}$/) },
    });
    expect(body.uptimeSeconds).toBeGreaterThanOrEqual(0);
    expect(Date.parse(body.packListener.lastEventAt)).toBeGreaterThan(0);
  });
});
