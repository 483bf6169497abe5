import {
  Orchestrator,
  type OrchestrationResult,
  type OrchestratorOptions,
  type StepEvent,
  type StepTrace,
} from '../../../src/orchestrator/orchestrator';
import { compilePattern, type CompiledPattern, type PatternStepDefinition } from '../../../src/orchestrator/pattern-definition';
import { AgentRuntime } from '../../../src/runtime/agent-runtime';
import { CapabilityError, type Agent, type CapabilityFn, type Provenance } from '../../../src/runtime/capability';
import { sleep, testCtx } from '../runtime/test-agents';

const ctx = testCtx();
const OPTIONS: OrchestratorOptions = { maxConcurrency: 4, defaultStepTimeoutMs: 5_000 };
const prov = (source: string, confidence = 1): Provenance => ({ source, asOf: ctx.asofDate, confidence });

/**
 * Fixture agents for the runtime under test. Every capability counts its calls and records its args;
 * `sleep.op` sleeps args.ms (abortably) and tracks how many calls were in flight at once.
 */
function fixtures() {
  const calls: Record<string, Record<string, unknown>[]> = {};
  const concurrency = { inFlight: 0, max: 0 };
  const record =
    (capability: string, fn: CapabilityFn): CapabilityFn =>
    async (call) => {
      (calls[capability] ??= []).push(call.args);
      return fn(call);
    };
  const behaviours: Record<string, CapabilityFn> = {
    'sleep.op': async ({ args, signal }) => {
      concurrency.inFlight++;
      concurrency.max = Math.max(concurrency.max, concurrency.inFlight);
      try {
        await sleep(Number(args.ms), signal);
      } finally {
        concurrency.inFlight--;
      }
      return { data: { tag: args.tag, value: args.value ?? null }, provenance: [prov(`sleep-${String(args.tag)}`)] };
    },
    'data.echo': async ({ args }) => ({ data: args.value, provenance: [prov('Internal')] }),
    'data.make': async () => ({
      data: { value: { nested: [1, 2, 3], flag: false }, n: 42, label: 'forty-two' },
      provenance: [prov('FMP', 0.9)],
      warnings: [
        { code: 'PRICE_MISSING', message: 'missing price for XYZ', symbol: 'XYZ' },
        { code: 'FX_STALE', message: 'stale FX for JPY' },
      ],
    }),
    'data.unvalued': async () => ({
      data: { missingPrices: ['XYZ'] },
      provenance: [prov('FMP', 0.5)],
      warnings: [{ code: 'PRICE_MISSING', message: 'no price for XYZ; left unvalued', symbol: 'XYZ', incomplete: true }],
    }),
    'data.fail': async ({ args }) => {
      throw new CapabilityError(
        String(args.code ?? 'UPSTREAM_DOWN'),
        String(args.message ?? 'the upstream is down'),
        args.retryable === true,
      );
    },
    'data.crash': async () => {
      throw new Error('kaboom');
    },
  };
  const agent: Agent = {
    name: 'fixture_agent',
    capabilities: Object.fromEntries(Object.entries(behaviours).map(([c, fn]) => [c, record(c, fn)])),
  };
  const flaky = { failuresLeft: 0, retryable: true, calls: 0, connectionDrops: 0 };
  const flakyAgent: Agent = {
    name: 'flaky_agent',
    capabilities: {
      'flaky.op': async () => {
        flaky.calls++;
        if (flaky.failuresLeft > 0) {
          flaky.failuresLeft--;
          throw new CapabilityError('FLAKY', 'try again', flaky.retryable);
        }
        return { data: { ok: true }, provenance: [prov('Polygon')] };
      },
      // What node-pg throws when PostgreSQL restarts under a query.
      'flaky.db': async () => {
        flaky.calls++;
        if (flaky.connectionDrops > 0) {
          flaky.connectionDrops--;
          throw new Error('Connection terminated unexpectedly');
        }
        return { data: { ok: true }, provenance: [prov('Internal')] };
      },
    },
  };
  const runtime = new AgentRuntime([agent, flakyAgent], { failureThreshold: 50, halfOpenAfterMs: 1_000 });
  const called = (capability: string) => calls[capability]?.length ?? 0;
  return { runtime, calls, called, concurrency, flaky };
}

