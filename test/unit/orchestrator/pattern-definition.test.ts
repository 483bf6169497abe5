import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { financialAnalyst } from '../../../src/agents/financial-analyst';
import { newsAnalyst } from '../../../src/agents/news-analyst';
import type { AgentDeps } from '../../../src/agents/agent-deps';
import { compilePattern, PatternDefinitionError, type PatternDefinition } from '../../../src/orchestrator/pattern-definition';
import { AgentRuntime } from '../../../src/runtime/agent-runtime';

const PATTERNS_DIR = path.join(__dirname, '../../../patterns');
const patternFiles = readdirSync(PATTERNS_DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();
const readPattern = (file: string): PatternDefinition => JSON.parse(readFileSync(path.join(PATTERNS_DIR, file), 'utf8'));
const capabilitiesOf = (definition: PatternDefinition) => new Set(definition.steps.map((s) => s.capability));

const CAPS = new Set(['demo.load', 'demo.sum', 'demo.report']);

/** A small valid definition; every test below breaks exactly one thing in it. */
function baseDefinition(): PatternDefinition {
  return {
    id: 'demo_pattern',
    version: '1.2.3',
    description: 'A pattern for tests.',
    cost: 1,
    sources: ['Internal'],
    inputSchema: {
      type: 'object',
      additionalProperties: false,
      required: ['portfolioId'],
      properties: {
        portfolioId: { type: 'string', minLength: 1 },
        start: { type: 'string', format: 'date' },
        factor: { type: 'number', default: 2 },
      },
    },
    outputSchema: { type: 'object', required: ['total'] },
    steps: [
      { id: 'load', capability: 'demo.load', args: { portfolioId: '{{inputs.portfolioId}}', asOf: '{{ctx.asofDate}}' } },
      {
        id: 'sum',
        capability: 'demo.sum',
        args: { rows: '{{state.load.rows}}', factor: '{{inputs.factor}}', from: '{{inputs.start ?? ctx.defaultStart}}' },
      },
    ],
    output: { total: '{{state.sum.total}}', asOf: '{{ctx.asofDate}}' },
  };
}

function expectRejected(raw: unknown, message: RegExp, caps: ReadonlySet<string> = CAPS): void {
  let caught: unknown;
  try {
    compilePattern(raw, caps);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PatternDefinitionError);
  expect((caught as Error).message).toMatch(message);
}

describe('the real pattern files', () => {
  it('exist (portfolio_overview, portfolio_risk, portfolio_news)', () => {
    expect(patternFiles).toEqual(expect.arrayContaining(['portfolio_news.json', 'portfolio_overview.json', 'portfolio_risk.json']));
  });

  it.each(patternFiles)('%s compiles with exactly the capabilities it uses', (file) => {
    const definition = readPattern(file);
    const compiled = compilePattern(definition, capabilitiesOf(definition));
    expect(compiled.definition.id).toBe(path.basename(file, '.json'));
    expect(compiled.sha256).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(compiled.plan.order).toHaveLength(definition.steps.length);
    // Missing any one capability rejects it.
    const [first] = definition.steps;
    const fewer = new Set(capabilitiesOf(definition));
    fewer.delete(first.capability);
    expect(() => compilePattern(readPattern(file), fewer)).toThrow(
      new RegExp(`unknown capability "${first.capability.replace('.', '\\.')}"`),
    );
  });

  it.each(patternFiles)('%s only uses capabilities the real agents register', (file) => {
    const deps = {} as AgentDeps; // capability factories only capture deps; nothing is called here
    const runtime = new AgentRuntime([financialAnalyst(deps), newsAnalyst(deps)]);
    expect(() => compilePattern(readPattern(file), new Set(runtime.capabilities()))).not.toThrow();
  });

  it('portfolio_overview: the plan follows the data flow', () => {
    const { plan } = compilePattern(readPattern('portfolio_overview.json'), capabilitiesOf(readPattern('portfolio_overview.json')));
    expect(plan.dependsOn).toEqual({
      positions: [],
      valuation: ['positions'],
      series: [],
      twr: ['series'],
      charts: ['valuation', 'series', 'twr'],
    });
  });
});

describe('compilePattern rejects a bad definition with a clear message', () => {
  it('accepts the base definition (control)', () => {
    expect(() => compilePattern(baseDefinition(), CAPS)).not.toThrow();
  });

  it('an unknown capability', () => {
    const d = baseDefinition();
    d.steps[1].capability = 'demo.nope';
    expectRejected(d, /step "sum" uses unknown capability "demo\.nope"/);
  });

  it('a template naming an input inputSchema does not define', () => {
    const d = baseDefinition();
    d.steps[0].args.extra = '{{inputs.portfolioID}}';
    expectRejected(d, /step "load".*\{\{inputs\.portfolioID\}\}.*input "portfolioID", which inputSchema does not define/);
  });

  it('an undefined input in a ?? fallback, or in the output', () => {
    const d = baseDefinition();
    d.steps[1].args.from = '{{ctx.defaultStart ?? inputs.begin}}';
    expectRejected(d, /input "begin"/);
    const o = baseDefinition();
    o.output.extra = '{{inputs.nope}}';
    expectRejected(o, /output: .*input "nope"/);
  });

  it('an unknown ctx field', () => {
    const d = baseDefinition();
    d.steps[0].args.asOf = '{{ctx.asOfDate}}';
    expectRejected(d, /step "load".*\{\{ctx\.asOfDate\}\} names no context field/);
  });

  it('a step that does not exist (in args and in output)', () => {
    const d = baseDefinition();
    d.steps[1].args.rows = '{{state.loader.rows}}';
    expectRejected(d, /step "sum".*names step "loader", which does not exist/);
    const o = baseDefinition();
    o.output.total = '{{state.summ.total}}';
    expectRejected(o, /output: .*step "summ", which does not exist/);
  });

  it('a step reading its own output', () => {
    const d = baseDefinition();
    d.steps[1].args.self = '{{state.sum.total}}';
    expectRejected(d, /"sum".*own output/);
  });

  it('a cycle', () => {
    const d = baseDefinition();
    d.steps[0].args.back = '{{state.sum.total}}';
    expectRejected(d, /"load", "sum" form a cycle/);
  });

  it('duplicate step ids', () => {
    const d = baseDefinition();
    d.steps.push({ id: 'load', capability: 'demo.load', args: {} });
    expectRejected(d, /step "load" is defined twice/);
  });

  it('a malformed template', () => {
    const d = baseDefinition();
    d.steps[0].args.bad = '{{input.portfolioId}}';
    expectRejected(d, /step "load": "input\.portfolioId" is not a template path/);
  });

  it.each(['1.0', 'v1.0.0', '1.0.0-beta', '01.0.x', ''])('a bad version string %p', (version) => {
    const d = baseDefinition();
    d.version = version;
    expectRejected(d, /invalid pattern definition: \/version must match pattern/);
  });

  it.each(['id', 'version', 'description', 'cost', 'sources', 'inputSchema', 'outputSchema', 'steps', 'output'] as const)(
    'a missing required field: %s',
    (field) => {
      const d = baseDefinition() as unknown as Record<string, unknown>;
      delete d[field];
      expectRejected(d, new RegExp(`invalid pattern definition: .*must have required property '${field}'`));
    },
  );

  it('a step without capability, an unknown step field, a non-integer timeout', () => {
    const a = baseDefinition() as unknown as { steps: Record<string, unknown>[] };
    delete a.steps[0].capability;
    expectRejected(a, /\/steps\/0 must have required property 'capability'/);
    const b = baseDefinition() as unknown as { steps: Record<string, unknown>[] };
    b.steps[0].dependsOn = ['sum'];
    expectRejected(b, /\/steps\/0 must NOT have additional properties/);
    const c = baseDefinition();
    c.steps[0].timeoutMs = 1.5;
    expectRejected(c, /\/steps\/0\/timeoutMs must be integer/);
  });

  it('no steps at all, or not an object', () => {
    const d = baseDefinition();
    d.steps = [];
    expectRejected(d, /\/steps must NOT have fewer than 1 items/);
    expectRejected(null, /invalid pattern definition/);
    expectRejected([baseDefinition()], /invalid pattern definition/);
  });

  it('an invalid inputSchema ({ "type": 12 })', () => {
    const d = baseDefinition();
    d.inputSchema = { type: 12 };
    expectRejected(d, /inputSchema is not a valid JSON Schema/);
  });

  it('an invalid outputSchema', () => {
    const d = baseDefinition();
    d.outputSchema = { type: 'object', required: 'total' };
    expectRejected(d, /outputSchema is not a valid JSON Schema/);
  });
});

describe('compiled patterns are independent of each other', () => {
  it('two patterns whose schemas share an $id each validate by their own schema', () => {
    const first = baseDefinition();
    first.inputSchema = { ...first.inputSchema, $id: 'https://example.test/inputs.json' };
    const second = baseDefinition();
    second.id = 'other_pattern';
    second.inputSchema = {
      ...second.inputSchema,
      $id: 'https://example.test/inputs.json',
      properties: { ...(second.inputSchema.properties as object), factor: { type: 'string' } },
    };
    const a = compilePattern(first, CAPS);
    const b = compilePattern(second, CAPS);
    expect(a.validateInputs({ portfolioId: 'p', factor: 3 })).toBe(true);
    expect(b.validateInputs({ portfolioId: 'p', factor: 3 })).toBe(false);
    expect(b.validateInputs({ portfolioId: 'p', factor: 'three' })).toBe(true);
  });
});

describe('the definition sha256', () => {
  function reverseKeys(value: unknown): unknown {
    if (Array.isArray(value)) return value.map(reverseKeys);
    if (value !== null && typeof value === 'object') {
      return Object.fromEntries(
        Object.entries(value)
          .reverse()
          .map(([k, v]) => [k, reverseKeys(v)]),
      );
    }
    return value;
  }

  it('does not depend on key order, at any depth', () => {
    const a = compilePattern(baseDefinition(), CAPS);
    const reordered = reverseKeys(baseDefinition());
    expect(Object.keys(reordered as object)[0]).toBe('output'); // really reordered
    const b = compilePattern(reordered, CAPS);
    expect(b.sha256).toBe(a.sha256);
  });

  it('is stable across compiles and for the real files', () => {
    for (const file of patternFiles) {
      const d = readPattern(file);
      expect(compilePattern(readPattern(file), capabilitiesOf(d)).sha256).toBe(compilePattern(reverseKeys(d), capabilitiesOf(d)).sha256);
    }
  });

  it('changes when a step argument changes, even slightly', () => {
    const a = compilePattern(baseDefinition(), CAPS).sha256;
    const d = baseDefinition();
    d.steps[1].args.from = '{{inputs.start ?? ctx.asofDate}}';
    expect(compilePattern(d, CAPS).sha256).not.toBe(a);
    const e = baseDefinition();
    e.steps[0].optional = true;
    expect(compilePattern(e, CAPS).sha256).not.toBe(a);
  });

  it('does not change when inputs are validated (defaults are applied to inputs, not the definition)', () => {
    const compiled = compilePattern(baseDefinition(), CAPS);
    compiled.validateInputs({ portfolioId: 'p' });
    expect(compilePattern(compiled.definition, CAPS).sha256).toBe(compiled.sha256);
  });
});

describe('validateInputs', () => {
  const risk = () => {
    const d = readPattern('portfolio_risk.json');
    return compilePattern(d, capabilitiesOf(d));
  };

  it('applies defaults in place (portfolio_risk riskFreeRate → 0)', () => {
    const inputs: Record<string, unknown> = { portfolioId: 'demo' };
    expect(risk().validateInputs(inputs)).toBe(true);
    expect(inputs).toEqual({ portfolioId: 'demo', riskFreeRate: 0 });
  });

  it('keeps a given value over the default', () => {
    const inputs: Record<string, unknown> = { portfolioId: 'demo', riskFreeRate: 0.04 };
    expect(risk().validateInputs(inputs)).toBe(true);
    expect(inputs.riskFreeRate).toBe(0.04);
  });

  it('accepts real dates and rejects bad ones (format: date)', () => {
    const validate = risk().validateInputs;
    expect(validate({ portfolioId: 'demo', start: '2024-02-29', end: '2024-12-31' })).toBe(true);
    expect(validate({ portfolioId: 'demo', start: '1900-01-01', end: '9999-12-31' })).toBe(true);
    // Outside 1900–9999 (README, "Dates"): PostgreSQL has no year 0 and the steps query by date.
    for (const bad of [
      '2024-13-01',
      '2023-02-29',
      '2024-1-5',
      '20240105',
      'yesterday',
      '2024-01-05T00:00:00Z',
      '0000-01-01',
      '1899-12-31',
    ]) {
      expect(validate({ portfolioId: 'demo', start: bad })).toBe(false);
      expect(validate.errors?.[0]).toMatchObject({ instancePath: '/start', keyword: 'format' });
    }
  });

  it('holds date-time inputs to the same years as dates', () => {
    const definition = baseDefinition();
    (definition.inputSchema.properties as Record<string, unknown>).at = { type: 'string', format: 'date-time' };
    const { validateInputs } = compilePattern(definition, CAPS);
    expect(validateInputs({ portfolioId: 'demo', at: '2026-01-31T16:00:00Z' })).toBe(true);
    for (const bad of ['0000-01-01T00:00:00Z', '1899-12-31T23:59:59Z', '2026-01-31'])
      expect(validateInputs({ portfolioId: 'demo', at: bad })).toBe(false);
  });

  it('rejects missing required inputs, unknown inputs and out-of-range numbers', () => {
    const validate = risk().validateInputs;
    expect(validate({})).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'required', params: { missingProperty: 'portfolioId' } });
    expect(validate({ portfolioId: 'demo', foo: 1 })).toBe(false);
    expect(validate.errors?.[0]).toMatchObject({ keyword: 'additionalProperties' });
    expect(validate({ portfolioId: 'demo', riskFreeRate: 2 })).toBe(false);
  });
});
