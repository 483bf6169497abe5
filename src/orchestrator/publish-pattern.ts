import type { DataLayer } from '../data/data-layer';
import type { Actor } from '../shared/actor';
import { AppError, badInput } from '../shared/errors';
import type { PatternCatalog } from './pattern-catalog';
import { compilePattern, PatternDefinitionError, type CompiledPattern } from './pattern-definition';

/**
 * publishPattern: a new version of a pattern, validated exactly like the files at start, under
 * an optimistic lock: it is stored only if ifMatch equals the current version's etag (or the
 * pattern is new). Publishers of one pattern are serialised by a transaction-scoped advisory
 * lock, so two admins on the same etag cannot both win. Old versions stay.
 */
export async function publishPattern(
  deps: { data: DataLayer; catalog: PatternCatalog; capabilities: ReadonlySet<string> },
  actor: Actor,
  definition: unknown,
  ifMatch: string | null | undefined,
): Promise<CompiledPattern> {
  let compiled: CompiledPattern;
  try {
    compiled = compilePattern(definition, deps.capabilities);
  } catch (error) {
    if (error instanceof PatternDefinitionError) throw badInput(error.message, [{ path: 'input.definition', message: error.message }]);
    throw error;
  }
  const { id, version, description, cost } = compiled.definition;
  await deps.data.transaction(async (tx) => {
    await tx.patterns.lockForPublishing(id);
    const currentEtag = await tx.patterns.currentEtag(id);
    if ((ifMatch ?? null) !== currentEtag) {
      throw new AppError(
        'PRECONDITION_FAILED',
        currentEtag
          ? `Pattern ${id} has changed: its etag is ${currentEtag}`
          : `Pattern ${id} does not exist yet: publish it without ifMatch`,
        {
          currentEtag,
        },
      );
    }
    const taken = await tx.patterns.findVersion(id, version);
    if (taken)
      throw badInput(`Pattern ${id} version ${version} is already published; give the new definition a new version`, [
        { path: 'input.definition.version', message: 'taken' },
      ]);
    await tx.patterns.insert({
      patternId: id,
      version,
      sha256: compiled.sha256,
      description,
      cost,
      definition: compiled.definition,
      createdBy: actor.userId,
    });
    await tx.audit.append({
      actorId: actor.userId,
      tenantId: actor.tenantId,
      action: 'pattern.publish',
      resource: `pattern:${id}@${version}`,
      changes: { previousEtag: currentEtag, etag: compiled.sha256 },
      result: 'OK',
      traceId: actor.traceId,
      requestId: actor.requestId,
    });
  });
  await deps.catalog.reload();
  return compiled;
}