function pattern(
  runtime: AgentRuntime,
  steps: PatternStepDefinition[],
  output: Record<string, unknown> = {},
  inputs: Record<string, unknown> = {},
): CompiledPattern {
  return compilePattern(
    {
      id: 'test_pattern',
      version: '1.0.0',
      description: 'orchestrator test',
      cost: 0,
      sources: ['Internal'],
      inputSchema: { type: 'object', properties: { x: { type: 'number' }, label: { type: 'string' }, ...inputs } },
      outputSchema: { type: 'object' },
      steps,
      output,
    },
    new Set(runtime.capabilities()),
  );
}

const trace = (result: OrchestrationResult, id: string): StepTrace => {
  const found = result.steps.find((s) => s.stepId === id);
  if (!found) throw new Error(`no trace for ${id}`);
  return found;
};
const ms = (d: Date | null) => {
  if (!d) throw new Error('missing timestamp');
  return d.getTime();
};

describe('Orchestrator: concurrency', () => {
  const twoSleepers = (runtime: AgentRuntime) =>
    pattern(runtime, [
      { id: 'a', capability: 'sleep.op', args: { ms: 100, tag: 'a' } },
      { id: 'b', capability: 'sleep.op', args: { ms: 100, tag: 'b' } },
    ]);

  it('independent steps overlap in time', async () => {
    const { runtime, concurrency } = fixtures();
    const compiled = twoSleepers(runtime); // compiling (ajv) stays outside the timed window
    const orchestrator = new Orchestrator(runtime, OPTIONS);
    const began = performance.now();
    const result = await orchestrator.run(compiled, ctx, {});
    const wall = performance.now() - began;
    expect(result.status).toBe('SUCCESS');
    const a = trace(result, 'a');
    const b = trace(result, 'b');
    // Both started before either finished (trace timestamps), and both were in the agent at once.
    expect(Math.max(ms(a.startedAt), ms(b.startedAt))).toBeLessThan(Math.min(ms(a.finishedAt), ms(b.finishedAt)));
    expect(concurrency.max).toBe(2);
    // Run one after the other, the run would last at least the sum of the two steps. This bound is
    // relative on purpose: on a loaded machine timers fire late, which stretches both sides alike,
    // whereas an absolute bound (e.g. < 180 ms) flaked at load average 8 on 2 cores.
    expect(wall).toBeLessThan(a.durationMs! + b.durationMs!);
  });

  it('with maxConcurrency 1 they run one after the other', async () => {
    const { runtime, concurrency } = fixtures();
    const compiled = twoSleepers(runtime);
    const orchestrator = new Orchestrator(runtime, { ...OPTIONS, maxConcurrency: 1 });
    const began = performance.now();
    const result = await orchestrator.run(compiled, ctx, {});
    const wall = performance.now() - began;
    expect(result.status).toBe('SUCCESS');
    const [first, second] = result.steps;
    expect(ms(second.startedAt)).toBeGreaterThanOrEqual(ms(first.finishedAt));
    expect(concurrency.max).toBe(1);
    expect(wall).toBeGreaterThanOrEqual(190);
  });

  it('never runs more than maxConcurrency steps at once', async () => {
    const { runtime, concurrency, called } = fixtures();
    const steps = ['a', 'b', 'c', 'd', 'e'].map((id) => ({ id, capability: 'sleep.op', args: { ms: 30, tag: id } }));
    const result = await new Orchestrator(runtime, { ...OPTIONS, maxConcurrency: 2 }).run(pattern(runtime, steps), ctx, {});
    expect(result.status).toBe('SUCCESS');
    expect(called('sleep.op')).toBe(5);
    expect(concurrency.max).toBe(2);
  });

  it('a dependent step starts only after its upstream finished; an independent one does not wait', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'a', capability: 'sleep.op', args: { ms: 60, tag: 'a' } },
        { id: 'b', capability: 'sleep.op', args: { ms: 10, tag: 'b', value: '{{state.a.tag}}' } },
        { id: 'c', capability: 'sleep.op', args: { ms: 60, tag: 'c' } },
      ]),
      ctx,
      {},
    );
    expect(ms(trace(result, 'b').startedAt)).toBeGreaterThanOrEqual(ms(trace(result, 'a').finishedAt));
    expect(ms(trace(result, 'c').startedAt)).toBeLessThan(ms(trace(result, 'a').finishedAt));
  });
});

