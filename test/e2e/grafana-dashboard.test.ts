import { readFileSync } from 'node:fs';
import path from 'node:path';
import type * as LezerPromqlModule from '@prometheus-io/lezer-promql' with { 'resolution-mode': 'import' };
import {
  CreatePricingPackDocument,
  ExecutePatternDocument,
  ExportExecutionDocument,
  PackHealthChangedDocument,
} from '../generated/operations';
import { samplePack } from '../support/packs';
import { SubscriptionProbe } from '../support/subscription-probe';
import { startTestServer, type TestServer } from '../support/test-server';
// The package declares its types as an ES module; its CommonJS build is what runs under jest.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { parser } = require('@prometheus-io/lezer-promql') as typeof LezerPromqlModule;
type SyntaxNode = ReturnType<(typeof LezerPromqlModule)['parser']['parse']>['topNode'];

/**
 * The Grafana dashboard (ops/grafana/freshgate.json) may only ask for series a real server exports:
 * every PromQL expression in it is parsed with Prometheus's own grammar (lezer-promql), and each
 * metric name and label name it uses is checked against what /metrics answers after the server
 * has run patterns, refused a run and an export, and served a subscription.
 */

const DASHBOARD = path.join(__dirname, '../../ops/grafana/freshgate.json');
// Labels Prometheus attaches to every series when it scrapes a target, not the server.
const SCRAPE_LABELS = new Set(['instance', 'job']);
// Grafana's interval variables stand where PromQL needs a duration.
const GRAFANA_DURATIONS = /\$(?:__rate_interval|__interval|__range)\b|\$\{(?:__rate_interval|__interval|__range)\}/g;

interface Panel {
  title?: string;
  type: string;
  datasource?: { type?: string; uid?: string };
  targets?: { expr?: string; datasource?: { uid?: string } }[];
  panels?: Panel[];
}
interface Variable {
  name: string;
  type: string;
  query?: string | { query?: string };
}
interface Dashboard {
  panels: Panel[];
  templating: { list: Variable[] };
}

/** Every PromQL expression of the dashboard, with where it comes from; label_values(expr, label) gives expr and label. */
function expressions(dashboard: Dashboard): { where: string; expr: string; extraLabels: string[] }[] {
  const out: { where: string; expr: string; extraLabels: string[] }[] = [];
  const walk = (panels: Panel[]) => {
    for (const panel of panels) {
      for (const target of panel.targets ?? [])
        if (target.expr) out.push({ where: `panel "${panel.title}"`, expr: target.expr, extraLabels: [] });
      walk(panel.panels ?? []);
    }
  };
  walk(dashboard.panels);
  for (const variable of dashboard.templating.list.filter((v) => v.type === 'query')) {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const labelValues = /^label_values\((.*),\s*([A-Za-z_][A-Za-z0-9_]*)\)$/.exec(query.trim());
    if (labelValues) out.push({ where: `variable $${variable.name}`, expr: labelValues[1], extraLabels: [labelValues[2]] });
    else out.push({ where: `variable $${variable.name}`, expr: query, extraLabels: [] });
  }
  return out;
}

/** The metric names an expression selects and the label names it uses (matchers; by/without/on/ignoring/group_*). */
function namesIn(expr: string): { metrics: { name: string; matcherLabels: string[] }[]; groupingLabels: string[]; errors: string[] } {
  const text = expr.replace(GRAFANA_DURATIONS, '5m');
  const tree = parser.parse(text);
  const metrics: { name: string; matcherLabels: string[] }[] = [];
  const groupingLabels: string[] = [];
  const errors: string[] = [];
  const source = (node: SyntaxNode) => text.slice(node.from, node.to);
  tree.iterate({
    enter: (ref) => {
      if (ref.type.isError) errors.push(`syntax error at ${ref.from}: ${JSON.stringify(text.slice(ref.from, ref.from + 20))}`);
      if (ref.name === 'VectorSelector') {
        const node = ref.node;
        const identifier = node.getChild('Identifier');
        const matcherLabels = (node.getChild('LabelMatchers')?.getChildren('UnquotedLabelMatcher') ?? []).map((m) =>
          source(m.getChild('LabelName')!),
        );
        if (!identifier) errors.push(`a selector without a metric name: ${source(node)}`);
        else metrics.push({ name: source(identifier), matcherLabels });
        return false;
      }
      if (ref.name === 'GroupingLabels') {
        for (const label of ref.node.getChildren('LabelName')) groupingLabels.push(source(label));
        return false;
      }
      return undefined;
    },
  });
  return { metrics, groupingLabels, errors };
}

/** Metric name → label names, from the Prometheus text exposition of /metrics (histogram series by their own names). */
function exported(exposition: string): Map<string, Set<string>> {
  const series = new Map<string, Set<string>>();
  for (const line of exposition.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+\S+/.exec(line);
    if (!sample) throw new Error(`unexpected exposition line: ${line}`);
    const labels = series.get(sample[1]) ?? new Set<string>();
    for (const pair of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="(?:[^"\\]|\\.)*"/g)) labels.add(pair[1]);
    series.set(sample[1], labels);
  }
  return series;
}

