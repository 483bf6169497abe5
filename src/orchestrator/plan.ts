import { templateReferences } from './templates';

/** What planning needs of a step: its id, and the arguments whose templates show what it reads. */
export interface PlannableStep {
  id: string;
  args: unknown;
}

/** The order a pattern's steps can run in, and what each one waits for. */
export interface Plan {
  /** Steps in a topological order (ties keep the order of the definition). */
  order: string[];
  /** Direct upstream steps of each step, from its `{{state.<step>…}}` references. */
  dependsOn: Record<string, string[]>;
}

/** A step graph that cannot run: a step id used twice, a reference to a missing step or to the step itself, or a cycle. */
export class PlanError extends Error {}

/**
 * Derives the step graph from the templates themselves — a step depends on every step whose
 * state it reads — so a pattern cannot declare an order its data flow contradicts.
 */
export function planSteps(steps: PlannableStep[]): Plan {
  const ids = new Set<string>();
  for (const step of steps) {
    if (ids.has(step.id)) throw new PlanError(`step "${step.id}" is defined twice`);
    ids.add(step.id);
  }
  const dependsOn: Record<string, string[]> = {};
  for (const step of steps) {
    const upstream = new Set<string>();
    for (const reference of templateReferences(step.args)) {
      if (reference.root !== 'state') continue;
      const target = reference.segments[0];
      if (!target) throw new PlanError(`step "${step.id}": {{${reference.text}}} names no step`);
      if (!ids.has(target)) throw new PlanError(`step "${step.id}": {{${reference.text}}} names step "${target}", which does not exist`);
      if (target === step.id) throw new PlanError(`step "${step.id}": {{${reference.text}}} reads its own output`);
      upstream.add(target);
    }
    dependsOn[step.id] = [...upstream];
  }

  // Kahn's algorithm; whatever cannot be ordered sits on a cycle.
  const remaining = new Map(steps.map((s) => [s.id, dependsOn[s.id].length]));
  const order: string[] = [];
  let progressed = true;
  while (progressed) {
    progressed = false;
    for (const step of steps) {
      if (remaining.get(step.id) !== 0) continue;
      remaining.delete(step.id);
      order.push(step.id);
      progressed = true;
      for (const other of steps) {
        if (remaining.has(other.id) && dependsOn[other.id].includes(step.id)) remaining.set(other.id, remaining.get(other.id)! - 1);
      }
    }
  }
  if (remaining.size > 0) throw new PlanError(`steps ${[...remaining.keys()].map((s) => `"${s}"`).join(', ')} form a cycle`);
  return { order, dependsOn };
}
