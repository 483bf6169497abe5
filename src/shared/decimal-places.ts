/**
 * Decimal places of a finite number as written in its shortest round-trip form — the digits a
 * client sent in JSON or CSV (0.1 → 1, 1.5e-7 → 8, 1e21 → 0). Multiplying by 10^n and testing
 * for an integer would misjudge values like 0.29 × 1e8, which is not an integer in binary floating
 * point; the shortest form is exact for every literal of up to 15 significant digits.
 */
export function decimalPlaces(value: number): number {
  if (!Number.isFinite(value)) throw new RangeError(`decimalPlaces: ${value} is not finite`);
  const [mantissa, exponent = '0'] = Math.abs(value).toString().split('e');
  const fraction = mantissa.split('.')[1]?.length ?? 0;
  return Math.max(0, fraction - Number(exponent));
}
