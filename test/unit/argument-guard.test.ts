import { graphql, parse, subscribe, type ExecutionResult, type GraphQLFieldResolver } from 'graphql';
import { buildSchema } from 'graphql';
import { guardArguments } from '../../src/graphql/argument-guard';

/** A schema shaped like freshgate's: fields with and without arguments, and a subscription. */
function guardedSchema() {
  const schema = buildSchema(`
    scalar JSON
    input PriceInput { symbol: String!, close: Float! }
    type Query { plain: String!, echo(text: String, prices: [PriceInput!], inputs: JSON): String! }
    type Subscription { ticks(symbol: String!): String! }
  `);
  const calls: string[] = [];
  const fields = schema.getQueryType()!.getFields();
  const plain: GraphQLFieldResolver<unknown, unknown> = () => 'plain';
  fields.plain.resolve = plain;
  fields.echo.resolve = (_source, args) => {
    calls.push('echo');
    return JSON.stringify(args);
  };
  const ticks = schema.getSubscriptionType()!.getFields().ticks;
  ticks.subscribe = async function* () {
    calls.push('subscribe');
    yield 'tick';
  };
  ticks.resolve = (tick) => tick;
  return { schema: guardArguments(schema), calls, plain };
}

const context = { requestId: 'r', traceId: 't' };

describe('guardArguments', () => {
  it('leaves fields without arguments exactly as they were', () => {
    const { schema, plain } = guardedSchema();
    expect(schema.getQueryType()!.getFields().plain.resolve).toBe(plain);
  });

  it('lets safe arguments through to the resolver unchanged', async () => {
    const { schema, calls } = guardedSchema();
    const result = await graphql({
      schema,
      source: '{ echo(text: "RY.TO 😀", prices: [{ symbol: "A", close: 1.5 }]) }',
      contextValue: context,
    });
    expect(result.errors).toBeUndefined();
    expect(JSON.parse((result.data as { echo: string }).echo)).toEqual({ text: 'RY.TO 😀', prices: [{ symbol: 'A', close: 1.5 }] });
    expect(calls).toEqual(['echo']);
  });

  it('refuses literals and variables alike, naming every argument path, before the resolver runs', async () => {
    const { schema, calls } = guardedSchema();
    const result = await graphql({
      schema,
      source: 'query($inputs: JSON) { echo(text: "a\\u0000", prices: [{ symbol: "ok", close: 1e400 }], inputs: $inputs) }',
      variableValues: { inputs: { nested: ['\ud800'] } },
      contextValue: context,
    });
    expect(calls).toEqual([]);
    expect(result.data).toBeNull();
    expect(result.errors?.[0].extensions).toEqual({
      code: 'BAD_USER_INPUT',
      path: ['text', 'prices.0.close', 'inputs.nested.0'],
      issues: [
        { path: 'text', message: expect.stringMatching(/NUL/) },
        { path: 'prices.0.close', message: 'must be a finite number' },
        { path: 'inputs.nested.0', message: expect.stringMatching(/surrogates/) },
      ],
    });
  });

  it("guards a subscription's subscribe, so a refused argument never starts a stream", async () => {
    const { schema, calls } = guardedSchema();
    const refused = (await subscribe({
      schema,
      document: parse('subscription { ticks(symbol: "\\u0000") }'),
      contextValue: context,
    })) as ExecutionResult;
    expect(refused.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['symbol'] });
    expect(calls).toEqual([]);
    const accepted = (await subscribe({
      schema,
      document: parse('subscription { ticks(symbol: "RY.TO") }'),
      contextValue: context,
    })) as AsyncIterableIterator<ExecutionResult>;
    expect((await accepted.next()).value).toEqual({ data: { ticks: 'tick' } });
    expect(calls).toEqual(['subscribe']);
  });
});
