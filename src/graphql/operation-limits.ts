import { costLimitRule } from '@escape.tech/graphql-armor-cost-limit';
import { maxAliasesRule } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthRule } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesRule } from '@escape.tech/graphql-armor-max-directives';
import {
  getVariableValues,
  type GraphQLError,
  NoSchemaIntrospectionCustomRule,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type ValidationContext,
  type ValidationRule,
} from 'graphql';
import { LRUCache } from 'lru-cache';
import type { OperationLimitsConfig } from '../config';
import { AppError } from '../shared/errors';
import { graphQLErrorOf, stripSuggestions } from './errors';

/**
 * The validation rules every operation passes, on HTTP (Apollo's validationRules) and on ws
 * (checkOperation): depth, aliases (an aliased __typename counts like any field), directives
 * and cost from graphql-armor, plus no introspection when it is configured off. They run
 * before any resolver; a refusal is a GRAPHQL_VALIDATION_FAILED error (HTTP 400).
 */
export function limitRules(limits: OperationLimitsConfig, options: { introspection: boolean }): ValidationRule[] {
  // graphql-armor throws from its rules by default, which Apollo answers with a 500; reporting
  // the error on the validation context makes it an ordinary validation failure (400).
  const report = { exposeLimits: true, propagateOnRejection: false, onReject: [reportOn] };
  const rules: ValidationRule[] = [
    maxDepthRule({ n: limits.maxDepth, ...report }),
    // No allow-list: a flood of aliased __typename costs as much as any other.
    maxAliasesRule({ n: limits.maxAliases, allowList: [], ...report }),
    maxDirectivesRule({ n: limits.maxDirectives, ...report }),
    costLimitRule({ maxCost: limits.maxCost, ...report }),
  ];
  if (!options.introspection) rules.push(NoSchemaIntrospectionCustomRule);
  return rules;
}

function reportOn(context: ValidationContext | null, error: GraphQLError): void {
  context?.reportError(error);
}

/** A ws operation's document once it passed parse and validation, or the errors that refuse it. */
export type CheckedOperation = { document: DocumentNode } | { errors: GraphQLError[] };

/** Distinct documents remembered; like Apollo's document store, it bounds memory, not traffic. */
const DOCUMENT_CACHE_SIZE = 1000;

/**
 * What Apollo does on HTTP before executing, for the ws path: parse with the same token limit,
 * then validate with the standard rules and the limits. graphql-ws would otherwise parse and
 * validate on its own, without any of them. Valid documents are kept by their text, as Apollo
 * keeps them: thousands of subscribers sending the same subscription share one parsed document
 * instead of holding a copy each.
 */
export class OperationChecker {
  private readonly valid = new LRUCache<string, DocumentNode>({ max: DOCUMENT_CACHE_SIZE });

  constructor(
    private readonly schema: GraphQLSchema,
    private readonly rules: readonly ValidationRule[],
    private readonly options: { maxTokens: number; fieldSuggestions: boolean },
  ) {}

  check(query: unknown): CheckedOperation {
    const known = typeof query === 'string' ? this.valid.get(query) : undefined;
    if (known) return { document: known };
    const checked = checkOperation(this.schema, query, this.rules, this.options);
    if ('document' in checked) this.valid.set(query as string, checked.document);
    return checked;
  }

  /**
   * Apollo's variable coercion, for ws: values that do not fit their declared types are refused
   * before the operation starts, as BAD_USER_INPUT, as Apollo answers them on HTTP.
   */
  variableErrors(operation: OperationDefinitionNode, variables: Record<string, unknown> | null | undefined): GraphQLError[] | undefined {
    const coerced = getVariableValues(this.schema, operation.variableDefinitions ?? [], variables ?? {}, {
      maxErrors: MAX_VARIABLE_ERRORS,
    });
    if (!coerced.errors) return undefined;
    return coerced.errors.map((e) =>
      graphQLErrorOf(
        new AppError('BAD_USER_INPUT', this.options.fieldSuggestions ? e.message : stripSuggestions(e.message), e.extensions),
        { at: { nodes: e.nodes } },
      ),
    );
  }
}

/** As many as graphql-js reports by default: enough to fix a request, bounded for a hostile one. */
const MAX_VARIABLE_ERRORS = 50;

function checkOperation(
  schema: GraphQLSchema,
  query: unknown,
  rules: readonly ValidationRule[],
  options: { maxTokens: number; fieldSuggestions: boolean },
): CheckedOperation {
  const { maxTokens } = options;
  if (typeof query !== 'string') return { errors: [graphQLErrorOf(new AppError('BAD_REQUEST', 'The query must be a string'))] };
  let document: DocumentNode;
  try {
    document = parse(query, { maxTokens });
  } catch (error) {
    const syntax = error as GraphQLError;
    return { errors: [graphQLErrorOf(new AppError('GRAPHQL_PARSE_FAILED', syntax.message))] };
  }
  const errors = validate(schema, document, [...specifiedRules, ...rules]);
  if (errors.length > 0) {
    return {
      errors: errors.map((e) => {
        const message = options.fieldSuggestions ? e.message : stripSuggestions(e.message);
        return graphQLErrorOf(new AppError('GRAPHQL_VALIDATION_FAILED', message, e.extensions), { at: { nodes: e.nodes } });
      }),
    };
  }
  return { document };
}
