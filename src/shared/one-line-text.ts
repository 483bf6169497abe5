/** C0 and C1 controls, DEL included: none belongs in a name shown on one line. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f-\u009f]/;

/** Whether `text` is 1 to `maxLength` characters of one line of text (no control characters). */
export function isOneLineText(text: string, maxLength: number): boolean {
  return text.length > 0 && text.length <= maxLength && !CONTROL_CHARACTER.test(text);
}
