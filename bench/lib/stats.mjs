/** Percentile by nearest rank on a sorted copy; NaN for an empty sample. */
export function percentile(values, p) {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank];
}

export const median = (values) => percentile(values, 50);

/**
 * A figure measured over several interleaved rounds: the median of the rounds and their spread
 * (min–max), because one round on a shared machine proves little.
 */
export function summarize(rounds) {
  const finite = rounds.filter((v) => Number.isFinite(v));
  return {
    median: round(median(finite)),
    min: round(Math.min(...finite)),
    max: round(Math.max(...finite)),
    rounds: finite.map(round),
  };
}

export function latencySummary(samplesMs) {
  return {
    count: samplesMs.length,
    p50: round(percentile(samplesMs, 50)),
    p95: round(percentile(samplesMs, 95)),
    p99: round(percentile(samplesMs, 99)),
    max: round(samplesMs.length ? Math.max(...samplesMs) : Number.NaN),
  };
}

export function round(value, digits = 3) {
  if (!Number.isFinite(value)) return null;
  const f = 10 ** digits;
  return Math.round(value * f) / f;
}

export const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? round(a / b, 3) : null);
