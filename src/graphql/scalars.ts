import { GraphQLScalarType, Kind, type ValueNode } from 'graphql';
import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';
import { ACCEPTED_YEARS, isAcceptedYear } from '../shared/dates';
import { AppError } from '../shared/errors';
import { graphQLErrorOf } from './errors';

/**
 * graphql-scalars' RFC 3339 scalar, parsing only years in ACCEPTED_YEARS, as written (an offset
 * may move the instant into a neighbouring year, which both sides still represent). Refusals say
 * what is expected, never echo the value, and never suggest anything; variables refused here come
 * back from Apollo as BAD_USER_INPUT, literals as GRAPHQL_VALIDATION_FAILED (Apollo's code for
 * whatever validation reports replaces this one's).
 */
function withAcceptedYears(scalar: GraphQLScalarType, form: string): GraphQLScalarType {
  const config = scalar.toConfig();
  const { first, last } = ACCEPTED_YEARS;
  const refusal = (nodes?: ValueNode) =>
    graphQLErrorOf(new AppError('BAD_USER_INPUT', `${scalar.name} must be ${form} in the years ${first}–${last}`), { at: { nodes } });
  const parsed = (written: unknown, parse: () => unknown, nodes?: ValueNode): unknown => {
    let value: unknown;
    try {
      value = parse();
    } catch {
      throw refusal(nodes);
    }
    const year = typeof written === 'string' ? Number(written.slice(0, 4)) : value instanceof Date ? value.getUTCFullYear() : NaN;
    if (!isAcceptedYear(year)) throw refusal(nodes);
    return value;
  };
  return new GraphQLScalarType({
    ...config,
    description: `${config.description} Years ${first}–${last}.`,
    parseValue: (value) => parsed(value, () => config.parseValue(value)),
    parseLiteral: (ast, variables) =>
      parsed(ast.kind === Kind.STRING ? ast.value : undefined, () => config.parseLiteral(ast, variables), ast),
  });
}

/**
 * DESIGN §4 scalars. Dates travel as 'YYYY-MM-DD' strings inside the service, so the Date
 * scalar gets strings, which graphql-scalars passes through after validating them.
 */
export const DateScalar = withAcceptedYears(DateResolver, 'a date YYYY-MM-DD');
/** Instants (creation, finish and update times), with the same limit on years as DateScalar. */
export const DateTimeScalar = withAcceptedYears(DateTimeResolver, 'an RFC 3339 date-time such as 2026-01-31T16:00:00Z');
/** Any JSON value, unchecked here: the use-case that takes it validates it (pattern inputs against their schema). */
export const JSONScalar = JSONResolver;