/** Problems of one expression against what the server exports; empty when it only names real series and labels. */
function problems(expr: string, extraLabels: string[], series: Map<string, Set<string>>): string[] {
  const { metrics, groupingLabels, errors } = namesIn(expr);
  const found = [...errors];
  if (metrics.length === 0) found.push('selects no metric');
  const labelsOfExpr = new Set<string>(SCRAPE_LABELS);
  for (const { name, matcherLabels } of metrics) {
    const labels = series.get(name);
    if (!labels) {
      found.push(`metric ${name} is not exported`);
      continue;
    }
    labels.forEach((l) => labelsOfExpr.add(l));
    for (const label of matcherLabels) if (!labels.has(label) && !SCRAPE_LABELS.has(label)) found.push(`${name} has no label ${label}`);
  }
  for (const label of [...groupingLabels, ...extraLabels])
    if (!labelsOfExpr.has(label)) found.push(`no metric of the expression has label ${label}`);
  return found;
}

describe('the Grafana dashboard asks only for what /metrics exports', () => {
  let t: TestServer;
  let series: Map<string, Set<string>>;
  const dashboard = JSON.parse(readFileSync(DASHBOARD, 'utf8')) as Dashboard;

  beforeAll(async () => {
    t = await startTestServer();
    const run = (patternId: string) =>
      t.request(ExecutePatternDocument, { input: { patternId, inputs: { portfolioId: 'pf-demo-growth' } } }, { as: 'demo-analyst' });
    const overview = await run('portfolio_overview');
    expect(overview.errors).toBeUndefined();
    const news = (await run('portfolio_news')).data!.executePattern!.id;
    const refusedExport = await t.request(ExportExecutionDocument, { id: news, format: 'XLSX' }, { as: 'demo-analyst' });
    expect(refusedExport.errors?.[0].extensions?.code).toBe('RIGHTS_EXPORT_BLOCKED');
    const probe = new SubscriptionProbe(t.wsClient({ as: 'demo-viewer' }), PackHealthChangedDocument, {});
    await probe.next();
    await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-28') }, { as: 'pack-builder' });
    const refusedRun = await run('portfolio_overview'); // the new pack is warming
    expect(refusedRun.errors?.[0].extensions?.code).toBe('PRICING_PACK_WARMING');
    await probe.next((h) => (h as { status: string }).status === 'WARMING');
    const base = t.server.url.replace(/\/graphql$/, '');
    series = exported(await (await fetch(`${base}/metrics`)).text());
    probe.close();
  }, 180_000); // a server, runs and packs: slow when the machine is busy
  afterAll(async () => {
    await t.close();
  });

  it('every expression parses and names only exported metrics and labels', () => {
    const all = expressions(dashboard);
    expect(all.length).toBeGreaterThan(15);
    const report = all.map(({ where, expr, extraLabels }) => ({ where, expr, problems: problems(expr, extraLabels, series) }));
    expect(report.filter((r) => r.problems.length > 0)).toEqual([]);
  });

  it('the check itself catches a wrong metric, a wrong label and a syntax error', () => {
    expect(problems('rate(freshgate_no_such_metric_total[5m])', [], series)).toEqual([
      'metric freshgate_no_such_metric_total is not exported',
    ]);
    expect(problems('sum by (tenant) (freshgate_pack_status{colour="x"})', [], series)).toEqual([
      'freshgate_pack_status has no label colour',
      'no metric of the expression has label tenant',
    ]);
    expect(problems('sum(rate(freshgate_credits_debited_total[$__rate_interval])', [], series)[0]).toMatch(/syntax error/);
    // Histogram series are exported under their own names, with le on the buckets only.
    expect(series.get('freshgate_pattern_execution_duration_seconds_bucket')).toEqual(new Set(['le', 'pattern', 'status']));
    expect(series.has('freshgate_pattern_execution_duration_seconds')).toBe(false);
  });

  it('covers what operators asked for, through the datasource variable', () => {
    const used = new Set(expressions(dashboard).flatMap(({ expr }) => namesIn(expr).metrics.map((m) => m.name)));
    for (const metric of [
      'freshgate_graphql_request_duration_seconds_count', // request rate
      'freshgate_graphql_errors_total', // errors by code
      'freshgate_graphql_request_duration_seconds_bucket', // latency by operation
      'freshgate_pattern_execution_duration_seconds_bucket', // latency by pattern
      'freshgate_pattern_execution_duration_seconds_count', // executions by status
      'freshgate_pack_status',
      'freshgate_pack_age_seconds',
      'freshgate_credits_debited_total',
      'freshgate_circuit_breaker_open',
      'freshgate_ws_connections',
      'freshgate_ws_slow_consumers_closed_total',
    ]) {
      expect(used).toContain(metric);
    }
    expect(dashboard.templating.list.find((v) => v.name === 'datasource')).toMatchObject({ type: 'datasource', query: 'prometheus' });
    const walk = (panels: Panel[]): Panel[] => panels.flatMap((p) => [p, ...walk(p.panels ?? [])]);
    for (const panel of walk(dashboard.panels).filter((p) => p.type !== 'row')) {
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${datasource}' });
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe('${datasource}');
    }
  });
});
