import type { GraphQLError, GraphQLFieldResolver } from 'graphql';
import type { GraphQLContext } from '../context';
import { toGraphQLError } from '../errors';
import type { EntityKeys } from './entity-keys';
import { checkRepresentations } from './representations';

type Resolver = GraphQLFieldResolver<unknown, GraphQLContext, { representations?: unknown }>;

/** Representations each request has asked for so far: aliases must not multiply the cap. */
const requestedSoFar = new WeakMap<GraphQLContext, number>();

/**
 * Wraps `@apollo/subgraph`'s `_entities` resolver. The representations are checked and capped
 * (per request, all aliased calls together) before it runs, so a malformed or oversized call
 * looks nothing up. Whatever fails inside
 * reference resolution, the whole call or one entity, leaves translated like every resolver
 * error (ErrorBoundary): coded if it is the client's, masked and reported if not. A failure a
 * batch shares (DataLoader rejects every key with the same error) is reported once.
 */
export function guardEntities(resolve: Resolver, keys: EntityKeys): Resolver {
  return (source, args, context, info) => {
    const translations = new Map<unknown, GraphQLError>();
    const translate = (error: unknown): GraphQLError => {
      let translated = translations.get(error);
      if (!translated) {
        translated = toGraphQLError(error, context);
        translations.set(error, translated);
      }
      return translated;
    };
    try {
      const max = context.services.config.limits.maxEntityRepresentations;
      const earlier = requestedSoFar.get(context) ?? 0;
      if (Array.isArray(args.representations)) requestedSoFar.set(context, earlier + args.representations.length);
      const representations = checkRepresentations(args.representations, keys, max, earlier);
      const entities: unknown = resolve(source, { ...args, representations }, context, info);
      if (!Array.isArray(entities)) return entities;
      return entities.map((entity: unknown) =>
        entity instanceof Promise
          ? entity.catch((error: unknown) => {
              throw translate(error);
            })
          : entity,
      );
    } catch (error) {
      throw translate(error);
    }
  };
}
