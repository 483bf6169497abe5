/**
 * Input checks shared by the analytics functions (internal, not re-exported).
 *
 * Error policy of the whole module: a malformed call (non-finite number, arrays of different
 * lengths, an impossible day count) throws a `RangeError` naming the argument, because it is a
 * bug or bad data upstream and must not turn into a plausible-looking number. A well-formed
 * call whose result does not exist mathematically (no sign change for an IRR, no capital for a
 * Modified Dietz return, fewer than two returns for a standard deviation) returns `null`, which
 * the caller can report; NaN is never returned because canonical JSON cannot carry it.
 */

/**
 * Throws a RangeError naming the argument unless the value is a finite number: NaN and infinities
 * are bad data, never results.
 */
export function assertFinite(value: number, name: string): void {
  if (!Number.isFinite(value)) {
    throw new RangeError(`${name} must be a finite number, got ${String(value)}`);
  }
}

/**
 * Throws a RangeError naming the argument unless the value is finite and above zero: for the
 * values, rates and day counts a formula divides by or takes a root of.
 */
export function assertPositive(value: number, name: string): void {
  assertFinite(value, name);
  if (value <= 0) throw new RangeError(`${name} must be > 0, got ${value}`);
}

/** Throws a RangeError naming both arrays unless two parallel arrays (values and their flows) have the same length. */
export function assertSameLength(a: readonly unknown[], aName: string, b: readonly unknown[], bName: string): void {
  if (a.length !== b.length) {
    throw new RangeError(`${aName} (${a.length}) and ${bName} (${b.length}) must have the same length`);
  }
}

/** Arithmetic mean; the caller guarantees a non-empty array. */
export function mean(xs: readonly number[]): number {
  let sum = 0;
  for (const x of xs) sum += x;
  return sum / xs.length;
}

/**
 * Sample standard deviation (ddof = 1, Bessel's correction, as numpy `std(ddof=1)` and
 * empyrical). Two passes rather than a running sum of squares: daily returns are small numbers
 * close to each other, where the one-pass formula loses digits. Null below two observations.
 */
export function sampleStd(xs: readonly number[]): number | null {
  if (xs.length < 2) return null;
  const m = mean(xs);
  let squares = 0;
  for (const x of xs) squares += (x - m) * (x - m);
  return Math.sqrt(squares / (xs.length - 1));
}
