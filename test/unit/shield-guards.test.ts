import 'reflect-metadata';
import { buildFreshgateSchema } from '../../src/graphql/build-schema';
import { shieldGuards } from '../../src/graphql/shield';

describe('shieldGuards', () => {
  let guards: ReturnType<typeof shieldGuards>;
  beforeAll(async () => {
    const { schema } = await buildFreshgateSchema();
    guards = shieldGuards(schema, { debug: false });
  });

  it('guards fields with a rule other than allow', () => {
    expect(guards.Query?.executions).toBeDefined();
    expect(guards.Mutation?.executePattern).toBeDefined();
    expect(guards.Mutation?.exportExecution).toBeDefined();
    expect(guards.PatternExecution?.result).toBeDefined();
  });

  it('leaves fields whose rule is allow with their own resolver', () => {
    expect(guards.Query?.packHealth).toBeUndefined();
    expect(guards.PackHealth).toBeUndefined();
    expect(guards.PatternExecution?.status).toBeUndefined();
  });
});
