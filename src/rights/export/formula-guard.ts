/**
 * Spreadsheet formula neutralising for exported text (OWASP, "CSV Injection"). Excel, LibreOffice
 * and Google Sheets run a cell that starts with `=`, `+`, `-`, `@`, TAB or CR as a formula, and a
 * formula can fetch URLs or run commands. Such a string is prefixed with a single quote, which
 * makes the cell plain text; spreadsheets show it without the quote. The fullwidth forms
 * ＝ ＋ － ＠ count too, because Apple Numbers folds them to ASCII (csv-stringify's
 * `escape_formulas` does the same).
 *
 * Only strings are passed through here: a number keeps its JSON form (-5 stays -5), so no value
 * changes. The prefix is reversible. A string that already starts with quotes followed by a
 * trigger gets one more quote, so removing one leading quote from every string cell that matches
 * FORMULA_GUARDED gives the original back.
 */
const TRIGGER = '[=+\\-@\\t\\r\\uFF1D\\uFF0B\\uFF0D\\uFF20]';
const NEEDS_GUARD = new RegExp(`^'*${TRIGGER}`);

/** A string cell this module has guarded: strip one leading `'` to get the original text back. */
export const FORMULA_GUARDED = new RegExp(`^'+${TRIGGER}`);

/** Prefixes a string with `'` when a spreadsheet would run it as a formula; any other string comes back unchanged. */
export function neutraliseFormula(text: string): string {
  return NEEDS_GUARD.test(text) ? `'${text}` : text;
}
