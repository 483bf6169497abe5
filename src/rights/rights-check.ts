import type { RightsRegistry, SourceRights } from './rights-registry';

type Right = keyof Pick<SourceRights, 'canView' | 'canExport'>;

/** The sources that lack a right in the registry in force: empty when everything is allowed. */
export function sourcesLacking(registry: RightsRegistry, sources: readonly string[], right: Right): string[] {
  return [...new Set(sources)].filter((source) => !registry.rightsOf(source)[right]).sort();
}

/** Whether any of the sources requires its exports to carry a watermark. */
export function watermarkRequired(registry: RightsRegistry, sources: readonly string[]): boolean {
  return sources.some((source) => registry.rightsOf(source).watermarkRequired);
}
