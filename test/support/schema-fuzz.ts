import {
  getNamedType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isScalarType,
  type GraphQLArgument,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLSchema,
} from 'graphql';

/**
 * Enumerates, from a live schema, every place a client can put a value: each argument of each
 * field reachable from a root type, down through input objects and lists to its scalar and enum
 * leaves. A field or argument added tomorrow is a new target without touching the test.
 */

export type OperationKind = 'query' | 'mutation' | 'subscription';
export type PathSegment = string | number;

/** One field on the way to the target: the target is the last. */
interface RouteStep {
  field: GraphQLField<unknown, unknown>;
}

export interface FuzzTarget {
  operation: OperationKind;
  route: RouteStep[];
  /** The argument of the target field the leaf lives in. */
  argument: GraphQLArgument;
  /** From the argument: input field names and list indexes, e.g. ['prices', 0, 'symbol']. */
  leafPath: PathSegment[];
  leafType: GraphQLNamedType;
  /** For a JSON-like scalar with an object benign value: the key inside it that carries the value. */
  innerKey?: string;
  /** `input.prices.0.symbol`: how the edge guard names the place. */
  label: string;
}

/**
 * Realistic leaf values, by schema coordinate (`Type.field(arg:)` or `InputType.field`; a list
 * takes the coordinate of its items), so a value that passes the edge goes as deep into the
 * use-cases as it can. An optional input field listed here is always sent; anything not listed
 * gets a generic value of its type.
 */
export type BenignOverrides = Record<string, unknown>;

const GENERIC: Record<string, unknown> = {
  String: 'fuzz',
  ID: 'fuzz-id',
  Int: 1,
  Float: 1.5,
  Boolean: true,
  Date: '2026-01-02',
  DateTime: '2026-01-02T00:00:00Z',
  JSON: {},
};

/** Nested fields with arguments are looked for this many levels below a root field. */
const MAX_ROUTE_DEPTH = 3;

