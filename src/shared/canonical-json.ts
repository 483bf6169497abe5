import { createHash } from 'node:crypto';
import { canonicalize } from 'json-canonicalize';

/**
 * RFC 8785 (JCS) canonical JSON: sorted keys, no insignificant whitespace, ECMAScript number
 * formatting. Byte-identical output for equal values is what makes result hashes reproducible.
 */
export function canonicalJson(value: unknown): string {
  // json-canonicalize renders undefined, functions and symbols as the text "undefined".
  if (value === undefined || typeof value === 'function' || typeof value === 'symbol') {
    throw new TypeError('value cannot be represented as canonical JSON');
  }
  return canonicalize(value);
}

/** SHA-256 of a string's UTF-8 bytes, as lower-case hex. */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/** `sha256:<hex>` of the canonical JSON of a value: the form every content hash here takes. */
export function contentHash(value: unknown): string {
  return `sha256:${sha256Hex(canonicalJson(value))}`;
}