describe('Orchestrator: data flow', () => {
  it('a dependent step receives upstream output via {{state.a.value}}, with its type', async () => {
    const { runtime, calls } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(
        runtime,
        [
          { id: 'a', capability: 'data.make', args: {} },
          {
            id: 'b',
            capability: 'data.echo',
            args: {
              value: {
                whole: '{{state.a.value}}',
                n: '{{state.a.n}}',
                flag: '{{state.a.value.flag}}',
                second: '{{state.a.value.nested[1]}}',
                text: '{{state.a.label}} as of {{ctx.asofDate}}',
                x: '{{inputs.x}}',
                missing: '{{inputs.label}}',
              },
            },
          },
        ],
        { fromB: '{{state.b}}', n: '{{state.a.n}}', asOf: '{{ctx.asofDate}}', x: '{{inputs.x}}' },
      ),
      ctx,
      { x: 7 },
    );
    expect(result.status).toBe('SUCCESS');
    const expected = { whole: { nested: [1, 2, 3], flag: false }, n: 42, flag: false, second: 2, text: 'forty-two as of 2026-11-20', x: 7 };
    expect(calls['data.echo'][0]).toEqual({ value: expected });
    expect(result.output).toEqual({ fromB: expected, n: 42, asOf: '2026-11-20', x: 7 });
    expect(trace(result, 'b').agent).toBe('fixture_agent');
  });
});

describe('Orchestrator: failures', () => {
  it('a failing OPTIONAL step → PARTIAL, its error reported, independent steps succeed, its (optional) dependents are SKIPPED', async () => {
    const { runtime, called } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        {
          id: 'news',
          capability: 'data.fail',
          args: { code: 'NEWS_DOWN', message: 'NewsAPI answered 503', retryable: true },
          optional: true,
        },
        { id: 'summary', capability: 'data.echo', args: { value: '{{state.news}}' }, optional: true },
        { id: 'positions', capability: 'data.make', args: {} },
        { id: 'valuation', capability: 'data.echo', args: { value: '{{state.positions.n}}' } },
      ]),
      ctx,
      {},
    );
    expect(result.status).toBe('PARTIAL');
    expect(result.errors).toContainEqual({ stepId: 'news', code: 'NEWS_DOWN', message: 'NewsAPI answered 503', retryable: true });
    expect(trace(result, 'news')).toMatchObject({
      status: 'FAILED',
      optional: true,
      attempt: 1,
      error: { code: 'NEWS_DOWN', retryable: true },
    });
    expect(trace(result, 'positions').status).toBe('SUCCESS');
    expect(trace(result, 'valuation').status).toBe('SUCCESS');
    const summary = trace(result, 'summary');
    expect(summary.status).toBe('SKIPPED');
    expect(summary.error).toMatchObject({ code: 'UPSTREAM_FAILED', retryable: false });
    expect(summary.error?.message).toContain('"news"');
    expect(summary.startedAt).toBeNull();
    expect(called('data.echo')).toBe(1); // valuation only, summary never ran
  });

  it('a failing OPTIONAL step whose dependent is required is still PARTIAL, not FAILED (nothing required failed)', async () => {
    const { runtime, called } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'news', capability: 'data.fail', args: {}, optional: true },
        { id: 'summary', capability: 'data.echo', args: { value: '{{state.news}}' } },
        { id: 'positions', capability: 'data.make', args: {} },
      ]),
      ctx,
      {},
    );
    expect(trace(result, 'summary')).toMatchObject({ status: 'SKIPPED', error: { code: 'UPSTREAM_FAILED' } });
    expect(called('data.echo')).toBe(0);
    expect(result.status).toBe('PARTIAL');
  });

  it('a failing REQUIRED step → FAILED; dependents, transitively, SKIPPED and never invoked; unrelated branches run', async () => {
    const { runtime, called, calls } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'positions', capability: 'data.fail', args: { code: 'LEDGER_DOWN', message: 'ledger unavailable' } },
        { id: 'valuation', capability: 'data.echo', args: { value: '{{state.positions}}' } },
        { id: 'charts', capability: 'data.echo', args: { value: '{{state.valuation}}' } },
        { id: 'report', capability: 'data.echo', args: { value: '{{state.charts}}', other: '{{state.series}}' } },
        { id: 'series', capability: 'sleep.op', args: { ms: 30, tag: 'series' } },
        { id: 'twr', capability: 'sleep.op', args: { ms: 1, tag: 'twr', value: '{{state.series.tag}}' } },
      ]),
      ctx,
      {},
    );
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'positions')).toMatchObject({
      status: 'FAILED',
      error: { code: 'LEDGER_DOWN', message: 'ledger unavailable', retryable: false },
    });
    for (const id of ['valuation', 'charts', 'report']) {
      expect(trace(result, id)).toMatchObject({ status: 'SKIPPED', attempt: 0, startedAt: null, error: { code: 'UPSTREAM_FAILED' } });
    }
    expect(trace(result, 'charts').error?.message).toContain('"valuation"');
    expect(called('data.echo')).toBe(0);
    expect(trace(result, 'series').status).toBe('SUCCESS');
    expect(trace(result, 'twr').status).toBe('SUCCESS');
    expect(calls['sleep.op'].map((a) => a.tag)).toEqual(['series', 'twr']);
    expect(result.errors.map((e) => e.stepId)).toEqual(expect.arrayContaining(['positions', 'valuation', 'charts', 'report']));
    expect(result.errors.find((e) => e.stepId === 'positions')).toEqual({
      stepId: 'positions',
      code: 'LEDGER_DOWN',
      message: 'ledger unavailable',
      retryable: false,
    });
  });

  it('a plain Error from an agent becomes STEP_FAILED, not retryable', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [{ id: 'a', capability: 'data.crash', args: {}, retries: 3 }]),
      ctx,
      {},
    );
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'a')).toMatchObject({ attempt: 1, error: { code: 'STEP_FAILED', message: 'kaboom', retryable: false } });
  });

  it('all steps are traced, in plan order', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'b', capability: 'data.echo', args: { value: '{{state.a}}' } },
        { id: 'a', capability: 'data.make', args: {} },
      ]),
      ctx,
      {},
    );
    expect(result.steps.map((s) => s.stepId)).toEqual(['a', 'b']);
    for (const s of result.steps) {
      expect(s).toMatchObject({ status: 'SUCCESS', attempt: 1, agent: 'fixture_agent', error: null });
      expect(s.durationMs).toEqual(expect.any(Number));
      expect(ms(s.finishedAt)).toBeGreaterThanOrEqual(ms(s.startedAt));
    }
  });
});

