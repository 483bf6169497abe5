/**
 * XIRR: the money-weighted return, i.e. the annual rate r at which the net present value of the
 * dated flows is zero:
 *
 *     Σ amount_i · (1 + r)^(−(d_i − d_0) / daysPerYear) = 0
 *
 * Conventions (the README copies these):
 * - Amounts are from the INVESTOR's side, as in Excel: money put in is negative, money taken out
 *   is positive. For a portfolio over [start, end]: −(value at start) on the start date, −deposit
 *   and +withdrawal on their dates, +(value at end) on the end date.
 * - Time is actual calendar days / 365 (Excel's XIRR; `daysPerYear` makes it configurable, e.g.
 *   365.25). Dates are 'YYYY-MM-DD' calendar dates, no time zone; d_0 is the earliest date (the
 *   root does not depend on that choice). Order of the flows does not matter.
 * - Returns null when there is no rate: the amounts do not change sign, or the NPV does not cross
 *   zero for rates between −1 + 1e−13 and about 1e304 (the searched range: x = ln(1 + r) in
 *   [−30, 700]; a short holding period annualises to very large rates). Malformed input (bad date,
 *   non-finite amount) throws a RangeError.
 * - When the NPV crosses zero more than once (flows changing sign several times) the IRR is not
 *   unique; the root nearest `guess` (default 0.1, Excel's) is returned.
 *
 * Solver: the search runs on x = ln(1 + r), which maps r ∈ (−1, ∞) to the whole real line so
 * that rates near −100 % (vector X2c, −99.925 %) are as reachable as large ones. A bracket with a
 * sign change is found by stepping outward from the guess with widening steps, then safeguarded
 * Newton iterations run inside it: a Newton step that leaves the bracket, fails to halve the
 * step, or overflows is replaced by a bisection step. Convergence: bracket narrower than
 * `tolerance` in x (≈ a relative precision of the growth factor 1 + r).
 */
import { assertFinite, assertPositive } from './numeric';

/** One cash flow for XIRR: a calendar date and an amount signed from the investor's side. */
export interface DatedFlow {
  /** Calendar date 'YYYY-MM-DD'. */
  readonly date: string;
  /** Signed amount, investor's side: − invested, + received. */
  readonly amount: number;
}

/** Settings of the XIRR solver and its day count; each has Excel's default. */
export interface XirrOptions {
  /** Starting rate; also picks the root when there are several. Default 0.1. */
  readonly guess?: number;
  /** Day-count basis: year fraction = actual days / daysPerYear. Default 365. */
  readonly daysPerYear?: number;
  /** Convergence threshold on ln(1 + r). Default 1e-12. */
  readonly tolerance?: number;
  /** Solver iterations after bracketing. Default 200 (bisection alone needs about 60). */
  readonly maxIterations?: number;
}

const MS_PER_DAY = 86_400_000;
/** Search range for x = ln(1 + r): r from −1 + 1e−13 up to e^700 ≈ 1e304 (still a finite double). */
const X_MIN = -30;
const X_MAX = 700;
const FIRST_STEP = 0.01;
/** Outward steps grow by 2 % of the distance covered, so a few hundred probes reach either end. */
const STEP_GROWTH = 0.02;

interface TimedAmount {
  /** Years since the earliest flow. */
  readonly t: number;
  readonly amount: number;
}

/** Days since 1970-01-01 of a 'YYYY-MM-DD' date; rejects other formats and impossible dates. */
export function isoDateToDayNumber(date: string): number {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!match) throw new RangeError(`date must be YYYY-MM-DD, got '${date}'`);
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  const ms = Date.UTC(year, month - 1, day);
  const check = new Date(ms);
  if (check.getUTCFullYear() !== year || check.getUTCMonth() !== month - 1 || check.getUTCDate() !== day) {
    throw new RangeError(`date '${date}' does not exist`);
  }
  return ms / MS_PER_DAY;
}

function toTimedAmounts(flows: readonly DatedFlow[], daysPerYear: number): TimedAmount[] {
  const days = flows.map((f, i) => {
    assertFinite(f.amount, `flows[${i}].amount`);
    return isoDateToDayNumber(f.date);
  });
  const first = days.reduce((a, b) => Math.min(a, b), Infinity);
  return flows.map((f, i) => ({ t: (days[i] - first) / daysPerYear, amount: f.amount }));
}

/** Net present value at `rate` of dated flows, discounted to the earliest date (XNPV). */
export function xnpv(rate: number, flows: readonly DatedFlow[], daysPerYear = 365): number {
  assertFinite(rate, 'rate');
  assertPositive(daysPerYear, 'daysPerYear');
  if (rate <= -1) throw new RangeError(`rate must be > -1, got ${rate}`);
  const x = Math.log1p(rate);
  return npvAt(x, toTimedAmounts(flows, daysPerYear));
}

