import type { InputIssue } from './errors';

/**
 * NUL, which PostgreSQL cannot store in text or jsonb, and UTF-16 surrogates that are not part of
 * a pair (the `u` flag reads a pair as one code point outside this class), which are not Unicode.
 */
const UNSTORABLE_CHARACTER = /[\0\uD800-\uDFFF]/u;

/** Deeper than any legitimate input here; deep enough values overflow recursive code downstream. */
export const MAX_NESTING = 32;

/** Enough to fix a payload; a megabyte of bad strings does not become a megabyte of issues. */
const MAX_ISSUES = 20;

const BAD_STRING = 'must not contain NUL characters or unpaired UTF-16 surrogates';
const BAD_KEY = `keys ${BAD_STRING}`;
const BAD_NUMBER = 'must be a finite number';
const TOO_DEEP = `must not be nested more than ${MAX_NESTING} levels deep`;

/**
 * What no field accepts, wherever it sits in a value: strings with NUL or lone surrogates,
 * non-finite numbers (JSON's `1e400` parses to Infinity), nesting beyond MAX_NESTING. Each issue
 * names its place from `path` down, with dots: `input.prices.0.symbol`. Dates and other parsed
 * scalars are their scalar's business and are not looked into.
 */
export function unsafeValueIssues(value: unknown, path: string, issues: InputIssue[] = []): InputIssue[] {
  visit(value, [path], issues);
  return issues;
}

/** `at` is the path so far, kept as a stack and joined only for an issue. */
function visit(value: unknown, at: (string | number)[], issues: InputIssue[]): void {
  if (issues.length >= MAX_ISSUES) return;
  if (typeof value === 'string') {
    if (UNSTORABLE_CHARACTER.test(value)) issues.push({ path: at.join('.'), message: BAD_STRING });
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value)) issues.push({ path: at.join('.'), message: BAD_NUMBER });
  } else if (typeof value === 'object' && value !== null && !(value instanceof Date)) {
    if (at.length > MAX_NESTING) {
      issues.push({ path: at.join('.'), message: TOO_DEEP });
    } else if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        at.push(i);
        visit(value[i], at, issues);
        at.pop();
      }
    } else {
      for (const key of Object.keys(value)) {
        if (UNSTORABLE_CHARACTER.test(key)) {
          issues.push({ path: at.join('.'), message: BAD_KEY });
          continue;
        }
        at.push(key);
        visit((value as Record<string, unknown>)[key], at, issues);
        at.pop();
      }
    }
  }
}