describe('Orchestrator: timeouts and retries', () => {
  it('a step slower than its timeoutMs → FAILED, TIMEOUT, retryable', async () => {
    const { runtime } = fixtures();
    const compiled = pattern(runtime, [{ id: 'slow', capability: 'sleep.op', args: { ms: 3_000, tag: 'slow' }, timeoutMs: 50 }]);
    const began = performance.now();
    const result = await new Orchestrator(runtime, OPTIONS).run(compiled, ctx, {});
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'slow')).toMatchObject({ status: 'FAILED', attempt: 1, error: { code: 'TIMEOUT', retryable: true } });
    expect(result.errors).toEqual([expect.objectContaining({ stepId: 'slow', code: 'TIMEOUT', retryable: true })]);
    expect(performance.now() - began).toBeLessThan(2_000);
  });

  it('a step without timeoutMs gets the default timeout', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, { ...OPTIONS, defaultStepTimeoutMs: 40 }).run(
      pattern(runtime, [{ id: 'slow', capability: 'sleep.op', args: { ms: 3_000, tag: 'slow' } }]),
      ctx,
      {},
    );
    expect(trace(result, 'slow').error).toMatchObject({ code: 'TIMEOUT', retryable: true });
  });

  it('retries: 2 retryable failures then success → SUCCESS on attempt 3', async () => {
    const { runtime, flaky } = fixtures();
    flaky.failuresLeft = 2;
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [{ id: 'f', capability: 'flaky.op', args: {}, retries: 2 }]),
      ctx,
      {},
    );
    expect(result.status).toBe('SUCCESS');
    expect(trace(result, 'f')).toMatchObject({ status: 'SUCCESS', attempt: 3, error: null, agent: 'flaky_agent' });
    expect(flaky.calls).toBe(3);
    expect(result.errors).toEqual([]);
    expect(result.provenance).toEqual([prov('Polygon')]);
  });

  it('retries run out: 3 retryable failures with retries: 2 → FAILED on attempt 3', async () => {
    const { runtime, flaky } = fixtures();
    flaky.failuresLeft = 3;
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [{ id: 'f', capability: 'flaky.op', args: {}, retries: 2 }]),
      ctx,
      {},
    );
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'f')).toMatchObject({ status: 'FAILED', attempt: 3, error: { code: 'FLAKY', retryable: true } });
    expect(flaky.calls).toBe(3);
  });

  it('a dropped database connection is retried even without retries, then succeeds', async () => {
    const { runtime, flaky } = fixtures();
    flaky.connectionDrops = 2;
    const result = await new Orchestrator(runtime, OPTIONS).run(pattern(runtime, [{ id: 'd', capability: 'flaky.db', args: {} }]), ctx, {});
    expect(result.status).toBe('SUCCESS');
    expect(trace(result, 'd')).toMatchObject({ status: 'SUCCESS', attempt: 3, error: null });
  });

  it('a database that stays away fails the step as DATABASE_UNAVAILABLE, retryable, after a few attempts', async () => {
    const { runtime, flaky } = fixtures();
    flaky.connectionDrops = 100;
    const result = await new Orchestrator(runtime, OPTIONS).run(pattern(runtime, [{ id: 'd', capability: 'flaky.db', args: {} }]), ctx, {});
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'd')).toMatchObject({ status: 'FAILED', attempt: 4, error: { code: 'DATABASE_UNAVAILABLE', retryable: true } });
    expect(flaky.calls).toBe(4);
  });

  it('a non-retryable error is not retried', async () => {
    const { runtime, flaky } = fixtures();
    flaky.failuresLeft = 2;
    flaky.retryable = false;
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [{ id: 'f', capability: 'flaky.op', args: {}, retries: 2 }]),
      ctx,
      {},
    );
    expect(result.status).toBe('FAILED');
    expect(trace(result, 'f')).toMatchObject({ status: 'FAILED', attempt: 1, error: { code: 'FLAKY', retryable: false } });
    expect(flaky.calls).toBe(1);
  });

  it('without retries a retryable failure is not retried', async () => {
    const { runtime, flaky } = fixtures();
    flaky.failuresLeft = 1;
    const result = await new Orchestrator(runtime, OPTIONS).run(pattern(runtime, [{ id: 'f', capability: 'flaky.op', args: {} }]), ctx, {});
    expect(result.status).toBe('FAILED');
    expect(flaky.calls).toBe(1);
  });
});

