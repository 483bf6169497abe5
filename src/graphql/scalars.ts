import { DateResolver, DateTimeResolver, JSONResolver } from 'graphql-scalars';

/**
 * DESIGN §4 scalars. Dates travel as 'YYYY-MM-DD' strings inside the service, so the Date
 * scalar gets strings, which graphql-scalars passes through after validating them.
 */
export const DateScalar = DateResolver;
export const DateTimeScalar = DateTimeResolver;
export const JSONScalar = JSONResolver;
