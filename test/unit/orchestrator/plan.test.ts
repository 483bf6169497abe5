import { planSteps, PlanError, type PlannableStep } from '../../../src/orchestrator/plan';

function expectPlanError(steps: PlannableStep[], ...mentions: RegExp[]): PlanError {
  let caught: unknown;
  try {
    planSteps(steps);
  } catch (error) {
    caught = error;
  }
  expect(caught).toBeInstanceOf(PlanError);
  for (const mention of mentions) expect((caught as Error).message).toMatch(mention);
  return caught as PlanError;
}

describe('planSteps: dependencies come from {{state.X}} references', () => {
  it('derives dependsOn from state references only (inputs and ctx add none), deduplicated', () => {
    const plan = planSteps([
      { id: 'positions', args: { p: '{{inputs.portfolioId}}', d: '{{ctx.asofDate}}' } },
      { id: 'series', args: { s: '{{inputs.start ?? ctx.defaultStart}}' } },
      { id: 'valuation', args: { positions: '{{state.positions}}', again: 'x {{state.positions.holdings}}' } },
      { id: 'charts', args: { v: '{{state.valuation.total}}', nested: { deep: ['{{state.series}}'] } } },
    ]);
    expect(plan.dependsOn).toEqual({ positions: [], series: [], valuation: ['positions'], charts: ['valuation', 'series'] });
  });

  it('a ?? fallback to another step counts as a dependency too', () => {
    const plan = planSteps([
      { id: 'a', args: {} },
      { id: 'b', args: {} },
      { id: 'c', args: { x: '{{state.a.value ?? state.b.value}}' } },
    ]);
    expect(plan.dependsOn.c.sort()).toEqual(['a', 'b']);
  });
});

describe('planSteps: topological order', () => {
  function expectTopological(order: string[], dependsOn: Record<string, string[]>) {
    for (const [id, ups] of Object.entries(dependsOn)) {
      for (const up of ups) expect(order.indexOf(up)).toBeLessThan(order.indexOf(id));
    }
  }

  it('puts every step after the steps it reads, whatever the definition order', () => {
    const steps = [
      { id: 'charts', args: { v: '{{state.valuation}}', t: '{{state.twr}}' } },
      { id: 'twr', args: { s: '{{state.series}}' } },
      { id: 'valuation', args: { p: '{{state.positions}}' } },
      { id: 'series', args: {} },
      { id: 'positions', args: {} },
    ];
    const plan = planSteps(steps);
    expect(plan.order).toHaveLength(5);
    expect(new Set(plan.order)).toEqual(new Set(steps.map((s) => s.id)));
    expectTopological(plan.order, plan.dependsOn);
    expect(plan.order[plan.order.length - 1]).toBe('charts');
  });

  it('keeps the definition order for independent steps', () => {
    expect(
      planSteps([
        { id: 'z', args: {} },
        { id: 'a', args: {} },
        { id: 'm', args: {} },
      ]).order,
    ).toEqual(['z', 'a', 'm']);
  });

  it('orders a diamond correctly', () => {
    const plan = planSteps([
      { id: 'd', args: { b: '{{state.b}}', c: '{{state.c}}' } },
      { id: 'b', args: { a: '{{state.a}}' } },
      { id: 'c', args: { a: '{{state.a}}' } },
      { id: 'a', args: {} },
    ]);
    expect(plan.order[0]).toBe('a');
    expect(plan.order[3]).toBe('d');
    expectTopological(plan.order, plan.dependsOn);
  });
});

describe('planSteps: invalid graphs throw PlanError naming the steps', () => {
  it('a reference to a step that does not exist', () => {
    expectPlanError(
      [
        { id: 'a', args: {} },
        { id: 'b', args: { x: '{{state.ghost.value}}' } },
      ],
      /"b"/,
      /"ghost"/,
      /does not exist/,
    );
  });

  it('a step reading its own output', () => {
    expectPlanError([{ id: 'loop', args: { x: '{{state.loop.value}}' } }], /"loop"/, /own output/);
  });

  it('a step id defined twice', () => {
    expectPlanError(
      [
        { id: 'a', args: {} },
        { id: 'a', args: {} },
      ],
      /"a"/,
      /twice/,
    );
  });

  it('a 2-cycle', () => {
    expectPlanError(
      [
        { id: 'a', args: { x: '{{state.b}}' } },
        { id: 'b', args: { x: '{{state.a}}' } },
      ],
      /"a"/,
      /"b"/,
      /cycle/,
    );
  });

  it('a 3-cycle, with an independent step left out of the message', () => {
    const error = expectPlanError(
      [
        { id: 'root', args: {} },
        { id: 'a', args: { x: '{{state.c}}', r: '{{state.root}}' } },
        { id: 'b', args: { x: '{{state.a}}' } },
        { id: 'c', args: { x: '{{state.b}}' } },
      ],
      /"a"/,
      /"b"/,
      /"c"/,
      /cycle/,
    );
    expect(error.message).not.toMatch(/"root"/);
  });

  it('a malformed template in args surfaces as TemplateError, not a plan', () => {
    expect(() => planSteps([{ id: 'a', args: { x: '{{stat.b}}' } }])).toThrow(/not a template path/);
  });
});