describe('Orchestrator: onStep events', () => {
  it('RUNNING then the final status for each step; done rises to total', async () => {
    const { runtime } = fixtures();
    const events: StepEvent[] = [];
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'a', capability: 'sleep.op', args: { ms: 20, tag: 'a' } },
        { id: 'b', capability: 'data.echo', args: { value: '{{state.a}}' } },
        { id: 'c', capability: 'sleep.op', args: { ms: 5, tag: 'c' } },
        { id: 'd', capability: 'data.fail', args: {}, optional: true },
        { id: 'e', capability: 'data.echo', args: { value: '{{state.d}}' }, optional: true },
      ]),
      ctx,
      {},
      { onStep: (e) => events.push({ ...e }) },
    );
    expect(result.status).toBe('PARTIAL');
    expect(events.every((e) => e.total === 5)).toBe(true);

    const byStep = (id: string) => events.filter((e) => e.stepId === id).map((e) => e.status);
    expect(byStep('a')).toEqual(['RUNNING', 'SUCCESS']);
    expect(byStep('b')).toEqual(['RUNNING', 'SUCCESS']);
    expect(byStep('c')).toEqual(['RUNNING', 'SUCCESS']);
    expect(byStep('d')).toEqual(['RUNNING', 'FAILED']);
    expect(byStep('e')).toEqual(['SKIPPED']); // never started

    // b starts only after a has finished.
    expect(events.findIndex((e) => e.stepId === 'b' && e.status === 'RUNNING')).toBeGreaterThan(
      events.findIndex((e) => e.stepId === 'a' && e.status === 'SUCCESS'),
    );
    // Each final event settles one more step; done never goes down; the last event says done = total.
    const finals = events.filter((e) => e.status !== 'RUNNING');
    expect(finals.map((e) => e.done)).toEqual([1, 2, 3, 4, 5]);
    for (let i = 1; i < events.length; i++) expect(events[i].done).toBeGreaterThanOrEqual(events[i - 1].done);
    expect(events[events.length - 1].done).toBe(5);
    for (const e of events.filter((x) => x.status === 'RUNNING')) expect(e.done).toBeLessThan(5);
  });
});

