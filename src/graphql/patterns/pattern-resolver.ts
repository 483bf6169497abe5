import { Arg, Ctx, ID, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { parsePatternVersionId, toPattern, toPatternVersion } from './pattern-mapping';
import { Pattern, PatternVersion } from './pattern-types';

/** The pattern catalogue queries: every pattern, one pattern, and one stored version of a pattern. */
@Resolver(() => Pattern)
@UseMiddleware(ErrorBoundary)
export class PatternResolver {
  @Query(() => [Pattern], { description: 'Every pattern, at its current version.' })
  async patterns(@Ctx() { services }: GraphQLContext): Promise<Pattern[]> {
    return (await services.patterns.listCurrent()).map(toPattern);
  }

  @Query(() => Pattern, { nullable: true, description: 'A pattern at its current version; null for an unknown id.' })
  async pattern(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID, { description: "The pattern's id, e.g. portfolio_overview." }) id: string): Promise<Pattern | null> {
    const pattern = await services.patterns.currentVersion(id);
    return pattern ? toPattern(pattern) : null;
  }

  @Query(() => PatternVersion, { nullable: true, description: 'One stored version of a pattern, by `<pattern>@<version>`; null when there is none.' })
  async patternVersion(
    @Ctx() { services }: GraphQLContext,
    @Arg('id', () => ID, { description: '`<pattern>@<version>`, e.g. portfolio_overview@1.0.0.' }) id: string,
  ): Promise<PatternVersion | null> {
    const parts = parsePatternVersionId(id);
    const pattern = parts ? await services.patterns.version(parts.patternId, parts.version) : undefined;
    return pattern ? toPatternVersion(pattern) : null;
  }
}
