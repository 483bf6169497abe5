import { buildSchema, parse, validate } from 'graphql';
import { fuzzRequest, fuzzTargets } from '../support/schema-fuzz';

/**
 * The schema fuzz covers a field nobody told it about: its enumeration and its documents are
 * checked here on a schema with nesting, recursion and a JSON argument.
 */
const schema = buildSchema(`
  scalar JSON
  input Filter { symbols: [String!], before: Filter }
  input RunInput { name: String!, inputs: JSON!, mode: Mode = FAST }
  enum Mode { FAST SLOW }
  type Positions { count: Int! }
  type Portfolio { id: ID!, positions(commit: String, filter: Filter): Positions! }
  type Query { portfolio(id: ID!): Portfolio, plain: Int }
  type Mutation { run(input: RunInput!, dryRun: Boolean): String }
`);
const overrides = { 'Query.portfolio(id:)': 'pf-1', 'RunInput.inputs': { portfolioId: 'pf-1' } };

describe('schema fuzz targets', () => {
  const targets = fuzzTargets(schema, overrides);
  const labels = (field: string) => targets.filter((t) => t.route[t.route.length - 1].field.name === field).map((t) => t.label);

  it('finds every leaf of every argument, nested fields and recursive inputs included, and the keys inside a JSON value', () => {
    expect(labels('portfolio')).toEqual(['id']);
    expect(labels('positions')).toEqual(['commit', 'filter.symbols.0']);
    expect(labels('run')).toEqual(['input.name', 'input.inputs', 'input.inputs.portfolioId', 'input.mode', 'dryRun']);
    expect(labels('plain')).toEqual([]);
  });

  it('writes a valid document with the hostile value at its place and realistic values elsewhere', () => {
    const nested = targets.find((t) => t.label === 'filter.symbols.0')!;
    const request = fuzzRequest(nested, 'HOSTILE', overrides, 'Query');
    expect(validate(schema, parse(request.query))).toEqual([]);
    expect(request.variables).toEqual({ a0_id: 'pf-1', a1_commit: 'fuzz', a1_filter: { symbols: ['HOSTILE'] } });

    const inner = targets.find((t) => t.label === 'input.inputs.portfolioId')!;
    const run = fuzzRequest(inner, 'HOSTILE', overrides, 'Mutation');
    expect(validate(schema, parse(run.query))).toEqual([]);
    expect(run.variables).toEqual({ a0_input: { name: 'fuzz', inputs: { portfolioId: 'HOSTILE' } }, a0_dryRun: true });
  });
});
