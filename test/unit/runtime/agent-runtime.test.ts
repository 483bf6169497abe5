import { AgentRuntime } from '../../../src/runtime/agent-runtime';
import {
  CapabilityError,
  type Agent,
  type CapabilityCall,
  type CapabilityFn,
  type CapabilityResult,
} from '../../../src/runtime/capability';
import { sleep, testCtx } from './test-agents';

const ctx = testCtx();
const CALL = { timeoutMs: 1_000 };
const ok = (data: unknown): CapabilityResult => ({ data, provenance: [{ source: 'Internal', asOf: ctx.asofDate, confidence: 1 }] });

async function capabilityError(promise: Promise<unknown>): Promise<CapabilityError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the call to fail');
    },
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(CapabilityError);
  return error as CapabilityError;
}

/** An agent whose one capability fails or succeeds on demand, counting its calls. */
function switchableAgent(name: string) {
  const control = { fail: false, calls: 0, delayMs: 0, onCall: undefined as (() => void) | undefined };
  const agent: Agent = {
    name,
    capabilities: {
      [`${name}.work`]: async ({ signal }) => {
        control.calls++;
        control.onCall?.();
        if (control.delayMs) await sleep(control.delayMs, signal);
        if (control.fail) throw new CapabilityError('UPSTREAM_DOWN', `${name} is down`, true);
        return ok(`${name}:${control.calls}`);
      },
    },
  };
  return { agent, control };
}

describe('AgentRuntime routing', () => {
  const calls: CapabilityCall[] = [];
  const finance: Agent = {
    name: 'finance',
    capabilities: {
      'ledger.positions': async (call) => {
        calls.push(call);
        return ok({ from: 'finance', args: call.args });
      },
      'metrics.risk': async () => ok('risk'),
    },
  };
  const news: Agent = { name: 'news', capabilities: { 'news.headlines': async () => ok('news') } };
  const runtime = new AgentRuntime([finance, news]);

  it('maps each capability to the agent that registered it', () => {
    expect(runtime.agentOf('ledger.positions')).toBe('finance');
    expect(runtime.agentOf('metrics.risk')).toBe('finance');
    expect(runtime.agentOf('news.headlines')).toBe('news');
    expect(runtime.agentOf('nope.nope')).toBeUndefined();
    expect(runtime.has('news.headlines')).toBe(true);
    expect(runtime.has('nope.nope')).toBe(false);
    expect(runtime.capabilities()).toEqual(['ledger.positions', 'metrics.risk', 'news.headlines']);
  });

  it('invokes the right function with ctx, args and a live signal, and names the agent', async () => {
    const invocation = await runtime.invoke('ledger.positions', ctx, { portfolioId: 'p-1' }, CALL);
    expect(invocation.agent).toBe('finance');
    expect(invocation.result.data).toEqual({ from: 'finance', args: { portfolioId: 'p-1' } });
    expect(invocation.result.provenance).toEqual([{ source: 'Internal', asOf: '2026-11-20', confidence: 1 }]);
    const call = calls[calls.length - 1];
    expect(call.ctx).toBe(ctx);
    expect(call.signal).toBeInstanceOf(AbortSignal);
    expect((await runtime.invoke('news.headlines', ctx, {}, CALL)).agent).toBe('news');
  });

  it('an unknown capability → CapabilityError UNKNOWN_CAPABILITY, not retryable', async () => {
    const error = await capabilityError(runtime.invoke('nope.nope', ctx, {}, CALL));
    expect(error.code).toBe('UNKNOWN_CAPABILITY');
    expect(error.retryable).toBe(false);
    expect(error.message).toContain('nope.nope');
  });

  it('refuses a capability registered twice (constructor and register)', () => {
    const clash: Agent = { name: 'impostor', capabilities: { 'metrics.risk': async () => ok(0) } };
    expect(() => new AgentRuntime([finance, clash])).toThrow(/metrics\.risk is registered by both finance and impostor/);
    const rt = new AgentRuntime([finance]);
    expect(() => rt.register(clash)).toThrow(/metrics\.risk/);
    expect(rt.agentOf('metrics.risk')).toBe('finance');
  });

  it('passes an agent error through unchanged', async () => {
    const boom = new CapabilityError('BAD_DATA', 'no prices', false);
    const rt = new AgentRuntime([{ name: 'x', capabilities: { 'x.fail': async () => Promise.reject(boom) } }]);
    await expect(rt.invoke('x.fail', ctx, {}, CALL)).rejects.toBe(boom);
    const plain = new Error('plain');
    const rt2 = new AgentRuntime([{ name: 'y', capabilities: { 'y.fail': async () => Promise.reject(plain) } }]);
    await expect(rt2.invoke('y.fail', ctx, {}, CALL)).rejects.toBe(plain);
  });
});

