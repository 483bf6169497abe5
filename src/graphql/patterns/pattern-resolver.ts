import { Arg, Ctx, ID, Query, Resolver, UseMiddleware } from 'type-graphql';
import type { GraphQLContext } from '../context';
import { ErrorBoundary } from '../errors';
import { toPattern } from './pattern-mapping';
import { Pattern } from './pattern-types';

@Resolver(() => Pattern)
@UseMiddleware(ErrorBoundary)
export class PatternResolver {
  @Query(() => [Pattern], { description: 'Every pattern, at its current version.' })
  patterns(@Ctx() { services }: GraphQLContext): Pattern[] {
    return services.patterns.list().map(toPattern);
  }

  @Query(() => Pattern, { nullable: true })
  pattern(@Ctx() { services }: GraphQLContext, @Arg('id', () => ID) id: string): Pattern | null {
    const pattern = services.patterns.currentVersion(id);
    return pattern ? toPattern(pattern) : null;
  }
}