describe('Orchestrator: provenance and warnings', () => {
  it('collects the provenance of every successful step, none from failed ones; prefixes warnings with the step id', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'positions', capability: 'data.make', args: {} },
        { id: 'echo', capability: 'data.echo', args: { value: '{{state.positions.n}}' } },
        { id: 'sleepy', capability: 'sleep.op', args: { ms: 1, tag: 'x' } },
        { id: 'broken', capability: 'data.fail', args: {}, optional: true },
      ]),
      ctx,
      {},
    );
    expect(result.status).toBe('PARTIAL');
    expect(result.provenance).toHaveLength(3);
    expect(result.provenance).toEqual(expect.arrayContaining([prov('FMP', 0.9), prov('Internal'), prov('sleep-x')]));
    expect(result.warnings).toEqual([
      { code: 'PRICE_MISSING', message: 'missing price for XYZ', symbol: 'XYZ', stepId: 'positions', incomplete: false },
      { code: 'FX_STALE', message: 'stale FX for JPY', symbol: null, stepId: 'positions', incomplete: false },
    ]);
    expect(trace(result, 'positions').warnings.map((w) => w.code)).toEqual(['PRICE_MISSING', 'FX_STALE']);
  });
});

describe('Orchestrator: incomplete data', () => {
  it('every step succeeds but one leaves a holding unvalued → PARTIAL; the steps alone say SUCCESS', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [
        { id: 'valuation', capability: 'data.unvalued', args: {} },
        { id: 'echo', capability: 'data.echo', args: { value: '{{state.valuation.missingPrices}}' } },
      ]),
      ctx,
      {},
    );
    expect(result.steps.map((s) => s.status)).toEqual(['SUCCESS', 'SUCCESS']);
    expect(result.status).toBe('PARTIAL');
    expect(result.stepsStatus).toBe('SUCCESS');
    expect(result.errors).toEqual([]);
    expect(result.warnings).toEqual([
      { code: 'PRICE_MISSING', message: 'no price for XYZ; left unvalued', symbol: 'XYZ', stepId: 'valuation', incomplete: true },
    ]);
  });

  it('warnings that leave nothing out keep a run SUCCESS', async () => {
    const { runtime } = fixtures();
    const result = await new Orchestrator(runtime, OPTIONS).run(
      pattern(runtime, [{ id: 'p', capability: 'data.make', args: {} }]),
      ctx,
      {},
    );
    expect(result.warnings).toHaveLength(2);
    expect(result.status).toBe('SUCCESS');
  });
});

describe('Orchestrator.checkInputs: what capabilities can refuse before a run starts', () => {
  const seen: Record<string, unknown>[] = [];
  const periodCheck: CapabilityFn = Object.assign(async () => ({ data: 1, provenance: [] }), {
    checkArgs: (args: Record<string, unknown>) => {
      seen.push(args);
      return String(args.start) >= String(args.end) ? [{ arg: 'start', message: 'must come before end' }] : [];
    },
  });
  const runtime = new AgentRuntime([
    { name: 'checker', capabilities: { 'period.check': periodCheck, 'plain.op': async () => ({ data: 2, provenance: [] }) } },
  ]);
  const orchestrator = new Orchestrator(runtime, OPTIONS);
  const compiled = pattern(
    runtime,
    [
      { id: 'first', capability: 'plain.op', args: {} },
      {
        id: 'series',
        capability: 'period.check',
        args: { start: '{{inputs.start ?? ctx.defaultStart}}', end: '{{inputs.end ?? ctx.asofDate}}', upstream: '{{state.first}}' },
      },
    ],
    {},
    { start: { type: 'string' }, end: { type: 'string' } },
  );

  it('resolves what inputs and ctx decide, leaves out what earlier steps decide, and names the input at fault', () => {
    seen.length = 0;
    expect(orchestrator.checkInputs(compiled, ctx, { start: '2026-11-20' })).toEqual([
      { path: 'inputs.start', message: 'must come before end' },
    ]);
    expect(seen).toEqual([{ start: '2026-11-20', end: ctx.asofDate }]);
  });

  it('names the step argument when the value came from ctx, and finds nothing wrong with good inputs', () => {
    const fromCtx = testCtx({ defaultStart: '2026-12-01' });
    expect(orchestrator.checkInputs(compiled, fromCtx, {})).toEqual([{ path: 'steps.series.args.start', message: 'must come before end' }]);
    expect(orchestrator.checkInputs(compiled, ctx, { start: '2026-01-02' })).toEqual([]);
  });
});
