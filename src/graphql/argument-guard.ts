import { MapperKind, mapSchema } from '@graphql-tools/utils';
import { defaultFieldResolver, type GraphQLFieldResolver, type GraphQLSchema } from 'graphql';
import { badInput, type InputIssue } from '../shared/errors';
import { unsafeValueIssues } from '../shared/unsafe-values';
import type { GraphQLContext } from './context';
import { toGraphQLError } from './errors';

type Resolver = GraphQLFieldResolver<unknown, GraphQLContext>;

/**
 * The edge guard: every field that takes arguments checks their values, as graphql-js coerced
 * them from variables and literals alike, before anything else runs — its resolver, its shield
 * rule (some read arguments and the database), or a subscription's `subscribe`. A value no field
 * accepts (see unsafeValueIssues) is BAD_USER_INPUT naming each argument path, so NUL and lone
 * surrogates never reach PostgreSQL and absurd nesting never reaches recursive code.
 *
 * Applied outside every other wrapper, over HTTP and graphql-ws alike since both execute this
 * schema. Fields without arguments are left as they are: a well-formed request pays one loop
 * over the arguments it sent.
 */
export function guardArguments(schema: GraphQLSchema): GraphQLSchema {
  const subscriptionType = schema.getSubscriptionType()?.name;
  return mapSchema(schema, {
    [MapperKind.OBJECT_FIELD]: (field, _fieldName, typeName) => {
      if (!field.args || Object.keys(field.args).length === 0) return field;
      // A subscription's arguments are used by `subscribe`; its `resolve` only maps each event.
      if (typeName === subscriptionType) return { ...field, subscribe: guarded((field.subscribe ?? defaultFieldResolver) as Resolver) };
      return { ...field, resolve: guarded((field.resolve ?? defaultFieldResolver) as Resolver) };
    },
  });
}

function guarded(resolve: Resolver): Resolver {
  return (source, args, context, info) => {
    const issues: InputIssue[] = [];
    for (const name in args) unsafeValueIssues(args[name], name, issues);
    if (issues.length > 0) throw toGraphQLError(badInput(`Invalid input at ${issues.map((i) => i.path).join(', ')}`, issues), context);
    return resolve(source, args, context, info);
  };
}
