/**
 * The rules a portfolio's name, description and base currency follow. Pure: the caller supplies
 * the currencies the pricing packs can convert. Every problem is reported at once, each with its
 * path (`input.name`), so a client fixes a whole form in one round trip.
 */
import { isIsoCurrency } from '../ledger/entry-validation';
import type { InputIssue } from '../shared/errors';

/** Characters (code points, as PostgreSQL's char_length counts them) a name may have, once trimmed. */
export const MAX_NAME_LENGTH = 200;
/** Characters a description may have, once trimmed. */
export const MAX_DESCRIPTION_LENGTH = 2000;

/** A name is one line: no control characters at all. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const NAME_CONTROL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;
/** A description may break lines and tab; other control characters are refused. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const DESCRIPTION_CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/;

/** Which base currencies the pricing packs can value a portfolio in. */
export interface ConvertibleCurrencies {
  /** The latest pack's base currency and every currency it has an FX rate for; null when no pack exists (ISO 4217 alone then). */
  currencies: ReadonlySet<string> | null;
  /** The pack they come from, for the message. */
  packId: string | null;
}

/** The name as stored (trimmed), or null with its problem added. */
export function checkName(name: string, path: string, issues: InputIssue[]): string | null {
  const text = name.trim();
  const length = [...text].length;
  if (length === 0) issues.push({ path, message: 'must not be empty' });
  else if (length > MAX_NAME_LENGTH) issues.push({ path, message: `must be at most ${MAX_NAME_LENGTH} characters` });
  else if (NAME_CONTROL.test(text)) issues.push({ path, message: 'must be one line without control characters' });
  else return text;
  return null;
}

/** The description as stored: trimmed, empty → null; undefined with its problem added. */
export function checkDescription(description: string | null, path: string, issues: InputIssue[]): string | null | undefined {
  if (description === null) return null;
  const text = description.trim();
  if ([...text].length > MAX_DESCRIPTION_LENGTH) issues.push({ path, message: `must be at most ${MAX_DESCRIPTION_LENGTH} characters` });
  else if (DESCRIPTION_CONTROL.test(text))
    issues.push({ path, message: 'must not contain control characters other than line breaks and tabs' });
  else return text === '' ? null : text;
  return undefined;
}

/** The base currency, if it is ISO 4217 and the packs can convert it; else null with its problem added. */
export function checkBaseCurrency(code: string, convertible: ConvertibleCurrencies, path: string, issues: InputIssue[]): string | null {
  if (!isIsoCurrency(code)) {
    issues.push({ path, message: 'must be an ISO 4217 currency code like CAD' });
    return null;
  }
  if (convertible.currencies !== null && !convertible.currencies.has(code)) {
    const known = [...convertible.currencies].sort().join(', ');
    issues.push({ path, message: `the pricing packs cannot value ${code} (${convertible.packId} converts ${known})` });
    return null;
  }
  return code;
}