describe('AgentRuntime timeout', () => {
  it('a call slower than timeoutMs → TIMEOUT, retryable, and the agent signal is aborted', async () => {
    let signal: AbortSignal | undefined;
    const rt = new AgentRuntime([
      {
        name: 'slow',
        capabilities: {
          'slow.op': async (call) => {
            signal = call.signal;
            await sleep(5_000, call.signal);
            return ok(1);
          },
        },
      },
    ]);
    const began = Date.now();
    const error = await capabilityError(rt.invoke('slow.op', ctx, {}, { timeoutMs: 50 }));
    expect(error.code).toBe('TIMEOUT');
    expect(error.retryable).toBe(true);
    expect(error.message).toMatch(/50 ms/);
    expect(Date.now() - began).toBeLessThan(2_000); // did not wait for the agent
    expect(signal?.aborted).toBe(true);
  });
});

describe('AgentRuntime circuit breaker { failureThreshold: 3, halfOpenAfterMs: 200 }', () => {
  const OPTIONS = { failureThreshold: 3, halfOpenAfterMs: 200 };
  let now = 1_700_000_000_000;
  let clock: jest.SpyInstance<number, []>;

  // cockatiel reads the cool-down off Date.now(); a controlled clock makes "before / after 200 ms" exact.
  beforeEach(() => {
    now = 1_700_000_000_000;
    clock = jest.spyOn(Date, 'now').mockImplementation(() => now);
  });
  afterEach(() => clock.mockRestore());

  async function openBreaker(rt: AgentRuntime, capability: string, control: { fail: boolean }) {
    control.fail = true;
    for (let i = 0; i < 3; i++) {
      const error = await capabilityError(rt.invoke(capability, ctx, {}, CALL));
      expect(error.code).toBe('UPSTREAM_DOWN'); // the agent's own error while still CLOSED
    }
  }

  it('opens after 3 consecutive failures and then fails fast without calling the agent', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    expect(rt.breakerStates()).toEqual({ alpha: 'CLOSED' });
    a.control.fail = true;
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('CLOSED'); // 2 < 3
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('OPEN');
    expect(a.control.calls).toBe(3);

    a.control.fail = false; // even a healthy agent is not called while OPEN
    for (let i = 0; i < 5; i++) {
      const error = await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
      expect(error.code).toBe('CIRCUIT_OPEN');
      expect(error.retryable).toBe(true);
      expect(error.message).toContain('alpha');
    }
    expect(a.control.calls).toBe(3);
    now += 199; // still cooling down
    expect((await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL))).code).toBe('CIRCUIT_OPEN');
    expect(a.control.calls).toBe(3);
  });

  it('after the cool-down lets one probe through (HALF_OPEN); a successful probe closes it', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    await openBreaker(rt, 'alpha.work', a.control);
    expect(rt.breakerStates().alpha).toBe('OPEN');

    now += 200;
    a.control.fail = false;
    let stateDuringProbe: string | undefined;
    // cockatiel calls the probe synchronously and marks HALF_OPEN right after; look once the call is under way.
    a.control.onCall = () => queueMicrotask(() => (stateDuringProbe = rt.breakerStates().alpha));
    a.control.delayMs = 5;
    const result = await rt.invoke('alpha.work', ctx, {}, CALL);
    expect(result.result.data).toBe('alpha:4');
    expect(stateDuringProbe).toBe('HALF_OPEN');
    expect(rt.breakerStates().alpha).toBe('CLOSED');
    // Closed means closed: calls flow again, and it takes 3 new failures to reopen.
    await rt.invoke('alpha.work', ctx, {}, CALL);
    a.control.fail = true;
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('CLOSED');
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('OPEN');
  });

  it('only one probe at a time: a concurrent call waits for it and does not reach the agent meanwhile', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    await openBreaker(rt, 'alpha.work', a.control);
    now += 250;
    a.control.fail = false;
    a.control.delayMs = 40;
    const probe = rt.invoke('alpha.work', ctx, {}, CALL);
    const second = rt.invoke('alpha.work', ctx, {}, CALL);
    await sleep(10);
    expect(a.control.calls).toBe(4); // the probe only
    expect(rt.breakerStates().alpha).toBe('HALF_OPEN');
    await expect(probe).resolves.toMatchObject({ agent: 'alpha' });
    await expect(second).resolves.toMatchObject({ agent: 'alpha' }); // ran after the probe closed the circuit
    expect(a.control.calls).toBe(5);
    expect(rt.breakerStates().alpha).toBe('CLOSED');
  });

  it('a failed probe re-opens the circuit for another cool-down', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    await openBreaker(rt, 'alpha.work', a.control);
    now += 200;
    const probeError = await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(probeError.code).toBe('UPSTREAM_DOWN'); // the probe reached the agent
    expect(a.control.calls).toBe(4);
    expect(rt.breakerStates().alpha).toBe('OPEN');
    // One failure was enough to reopen, and the new cool-down starts now.
    a.control.fail = false;
    now += 100;
    expect((await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL))).code).toBe('CIRCUIT_OPEN');
    expect(a.control.calls).toBe(4);
    now += 100;
    await expect(rt.invoke('alpha.work', ctx, {}, CALL)).resolves.toMatchObject({ agent: 'alpha' });
    expect(rt.breakerStates().alpha).toBe('CLOSED');
  });

  it('a success in between resets the consecutive count', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    for (const fail of [true, true, false, true, true]) {
      a.control.fail = fail;
      await rt.invoke('alpha.work', ctx, {}, CALL).catch(() => undefined);
    }
    expect(rt.breakerStates().alpha).toBe('CLOSED');
    expect(a.control.calls).toBe(5);
    a.control.fail = true;
    await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('OPEN');
  });

  it('timeouts count as failures', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], OPTIONS);
    a.control.delayMs = 1_000;
    for (let i = 0; i < 3; i++) expect((await capabilityError(rt.invoke('alpha.work', ctx, {}, { timeoutMs: 20 }))).code).toBe('TIMEOUT');
    expect(rt.breakerStates().alpha).toBe('OPEN');
    expect((await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL))).code).toBe('CIRCUIT_OPEN');
  });

  it('breakers are per agent: B is unaffected while A is open; all capabilities of A share its breaker', async () => {
    const a = switchableAgent('alpha');
    const b = switchableAgent('beta');
    const rt = new AgentRuntime(
      [{ ...a.agent, capabilities: { ...a.agent.capabilities, 'alpha.other': async () => ok('other') } }, b.agent],
      OPTIONS,
    );
    await openBreaker(rt, 'alpha.work', a.control);
    expect(rt.breakerStates()).toEqual({ alpha: 'OPEN', beta: 'CLOSED' });
    await expect(rt.invoke('beta.work', ctx, {}, CALL)).resolves.toMatchObject({ agent: 'beta', result: { data: 'beta:1' } });
    expect((await capabilityError(rt.invoke('alpha.other', ctx, {}, CALL))).code).toBe('CIRCUIT_OPEN');
    expect(rt.breakerStates()).toEqual({ alpha: 'OPEN', beta: 'CLOSED' });
  });
});

