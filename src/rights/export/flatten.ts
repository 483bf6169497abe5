/**
 * Pure helpers for export rendering: JSON normalisation, flattening to `path → scalar` rows, and
 * single-line sanitising. No I/O, no clock.
 */

/** A JSON value that is not a container: what one row of a flattened export holds. */
export type JsonScalar = string | number | boolean | null;
/** Any JSON value: what a result is normalised to before it is flattened. */
export type JsonValue = JsonScalar | JsonValue[] | { [key: string]: JsonValue };

/** One leaf of a flattened value: a scalar, or an empty object/array (so nothing is lost). */
export type FlatLeaf = { path: string; kind: 'scalar'; value: JsonScalar } | { path: string; kind: 'empty'; value: '{}' | '[]' };

/** Path of the root itself, used only when the whole value is a scalar or an empty container. */
export const ROOT_PATH = '$';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;
// C0 and C1 controls, DEL and the Unicode line/paragraph separators: anything that could start a
// new line in some reader, or hide text.
// eslint-disable-next-line no-control-regex
const CONTROL_RUN = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g;
const EXTRA_ESCAPES = /[\u007f-\u009f\u2028\u2029]/g;

/**
 * Copies a JSON-like value into a plain JSON value with object keys in sorted (UTF-16 code unit)
 * order. Follows JSON.stringify where that is lossless — `toJSON()` is honoured (a Date becomes its
 * ISO string), object members whose value is `undefined` are omitted, -0 becomes 0 — and rejects
 * what JSON cannot carry (NaN, ±Infinity, bigint, functions, symbols, `undefined` outside an object
 * member, cycles) with a TypeError instead of silently changing it.
 */
export function normalizeJson(value: unknown): JsonValue {
  return normalize(value, ROOT_PATH, new Set());
}

function normalize(value: unknown, path: string, ancestors: Set<object>): JsonValue {
  if (value === null) return null;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`export: ${path} is ${value}, which JSON cannot represent`);
      return Object.is(value, -0) ? 0 : value;
    case 'object':
      break;
    default:
      throw new TypeError(`export: ${path} is ${typeof value}, which JSON cannot represent`);
  }
  const obj = value as object;
  const toJSON = (obj as { toJSON?: unknown }).toJSON;
  if (typeof toJSON === 'function') return normalize(toJSON.call(obj), path, ancestors);
  if (ancestors.has(obj)) throw new TypeError(`export: ${path} is a circular reference`);
  ancestors.add(obj);
  try {
    if (Array.isArray(obj)) {
      const out: JsonValue[] = [];
      for (let i = 0; i < obj.length; i++) out.push(normalize(obj[i], indexPath(path, i), ancestors));
      return out;
    }
    const out: { [key: string]: JsonValue } = {};
    const record = obj as Record<string, unknown>;
    for (const key of Object.keys(record).sort()) {
      const member = record[key];
      if (member === undefined) continue;
      // defineProperty, not assignment: a "__proto__" key must stay an ordinary member.
      Object.defineProperty(out, key, {
        value: normalize(member, keyPath(path, key), ancestors),
        enumerable: true,
        writable: true,
        configurable: true,
      });
    }
    return out;
  } finally {
    ancestors.delete(obj);
  }
}

/**
 * Flattens a normalised JSON value into leaves in a stable order: object members by sorted key
 * (code unit order), array elements by index, depth first. Paths read like JavaScript:
 * `valuation.totalValueBase`, `positions[0].symbol`; a key that is not an identifier is written
 * as a quoted, escaped string in brackets (`holdings["BRK.B"]`), so every path is unambiguous and
 * single-line. Empty objects and arrays become leaves `{}` / `[]`.
 */
export function flattenJson(value: JsonValue): FlatLeaf[] {
  const out: FlatLeaf[] = [];
  walk(value, '', out);
  return out;
}

function walk(value: JsonValue, path: string, out: FlatLeaf[]): void {
  if (value === null || typeof value !== 'object') {
    out.push({ path: path || ROOT_PATH, kind: 'scalar', value });
    return;
  }
  if (Array.isArray(value)) {
    if (value.length === 0) out.push({ path: path || ROOT_PATH, kind: 'empty', value: '[]' });
    value.forEach((item, i) => walk(item, indexPath(path, i), out));
    return;
  }
  const keys = Object.keys(value).sort();
  if (keys.length === 0) out.push({ path: path || ROOT_PATH, kind: 'empty', value: '{}' });
  for (const key of keys) walk(value[key], keyPath(path, key), out);
}

function keyPath(parent: string, key: string): string {
  if (IDENTIFIER.test(key)) return parent && parent !== ROOT_PATH ? `${parent}.${key}` : key;
  return `${parent === ROOT_PATH ? '' : parent}[${quoteString(key)}]`;
}

function indexPath(parent: string, index: number): string {
  return `${parent === ROOT_PATH ? '' : parent}[${index}]`;
}

/**
 * A string as a JSON string literal that is guaranteed to be one line of plain text: on top of
 * JSON's escapes, DEL, the C1 controls and U+2028/U+2029 are escaped as `\uXXXX` too.
 */
export function quoteString(text: string): string {
  return JSON.stringify(text).replace(EXTRA_ESCAPES, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** A JSON scalar written as JSON (strings quoted and escaped, one line). */
export function scalarAsJson(value: JsonScalar): string {
  return typeof value === 'string' ? quoteString(value) : JSON.stringify(value);
}

/**
 * Text made safe to put inside one line of a header/comment: every run of control characters,
 * line breaks (CR, LF, NEL, VT, FF, U+2028, U+2029) and tabs becomes one space.
 */
export function oneLine(text: string): string {
  return text.replace(CONTROL_RUN, ' ');
}
