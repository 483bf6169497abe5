import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import { buildFreshgateSchema } from '../../../src/graphql/build-schema';
import { entityKeysOf } from '../../../src/graphql/federation/entity-keys';

const LINK = 'extend schema @link(url: "https://specs.apollo.dev/federation/v2.7", import: ["@key"])';
const subgraph = (types: string) => buildSubgraphSchema({ typeDefs: parse(`${LINK}\n type Query { ok: Boolean }\n ${types}`) });

describe('entityKeysOf', () => {
  it("reads freshgate's entities and their keys from the schema", async () => {
    const { schema } = await buildFreshgateSchema();
    expect(Object.fromEntries(entityKeysOf(schema))).toEqual({
      Pattern: ['id'],
      PatternExecution: ['id'],
      PatternVersion: ['id'],
      Portfolio: ['id'],
      PricingPack: ['id'],
      Security: ['symbol'],
    });
  });

  it('reads flat compound keys', () => {
    expect(
      entityKeysOf(subgraph('type Price @key(fields: "packId symbol") { packId: ID! symbol: String! close: Float }')).get('Price'),
    ).toEqual(['packId', 'symbol']);
  });

  it.each([
    ['a key it cannot check as a string', 'type Row @key(fields: "n") { n: Int! }', /key field n must be an ID or String field/],
    ['a nested key', 'type Row @key(fields: "owner { id }") { owner: Owner! } type Owner { id: ID! }', /only flat key fields/],
    ['several keys', 'type Row @key(fields: "id") @key(fields: "name") { id: ID! name: String! }', /exactly one @key/],
  ])('refuses %s at build time', (_name, sdl, message) => {
    expect(() => entityKeysOf(subgraph(sdl))).toThrow(message);
  });
});
