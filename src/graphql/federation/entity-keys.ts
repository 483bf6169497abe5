import { getNamedType, isScalarType, isUnionType, Kind, parse, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';

/** For each entity type, the fields of its `@key`: what a representation of it must carry. */
export type EntityKeys = ReadonlyMap<string, readonly string[]>;

/** Key fields a representation may carry as JSON strings (routers send ID keys as strings). */
const STRING_KEY_SCALARS = new Set(['ID', 'String']);

/**
 * Reads the entity types and their keys from the subgraph schema itself, so the check of
 * representations can never disagree with the `@key` directives clients compose against. A key
 * this check cannot validate (several `@key`s, nested or non-string fields) stops the build: it
 * would otherwise reach a repository unchecked.
 */
export function entityKeysOf(schema: GraphQLSchema): EntityKeys {
  const entityUnion = schema.getType('_Entity');
  if (!isUnionType(entityUnion)) return new Map();
  const keys = new Map<string, readonly string[]>();
  for (const type of entityUnion.getTypes()) {
    const directives = (type.astNode?.directives ?? []).filter((d) => d.name.value === 'key');
    if (directives.length !== 1) throw new Error(`Entity ${type.name} must have exactly one @key`);
    const fieldsArgument = directives[0].arguments?.find((a) => a.name.value === 'fields')?.value;
    if (fieldsArgument?.kind !== Kind.STRING) throw new Error(`Entity ${type.name}: @key needs a fields string`);
    const fields = keyFieldNames(type.name, fieldsArgument.value);
    for (const field of fields) {
      const declared = type.getFields()[field];
      const scalar = declared ? getNamedType(declared.type) : undefined;
      if (!scalar || !isScalarType(scalar) || !STRING_KEY_SCALARS.has(scalar.name)) {
        throw new Error(`Entity ${type.name}: key field ${field} must be an ID or String field`);
      }
    }
    keys.set(type.name, fields);
  }
  return keys;
}

function keyFieldNames(typeName: string, selection: string): string[] {
  const operation = parse(`{ ${selection} }`).definitions[0] as OperationDefinitionNode;
  return operation.selectionSet.selections.map((node) => {
    if (node.kind !== Kind.FIELD || node.selectionSet || node.alias || node.arguments?.length) {
      throw new Error(`Entity ${typeName}: only flat key fields are supported (got "${selection}")`);
    }
    return node.name.value;
  });
}