describe('AgentRuntime circuit breaker: what counts, and whose circuit it is', () => {
  const OPTIONS = { failureThreshold: 3, halfOpenAfterMs: 60_000 };
  const tenantA = testCtx({ tenantId: 'tenant-a' });
  const tenantB = testCtx({ tenantId: 'tenant-b' });

  function agentFailingWith(error: () => unknown) {
    let calls = 0;
    const agent: Agent = {
      name: 'alpha',
      capabilities: {
        'alpha.work': async ({ args }) => {
          calls++;
          if (args.fail) throw error();
          return ok('fine');
        },
      },
    };
    return { agent, calls: () => calls };
  }

  it("never opens on a run's own domain errors (non-retryable), however many", async () => {
    const a = agentFailingWith(() => new CapabilityError('BAD_PERIOD', 'the period must start before it ends'));
    const rt = new AgentRuntime([a.agent], OPTIONS);
    for (let i = 0; i < 10; i++)
      expect((await capabilityError(rt.invoke('alpha.work', tenantA, { fail: true }, CALL))).code).toBe('BAD_PERIOD');
    expect(rt.breakerStates().alpha).toBe('CLOSED');
    await expect(rt.invoke('alpha.work', tenantA, {}, CALL)).resolves.toMatchObject({ result: { data: 'fine' } });
    await expect(rt.invoke('alpha.work', tenantB, {}, CALL)).resolves.toMatchObject({ result: { data: 'fine' } });
    expect(a.calls()).toBe(12);
  });

  it.each([
    ['a database error', () => Object.assign(new Error('Connection terminated unexpectedly'), { code: '57P01' })],
    ['an unexpected error', () => new TypeError('x is undefined')],
    ['a retryable upstream error', () => new CapabilityError('UPSTREAM_DOWN', 'down', true)],
  ])('opens on %s: a dependency failure', async (_what, error) => {
    const a = agentFailingWith(error);
    const rt = new AgentRuntime([a.agent], OPTIONS);
    for (let i = 0; i < 3; i++) await expect(rt.invoke('alpha.work', tenantA, { fail: true }, CALL)).rejects.toBeDefined();
    expect(rt.breakerStates().alpha).toBe('OPEN');
    expect((await capabilityError(rt.invoke('alpha.work', tenantA, {}, CALL))).code).toBe('CIRCUIT_OPEN');
  });

  it("one tenant's failures open that tenant's circuit only", async () => {
    const a = agentFailingWith(() => new CapabilityError('UPSTREAM_DOWN', 'down', true));
    const rt = new AgentRuntime([a.agent], OPTIONS);
    for (let i = 0; i < 3; i++) await capabilityError(rt.invoke('alpha.work', tenantA, { fail: true }, CALL));
    expect((await capabilityError(rt.invoke('alpha.work', tenantA, {}, CALL))).code).toBe('CIRCUIT_OPEN');
    await expect(rt.invoke('alpha.work', tenantB, {}, CALL)).resolves.toMatchObject({ result: { data: 'fine' } });
    expect(rt.breakerStates().alpha).toBe('OPEN'); // the worst of its tenants'
    expect(rt.openCircuits()).toEqual({ alpha: 1 });
  });

  it('asks a capability to check its arguments before running; none is asked for an unknown one', () => {
    const checked: CapabilityFn = Object.assign(async () => ok(1), {
      checkArgs: (args: Record<string, unknown>) => (args.n === 0 ? [{ arg: 'n', message: 'must not be zero' }] : []),
    });
    const rt = new AgentRuntime([{ name: 'alpha', capabilities: { 'alpha.checked': checked, 'alpha.plain': async () => ok(2) } }]);
    expect(rt.checkArgs('alpha.checked', { n: 0 }, ctx)).toEqual([{ arg: 'n', message: 'must not be zero' }]);
    expect(rt.checkArgs('alpha.checked', { n: 1 }, ctx)).toEqual([]);
    expect(rt.checkArgs('alpha.plain', { n: 0 }, ctx)).toEqual([]);
    expect(rt.checkArgs('nope.nope', {}, ctx)).toEqual([]);
  });
});

