import type { CompiledPattern } from '../../orchestrator/pattern-definition';
import type { Pattern, PatternStep, PatternVersion } from './pattern-types';

/** The id of one version of a pattern: `<pattern>@<version>`. */
export function patternVersionId(patternId: string, version: string): string {
  return `${patternId}@${version}`;
}

/** `<pattern>@<version>` → its parts, or null for anything else. */
export function parsePatternVersionId(id: string): { patternId: string; version: string } | null {
  const match = /^([a-z][a-z0-9_]{0,63})@(\d+\.\d+\.\d+)$/.exec(id);
  return match ? { patternId: match[1], version: match[2] } : null;
}

function stepsOf(pattern: CompiledPattern): PatternStep[] {
  const { definition, plan } = pattern;
  const versionId = patternVersionId(definition.id, definition.version);
  return definition.steps.map((s) => ({
    id: `${versionId}#${s.id}`,
    stepId: s.id,
    capability: s.capability,
    optional: s.optional === true,
    dependsOn: plan.dependsOn[s.id],
    args: s.args,
  }));
}

/** A compiled pattern as the API's Pattern: keyed by the pattern's id, showing this version's fields. */
export function toPattern(pattern: CompiledPattern): Pattern {
  const { definition, sha256 } = pattern;
  return {
    id: definition.id,
    version: definition.version,
    etag: sha256,
    description: definition.description,
    cost: definition.cost,
    sources: definition.sources,
    inputSchema: definition.inputSchema,
    outputSchema: definition.outputSchema,
    steps: stepsOf(pattern),
  };
}

/** A compiled pattern as the API's PatternVersion: keyed by `<pattern>@<version>`, so it names this version only. */
export function toPatternVersion(pattern: CompiledPattern): PatternVersion {
  const { definition } = pattern;
  return { ...toPattern(pattern), id: patternVersionId(definition.id, definition.version), patternId: definition.id };
}