/** NPV as a function of x = ln(1 + r): Σ a·e^(−x·t). May overflow for very negative x. */
function npvAt(x: number, flows: readonly TimedAmount[]): number {
  let sum = 0;
  for (const f of flows) sum += f.amount * Math.exp(-x * f.t);
  return sum;
}

/** d NPV / dx = Σ −t·a·e^(−x·t). */
function npvSlopeAt(x: number, flows: readonly TimedAmount[]): number {
  let sum = 0;
  for (const f of flows) sum -= f.t * f.amount * Math.exp(-x * f.t);
  return sum;
}

/**
 * The sign of the NPV at x without overflow: for `x < 0` the NPV is multiplied by e^(x·T), T the
 * last flow time, which makes every exponent ≤ 0; for x ≥ 0 the exponents are ≤ 0 already. A
 * positive factor does not change the sign.
 */
function npvSign(x: number, flows: readonly TimedAmount[], lastT: number): number {
  let sum = 0;
  for (const f of flows) {
    sum += f.amount * Math.exp(x < 0 ? x * (lastT - f.t) : -x * f.t);
  }
  return Math.sign(sum);
}

interface Bracket {
  lo: number;
  hi: number;
  /** Sign of the NPV at lo. */
  signLo: number;
}

/**
 * The sign-change interval nearest x0, stepping outward on both sides alternately; an exact root
 * at x0 comes back as a zero-width bracket.
 */
function findBracket(x0: number, flows: readonly TimedAmount[], lastT: number): Bracket | null {
  const sign0 = npvSign(x0, flows, lastT);
  if (sign0 === 0) return { lo: x0, hi: x0, signLo: 0 };
  let up = { x: x0, sign: sign0 };
  let down = { x: x0, sign: sign0 };
  let distance = 0;
  while (up.x < X_MAX || down.x > X_MIN) {
    distance += Math.max(FIRST_STEP, STEP_GROWTH * distance);
    if (up.x < X_MAX) {
      const x = Math.min(x0 + distance, X_MAX);
      const sign = npvSign(x, flows, lastT);
      if (sign !== up.sign) return { lo: up.x, hi: x, signLo: up.sign };
      up = { x, sign };
    }
    if (down.x > X_MIN) {
      const x = Math.max(x0 - distance, X_MIN);
      const sign = npvSign(x, flows, lastT);
      if (sign !== down.sign) return { lo: x, hi: down.x, signLo: sign };
      down = { x, sign };
    }
  }
  return null;
}

/** Safeguarded Newton (Newton with bisection fallback) on NPV(x) inside a sign-change bracket. */
function solveInBracket(bracket: Bracket, flows: readonly TimedAmount[], lastT: number, tolerance: number, maxIterations: number): number {
  let { lo, hi } = bracket;
  const { signLo } = bracket;
  let x = (lo + hi) / 2;
  let previousStep = hi - lo;
  for (let i = 0; i < maxIterations && hi - lo > tolerance; i++) {
    const sign = npvSign(x, flows, lastT);
    if (sign === 0) return x;
    if (sign === signLo) lo = x;
    else hi = x;
    const newton = x - npvAt(x, flows) / npvSlopeAt(x, flows);
    const step = Math.abs(newton - x);
    const usable = Number.isFinite(newton) && newton > lo && newton < hi && step < previousStep / 2;
    const next = usable ? newton : (lo + hi) / 2;
    previousStep = Math.abs(next - x);
    x = next;
    if (previousStep < tolerance / 2) break;
  }
  return x;
}

/**
 * Annual money-weighted return of dated flows (Excel XIRR convention), or null when none exists.
 * See the module comment for the conventions and the solver.
 */
export function xirr(flows: readonly DatedFlow[], options: XirrOptions = {}): number | null {
  const guess = options.guess ?? 0.1;
  const daysPerYear = options.daysPerYear ?? 365;
  const tolerance = options.tolerance ?? 1e-12;
  const maxIterations = options.maxIterations ?? 200;
  assertFinite(guess, 'guess');
  if (guess <= -1) throw new RangeError(`guess must be > -1, got ${guess}`);
  assertPositive(daysPerYear, 'daysPerYear');
  assertPositive(tolerance, 'tolerance');
  assertPositive(maxIterations, 'maxIterations');

  const timed = toTimedAmounts(flows, daysPerYear);
  const hasInvestment = timed.some((f) => f.amount < 0);
  const hasReturn = timed.some((f) => f.amount > 0);
  if (!hasInvestment || !hasReturn) return null;

  const lastT = timed.reduce((a, f) => Math.max(a, f.t), 0);
  const x0 = Math.min(Math.max(Math.log1p(guess), X_MIN), X_MAX);
  const bracket = findBracket(x0, timed, lastT);
  if (!bracket) return null;
  return Math.expm1(solveInBracket(bracket, timed, lastT, tolerance, maxIterations));
}