describe('AgentRuntime circuit breaker in real time', () => {
  it('opens, and recovers after halfOpenAfterMs of wall-clock time', async () => {
    const a = switchableAgent('alpha');
    const rt = new AgentRuntime([a.agent], { failureThreshold: 3, halfOpenAfterMs: 200 });
    a.control.fail = true;
    for (let i = 0; i < 3; i++) await capabilityError(rt.invoke('alpha.work', ctx, {}, CALL));
    expect(rt.breakerStates().alpha).toBe('OPEN');
    // (Fail-fast before the cool-down is checked with a controlled clock above; here only waiting
    // longer than 200 ms matters, which a loaded machine cannot break.)
    await sleep(260);
    a.control.fail = false;
    await expect(rt.invoke('alpha.work', ctx, {}, CALL)).resolves.toMatchObject({ agent: 'alpha' });
    expect(a.control.calls).toBe(4);
    expect(rt.breakerStates().alpha).toBe('CLOSED');
  });
});

describe('AgentRuntime edge cases', () => {
  it('rejects an agent whose capability is taken without registering any of its capabilities', async () => {
    const okFn = async () => ({ data: 1, provenance: [] });
    const rt = new AgentRuntime([{ name: 'x', capabilities: { 'x.one': okFn } }]);
    expect(() => rt.register({ name: 'y', capabilities: { 'y.two': okFn, 'x.one': okFn } })).toThrow(/x\.one/);
    expect(rt.has('y.two')).toBe(false);
    expect(rt.agentOf('x.one')).toBe('x');
  });

  it('reports a call cancelled by its caller as CANCELLED, not as a timeout', async () => {
    const rt = new AgentRuntime([
      { name: 'slow', capabilities: { 'slow.op': async ({ signal }) => (await sleep(1_000, signal), { data: 1, provenance: [] }) } },
    ]);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 20);
    await expect(rt.invoke('slow.op', testCtx(), {}, { timeoutMs: 5_000, signal: controller.signal })).rejects.toMatchObject({
      code: 'CANCELLED',
      retryable: false,
    });
  });
});
