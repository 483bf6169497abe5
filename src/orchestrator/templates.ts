/**
 * Step arguments are JSON with templates: `{{inputs.x}}`, `{{state.<step>.path}}`,
 * `{{ctx.asofDate}}`, with `??` fallbacks (`{{inputs.start ?? ctx.defaultStart}}`).
 * A string that is one whole template takes the referenced value with its type (an object
 * stays an object); templates inside a longer string are interpolated as text.
 */
const TEMPLATE = /\{\{\s*([^{}]+?)\s*\}\}/g;
const WHOLE = /^\{\{\s*([^{}]+?)\s*\}\}$/;
const PATH = /^(inputs|state|ctx)(\.[A-Za-z_$][\w$-]*|\[\d+\])*$/;

/** Where a template may read from: the execution's inputs, the data of earlier steps, or the request context. */
export type TemplateRoot = 'inputs' | 'state' | 'ctx';

/** One path a template reads, parsed. */
export interface TemplateReference {
  root: TemplateRoot;
  /** Segments after the root: for state, the first is the step id. */
  segments: string[];
  /** The expression as written, for error messages. */
  text: string;
}

/** A template that is not a path under one of the three roots. */
export class TemplateError extends Error {}

/** The values templates are resolved against, one per root. */
export type Scope = Record<TemplateRoot, unknown>;

function parsePath(text: string): TemplateReference {
  const trimmed = text.trim();
  if (!PATH.test(trimmed)) throw new TemplateError(`"${trimmed}" is not a template path (inputs.…, state.<step>.…, ctx.…)`);
  const segments = trimmed.match(/[A-Za-z_$][\w$-]*|\d+/g) ?? [];
  const [root, ...rest] = segments;
  return { root: root as TemplateRoot, segments: rest, text: trimmed };
}

function parseExpression(expression: string): TemplateReference[] {
  return expression.split('??').map(parsePath);
}

/** Every reference in a JSON value, in order; throws TemplateError on a malformed template. */
export function templateReferences(value: unknown): TemplateReference[] {
  const found: TemplateReference[] = [];
  walkStrings(value, (text) => {
    for (const match of text.matchAll(TEMPLATE)) found.push(...parseExpression(match[1]));
  });
  return found;
}

/**
 * Replaces every template in a JSON value with what it refers to in the scope; an object member
 * whose template finds nothing is left out.
 */
export function resolveTemplates(value: unknown, scope: Scope): unknown {
  if (typeof value === 'string') return resolveString(value, scope);
  if (Array.isArray(value)) return value.map((item) => resolveTemplates(item, scope));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const resolved = resolveTemplates(item, scope);
      if (resolved !== undefined) out[key] = resolved;
    }
    return out;
  }
  return value;
}

function resolveString(text: string, scope: Scope): unknown {
  const whole = WHOLE.exec(text);
  if (whole) return evaluate(whole[1], scope);
  return text.replace(TEMPLATE, (_match, expression: string) => {
    const value = evaluate(expression, scope);
    return value === undefined || value === null ? '' : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

/**
 * The first alternative that has a value; `??` passes over null as over a missing value, but a
 * null found and not replaced stays null (a result field that exists and has no value, such as the
 * annualised return of a short period), where a missing one stays missing.
 */
function evaluate(expression: string, scope: Scope): unknown {
  let found: null | undefined = undefined;
  for (const reference of parseExpression(expression)) {
    const value = lookup(scope[reference.root], reference.segments);
    if (value !== undefined && value !== null) return value;
    if (value === null) found = null;
  }
  return found;
}

function lookup(base: unknown, segments: string[]): unknown {
  let current = base;
  for (const segment of segments) {
    if (current === null || current === undefined || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function walkStrings(value: unknown, visit: (text: string) => void): void {
  if (typeof value === 'string') visit(value);
  else if (Array.isArray(value)) value.forEach((item) => walkStrings(item, visit));
  else if (value !== null && typeof value === 'object') Object.values(value).forEach((item) => walkStrings(item, visit));
}
