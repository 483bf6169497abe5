import type { CompiledPattern } from '../../orchestrator/pattern-definition';
import type { Pattern } from './pattern-types';

export function toPattern(pattern: CompiledPattern): Pattern {
  const { definition, plan, sha256 } = pattern;
  return {
    id: definition.id,
    version: definition.version,
    etag: sha256,
    description: definition.description,
    cost: definition.cost,
    sources: definition.sources,
    inputSchema: definition.inputSchema,
    outputSchema: definition.outputSchema,
    steps: definition.steps.map((s) => ({ id: s.id, capability: s.capability, optional: s.optional === true, dependsOn: plan.dependsOn[s.id], args: s.args })),
  };
}
