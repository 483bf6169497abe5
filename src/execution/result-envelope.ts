import { canonicalJson, sha256Hex } from '../shared/canonical-json';

/**
 * Results are stored and hashed as canonical JSON (RFC 8785: sorted keys, shortest number
 * form) after rounding every number to RESULT_DECIMALS decimal places, so floating-point
 * noise below that precision cannot change a hash, and the same inputs give the same bytes.
 */
export const RESULT_DECIMALS = 8;
const SCALE = 10 ** RESULT_DECIMALS;

/**
 * Rounds every number of a result to RESULT_DECIMALS places (non-finite ones become null, −0
 * becomes 0) and drops undefined members, so the same result always hashes the same.
 */
export function roundResult(value: unknown): unknown {
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return null;
    // Beyond this, value * SCALE has no fractional digits left (and may overflow): keep it.
    if (Math.abs(value) >= Number.MAX_SAFE_INTEGER / SCALE) return value;
    const rounded = Math.round(value * SCALE) / SCALE;
    return Object.is(rounded, -0) ? 0 : rounded;
  }
  if (Array.isArray(value)) return value.map(roundResult);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) if (item !== undefined) out[key] = roundResult(item);
    return out;
  }
  return value;
}

/** A result as it is stored: the rounded value, its canonical JSON text and the `sha256:` hash of that text. */
export interface ResultEnvelope {
  result: unknown;
  canonical: string;
  sha256: string;
}

/** Rounds a run's output and computes its canonical JSON and hash: the form every stored result takes. */
export function envelope(output: unknown): ResultEnvelope {
  const result = roundResult(output);
  const canonical = canonicalJson(result);
  return { result, canonical, sha256: `sha256:${sha256Hex(canonical)}` };
}

/**
 * What confidenceOf weighs: the run's status, the confidence of each piece of data used, the
 * number of warnings, and whether the pack was fresh.
 */
export interface ConfidenceFactors {
  status: 'SUCCESS' | 'PARTIAL' | 'FAILED';
  /** Confidence of each piece of data used (0..1), from provenance. */
  provenance: number[];
  warnings: number;
  packIsFresh: boolean;
}

// Penalties are multiplicative so several independent doubts compound.
const PARTIAL_PENALTY = 0.7;
const UNFRESH_PACK_PENALTY = 0.8;
const PER_WARNING_PENALTY = 0.95;

/** 1 for a complete result on fresh, complete data; lower for each reason to doubt it. */
export function confidenceOf(factors: ConfidenceFactors): number {
  if (factors.status === 'FAILED') return 0;
  const clamp = (x: number) => (Number.isFinite(x) ? Math.min(1, Math.max(0, x)) : 0);
  let confidence = factors.provenance.length > 0 ? Math.min(...factors.provenance.map(clamp)) : 1;
  if (factors.status === 'PARTIAL') confidence *= PARTIAL_PENALTY;
  if (!factors.packIsFresh) confidence *= UNFRESH_PACK_PENALTY;
  confidence *= PER_WARNING_PENALTY ** factors.warnings;
  return Math.round(Math.min(1, Math.max(0, confidence)) * 1e4) / 1e4;
}
