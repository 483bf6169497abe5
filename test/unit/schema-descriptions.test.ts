import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  Kind,
  buildSchema,
  isEnumType,
  isInputObjectType,
  isInterfaceType,
  isIntrospectionType,
  isObjectType,
  parse,
  type DefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { buildFreshgateSchema } from '../../src/graphql/build-schema';

/**
 * What @apollo/subgraph adds for routers, under names the federation and link specs fix: the
 * `_entities` and `_service` entry points, their types, and the spec's own scalars and enum. A
 * router strips them from the API it serves; their shape (and whether they carry descriptions) is
 * the library's, not ours. Listed by name, so anything else without a description still fails.
 */
const FEDERATION_MACHINERY = new Set([
  'Query._entities',
  'Query._service',
  '_Any',
  '_Entity',
  '_Service',
  'link__Purpose',
  'link__Import',
  'federation__FieldSet',
  'federation__Scope',
  'federation__Policy',
]);

/** Every type, field, argument, input field and enum value of ours that tooling would show without a description. */
function undescribed(schema: GraphQLSchema): string[] {
  const missing: string[] = [];
  const check = (where: string, description: string | null | undefined) => {
    if (FEDERATION_MACHINERY.has(where)) return;
    if (!description?.trim()) missing.push(where);
  };
  const types = Object.values(schema.getTypeMap()).filter((type: GraphQLNamedType) => !isIntrospectionType(type));
  for (const type of types) {
    if (FEDERATION_MACHINERY.has(type.name)) continue;
    check(type.name, type.description);
    if (isObjectType(type) || isInterfaceType(type)) {
      for (const field of Object.values(type.getFields())) {
        const at = `${type.name}.${field.name}`;
        if (FEDERATION_MACHINERY.has(at)) continue;
        check(at, field.description);
        for (const arg of field.args) check(`${at}(${arg.name})`, arg.description);
      }
    } else if (isInputObjectType(type)) {
      for (const field of Object.values(type.getFields())) check(`${type.name}.${field.name}`, field.description);
    } else if (isEnumType(type)) {
      for (const value of type.getValues()) check(`${type.name}.${value.name}`, value.description);
    }
  }
  return missing;
}

const OPERATIONS_DIR = path.join(__dirname, '..', '..', 'schema', 'operations');

/** The root fields the example operations in schema/operations use, as `Mutation.createPricingPack`. */
function exampledRootFields(): Set<string> {
  const definitions: DefinitionNode[] = readdirSync(OPERATIONS_DIR)
    .filter((file) => file.endsWith('.graphql'))
    .flatMap((file) => parse(readFileSync(path.join(OPERATIONS_DIR, file), 'utf8')).definitions);
  const fragments = new Map(
    definitions.flatMap((d) => (d.kind === Kind.FRAGMENT_DEFINITION ? [[d.name.value, d.selectionSet] as const] : [])),
  );
  const rootOf = { query: 'Query', mutation: 'Mutation', subscription: 'Subscription' } as const;
  const used = new Set<string>();
  const collect = (root: string, selections: SelectionSetNode) => {
    for (const selection of selections.selections) {
      if (selection.kind === Kind.FIELD) used.add(`${root}.${selection.name.value}`);
      else if (selection.kind === Kind.INLINE_FRAGMENT) collect(root, selection.selectionSet);
      else {
        const spread = fragments.get(selection.name.value);
        if (spread) collect(root, spread);
      }
    }
  };
  for (const definition of definitions) {
    if (definition.kind === Kind.OPERATION_DEFINITION) collect(rootOf[definition.operation], definition.selectionSet);
  }
  return used;
}

describe('the schema documents itself', () => {
  let schema: GraphQLSchema;
  beforeAll(async () => {
    // Built from the code, as the server serves it, so the check cannot run on a stale file.
    ({ schema } = await buildFreshgateSchema());
  });

  it('describes every type, field, argument, input field and enum value', () => {
    expect(undescribed(schema)).toEqual([]);
  });

  it('names each element left undescribed (the check can fail)', () => {
    const bare = buildSchema(`
      type Query { thing(filter: ThingFilter): Thing }
      type Thing { size(unit: String): Float, shape: Shape }
      enum Shape { ROUND }
      input ThingFilter { size: Float }
    `);
    expect(undescribed(bare).sort()).toEqual(
      [
        'Query',
        'Query.thing',
        'Query.thing(filter)',
        'Shape',
        'Shape.ROUND',
        'Thing',
        'Thing.shape',
        'Thing.size',
        'Thing.size(unit)',
        'ThingFilter',
        'ThingFilter.size',
      ].sort(),
    );
  });

  it('has an example operation in schema/operations for every Query, Mutation and Subscription field', () => {
    const used = exampledRootFields();
    const roots = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()];
    const rootFields = roots.flatMap((root) => (root ? Object.keys(root.getFields()).map((name) => `${root.name}.${name}`) : []));
    expect(rootFields).toEqual(expect.arrayContaining(['Mutation.createPricingPack', 'Subscription.packHealthChanged']));
    expect(rootFields.filter((field) => !used.has(field) && !FEDERATION_MACHINERY.has(field))).toEqual([]);
  });
});