export function fuzzTargets(schema: GraphQLSchema, overrides: BenignOverrides): FuzzTarget[] {
  const targets: FuzzTarget[] = [];
  const roots: [OperationKind, GraphQLObjectType | null | undefined][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  for (const [operation, root] of roots) {
    if (!root) continue;
    for (const route of routesWithArguments(root)) {
      const field = route[route.length - 1].field;
      for (const argument of field.args) {
        const coordinate = `${routeOwner(root, route)}.${field.name}(${argument.name}:)`;
        for (const { path, type } of leavesOf(argument.type)) {
          const base: Omit<FuzzTarget, 'label'> = { operation, route, argument, leafPath: path, leafType: type };
          targets.push({ ...base, label: [argument.name, ...path].join('.') });
          // A JSON-like value is also attacked inside: under each key of its realistic value.
          const inner = benignAt(overrides, leafCoordinate(coordinate, argument.type, path), type);
          if (isScalarType(type) && isPlainObject(inner)) {
            for (const key of Object.keys(inner)) targets.push({ ...base, innerKey: key, label: [argument.name, ...path, key].join('.') });
          }
        }
      }
    }
  }
  return targets;
}

/** Root fields with arguments, and fields with arguments on the object types below them. */
function routesWithArguments(root: GraphQLObjectType): RouteStep[][] {
  const found: RouteStep[][] = [];
  const visit = (type: GraphQLObjectType, route: RouteStep[], seen: Set<string>) => {
    for (const field of Object.values(type.getFields())) {
      const next = [...route, { field }];
      if (field.args.length > 0) found.push(next);
      const named = getNamedType(field.type);
      if (next.length < MAX_ROUTE_DEPTH && isObjectType(named) && !seen.has(named.name) && !named.name.startsWith('__')) {
        visit(named, next, new Set([...seen, named.name]));
      }
    }
  };
  visit(root, [], new Set([root.name]));
  return found;
}

function routeOwner(root: GraphQLObjectType, route: RouteStep[]): string {
  return route.length === 1 ? root.name : getNamedType(route[route.length - 2].field.type).name;
}

function leavesOf(
  type: GraphQLInputType,
  path: PathSegment[] = [],
  seen = new Set<string>(),
): { path: PathSegment[]; type: GraphQLNamedType }[] {
  if (isNonNullType(type)) return leavesOf(type.ofType, path, seen);
  if (isListType(type)) return leavesOf(type.ofType, [...path, 0], seen);
  if (isInputObjectType(type)) {
    if (seen.has(type.name)) return [];
    const inner = new Set([...seen, type.name]);
    return Object.values(type.getFields()).flatMap((f) => leavesOf(f.type, [...path, f.name], inner));
  }
  return [{ path, type }];
}

/** The coordinate of the input field a leaf path ends in, or the argument's when it is the leaf. */
function leafCoordinate(argumentCoordinate: string, type: GraphQLInputType, path: PathSegment[]): string {
  let current: GraphQLInputType = type;
  let coordinate = argumentCoordinate;
  for (const segment of path) {
    while (isNonNullType(current) || isListType(current)) current = current.ofType;
    if (typeof segment === 'number') continue;
    if (!isInputObjectType(current)) break;
    coordinate = `${current.name}.${segment}`;
    current = current.getFields()[segment].type;
  }
  return coordinate;
}

function benignAt(overrides: BenignOverrides, coordinate: string, type: GraphQLNamedType): unknown {
  if (coordinate in overrides) return overrides[coordinate];
  if (isEnumType(type)) return type.getValues()[0].value;
  return type.name in GENERIC ? GENERIC[type.name] : 'fuzz';
}

/** A realistic value of `type`: required input fields only, lists of one. */
function benignValue(type: GraphQLInputType, coordinate: string, overrides: BenignOverrides): unknown {
  if (isNonNullType(type)) return benignValue(type.ofType, coordinate, overrides);
  if (isListType(type)) return [benignValue(type.ofType, coordinate, overrides)];
  if (isInputObjectType(type)) {
    const value: Record<string, unknown> = {};
    for (const field of Object.values(type.getFields())) {
      const key = `${type.name}.${field.name}`;
      if ((isNonNullType(field.type) && field.defaultValue === undefined) || key in overrides)
        value[field.name] = benignValue(field.type, key, overrides);
    }
    return value;
  }
  return benignAt(overrides, coordinate, type as GraphQLNamedType);
}

/** The benign value of `type` with `hostile` put at `path` (creating what the path needs). */
function valueWith(
  type: GraphQLInputType,
  coordinate: string,
  path: PathSegment[],
  hostile: unknown,
  overrides: BenignOverrides,
  innerKey?: string,
): unknown {
  if (isNonNullType(type)) return valueWith(type.ofType, coordinate, path, hostile, overrides, innerKey);
  if (path.length === 0) {
    if (innerKey === undefined) return hostile;
    return { ...(benignValue(type, coordinate, overrides) as Record<string, unknown>), [innerKey]: hostile };
  }
  const [head, ...rest] = path;
  if (isListType(type)) return [valueWith(type.ofType, coordinate, rest, hostile, overrides, innerKey)];
  if (!isInputObjectType(type) || typeof head !== 'string') throw new Error(`no input field at ${String(head)}`);
  const field = type.getFields()[head];
  const key = `${type.name}.${head}`;
  return {
    ...(benignValue(type, coordinate, overrides) as Record<string, unknown>),
    [head]: valueWith(field.type, key, rest, hostile, overrides, innerKey),
  };
}

export interface FuzzRequest {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * A minimal valid document for the target: one variable per argument along the route, the
 * hostile value placed in the target's argument, every other argument realistic, and
 * `__typename` (or nothing, for a leaf) selected at the end.
 */
export function fuzzRequest(target: FuzzTarget, hostile: unknown, overrides: BenignOverrides, rootName: string): FuzzRequest {
  const definitions: string[] = [];
  const variables: Record<string, unknown> = {};
  let owner = rootName;
  const calls = target.route.map((step, depth) => {
    const argumentsText = step.field.args.map((argument) => {
      const name = `a${depth}_${argument.name}`;
      const coordinate = `${owner}.${step.field.name}(${argument.name}:)`;
      const isTarget = depth === target.route.length - 1 && argument === target.argument;
      const value = isTarget
        ? valueWith(argument.type, coordinate, target.leafPath, hostile, overrides, target.innerKey)
        : benignValue(argument.type, coordinate, overrides);
      definitions.push(`$${name}: ${String(argument.type)}`);
      variables[name] = value;
      return `${argument.name}: $${name}`;
    });
    owner = getNamedType(step.field.type).name;
    return `${step.field.name}${argumentsText.length ? `(${argumentsText.join(', ')})` : ''}`;
  });
  const leaf = isLeafType(getNamedType(target.route[target.route.length - 1].field.type));
  let selection = leaf ? '' : ' { __typename }';
  for (let i = calls.length - 1; i >= 0; i--)
    selection = i === calls.length - 1 ? `${calls[i]}${selection}` : `${calls[i]} { ${selection} }`;
  return { query: `${target.operation} Fuzz(${definitions.join(', ')}) { ${selection} }`, variables };
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export interface HostileValue {
  name: string;
  /** The value as the server sees it once the body is parsed. */
  value: unknown;
  /** JSON text to send instead, for what JSON.stringify cannot write (1e400) or would overflow on. */
  raw?: string;
  /** Must be refused wherever it is sent (as opposed to: may be accepted where it is valid). */
  refused: 'everywhere' | 'at dates' | 'never';
}

const nested = (depth: number): unknown => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = [value];
  return value;
};
const nestedText = (depth: number) => `${'['.repeat(depth)}"bottom"${']'.repeat(depth)}`;

export const HOSTILE_VALUES: HostileValue[] = [
  { name: 'NUL', value: 'a\u0000b', refused: 'everywhere' },
  { name: 'only NUL', value: '\u0000', refused: 'everywhere' },
  { name: 'lone high surrogate', value: 'a\ud800b', refused: 'everywhere' },
  { name: 'lone low surrogate', value: '\udc00', refused: 'everywhere' },
  { name: 'NUL in a list', value: ['ok', 'b\u0000'], refused: 'everywhere' },
  { name: 'NUL in a key', value: { 'k\u0000': 1 }, refused: 'everywhere' },
  { name: 'JSON number beyond double', value: Infinity, raw: '1e400', refused: 'everywhere' },
  { name: 'nested 40 deep', value: nested(40), refused: 'everywhere' },
  { name: 'nested 100000 deep', value: nested(100_000), raw: nestedText(100_000), refused: 'everywhere' },
  { name: 'year 0000 date', value: '0000-01-01', refused: 'at dates' },
  { name: 'year 0000 date-time', value: '0000-01-01T00:00:00Z', refused: 'at dates' },
  { name: 'year 1899', value: '1899-12-31', refused: 'at dates' },
  { name: 'year 10000', value: '10000-01-01T00:00:00Z', refused: 'at dates' },
  { name: 'malformed date', value: '2026-02-30', refused: 'at dates' },
  { name: 'first accepted year', value: '1900-01-01', refused: 'never' },
  { name: 'last accepted instant', value: '9999-12-31T23:59:59.999Z', refused: 'never' },
  { name: 'megabyte string', value: 'x'.repeat(1_000_000), refused: 'never' },
  { name: 'empty string', value: '', refused: 'never' },
  { name: 'quotes and control characters', value: '\'";--\u0001\u001b[31m\u007f', refused: 'never' },
  { name: 'astral and combining characters', value: '😀\u0301\u202e\ufeff', refused: 'never' },
  { name: 'string "NaN"', value: 'NaN', refused: 'never' },
  { name: 'string "-Infinity"', value: '-Infinity', refused: 'never' },
  { name: 'largest double', value: Number.MAX_VALUE, refused: 'never' },
  { name: 'most negative double', value: -Number.MAX_VALUE, refused: 'never' },
  { name: 'smallest subnormal', value: 5e-324, refused: 'never' },
  { name: 'beyond 32-bit', value: 2 ** 31, refused: 'never' },
  { name: 'beyond safe integer', value: 2 ** 53 + 2, refused: 'never' },
  { name: 'negative zero', value: -0, refused: 'never' },
  { name: 'negative', value: -1, refused: 'never' },
  { name: 'boolean', value: true, refused: 'never' },
  { name: 'null', value: null, refused: 'never' },
  { name: 'object', value: { a: 1 }, refused: 'never' },
  { name: 'list', value: [1, 'two', null], refused: 'never' },
  {
    name: 'prototype keys',
    value: JSON.parse('{"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'),
    refused: 'never',
  },
];

/** Stands for a hostile value with raw text in the variables until the body is written. */
const RAW_MARKER = '\u0001raw-hostile-value\u0001';

/** The variables' stand-in for the value: itself, or a marker the body writer replaces. */
export function variableValue(hostile: HostileValue): unknown {
  return hostile.raw === undefined ? hostile.value : RAW_MARKER;
}

/** The request as JSON text, with the hostile value's raw text where its marker is. */
export function requestBody(request: FuzzRequest, hostile: HostileValue): string {
  const text = JSON.stringify(request);
  return hostile.raw === undefined ? text : text.split(JSON.stringify(RAW_MARKER)).join(hostile.raw);
}
