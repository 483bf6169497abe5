import { badInput, type InputIssue } from '../../shared/errors';
import type { EntityKeys } from './entity-keys';

/** What a reference resolver receives: the entity's type name and its key fields, checked. */
export type Representation = { readonly __typename: string; readonly [keyField: string]: string };

/** Longest key value accepted: far beyond any id here, far short of a document. */
export const MAX_KEY_LENGTH = 255;

/**
 * The `representations` of one `_entities` call, refused as a whole before any lookup when
 * the request would then have asked for more than `max` (`earlier`: what its other, aliased
 * `_entities` calls asked for) or any is malformed: each must be an object naming one of our
 * entity types and carrying its key fields as bounded strings. Only those fields are passed
 * on, so nothing the check did not look at reaches a resolver or a database filter.
 */
export function checkRepresentations(value: unknown, keys: EntityKeys, max: number, earlier = 0): Representation[] {
  if (!Array.isArray(value)) {
    throw badInput('representations must be a list', [{ path: 'representations', message: 'must be a list' }]);
  }
  const requested = earlier + value.length;
  if (requested > max) {
    throw badInput(`A request may resolve at most ${max} entity representations (got ${requested})`, [
      { path: 'representations', message: `at most ${max} per request` },
    ]);
  }
  const issues: InputIssue[] = [];
  const checked = value.map((item, index) => checkOne(item, `representations[${index}]`, keys, issues));
  if (issues.length > 0) {
    const [first] = issues;
    const more = issues.length > 1 ? ` (and ${issues.length - 1} more)` : '';
    throw badInput(`${first.path} ${first.message}${more}`, issues);
  }
  return checked as Representation[];
}

function checkOne(item: unknown, path: string, keys: EntityKeys, issues: InputIssue[]): Representation | undefined {
  if (!isPlainObject(item)) {
    issues.push({ path, message: 'must be an object' });
    return undefined;
  }
  const typename = item.__typename;
  const fields = typeof typename === 'string' ? keys.get(typename) : undefined;
  if (typeof typename !== 'string' || !fields) {
    issues.push({ path: `${path}.__typename`, message: 'must name an entity type of this subgraph' });
    return undefined;
  }
  const representation: Record<string, string> = { __typename: typename };
  for (const field of fields) {
    const value = Object.hasOwn(item, field) ? item[field] : undefined;
    const problem = keyProblem(value);
    if (problem) issues.push({ path: `${path}.${field}`, message: problem });
    else representation[field] = value as string;
  }
  return representation as Representation;
}

/** Why a key value is refused, if it is. */
function keyProblem(value: unknown): string | undefined {
  if (value === undefined) return 'is required';
  if (typeof value !== 'string') return 'must be a string';
  if (value.length > MAX_KEY_LENGTH) return `must be at most ${MAX_KEY_LENGTH} characters`;
  if (value.includes('\u0000')) return 'must not contain NUL characters';
  return undefined;
}

/** A JSON object (or an object literal from the query text), not an array or a class instance. */
function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const prototype: unknown = Object.getPrototypeOf(value);
  return prototype === Object.prototype || prototype === null;
}
