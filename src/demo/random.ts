/**
 * A tiny seeded PRNG for the demo dataset. Math.random cannot be seeded, and the demo data must
 * be byte-identical on every start (pack and commit hashes are derived from it).
 */
export interface Random {
  /** Uniform in [0, 1). */
  next(): number;
  /** Uniform in [min, max). */
  between(min: number, max: number): number;
  /** Integer uniform in [min, max]. */
  int(min: number, max: number): number;
  /** Standard normal N(0, 1). */
  normal(): number;
}

/** mulberry32: 32-bit state, good enough statistically for synthetic prices, trivially portable. */
function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** FNV-1a, so streams can be named by a string ("prices", "news") instead of magic numbers. */
export function seedFromString(text: string): number {
  let hash = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** A generator whose whole sequence follows from the seed; a string seed names a stream (see seedFromString). */
export function createRandom(seed: number | string): Random {
  const uniform = mulberry32(typeof seed === 'string' ? seedFromString(seed) : seed);
  // Box–Muller yields normals in pairs; keeping the spare halves the cost and keeps the
  // sequence a pure function of the seed.
  let spare: number | null = null;

  const normal = (): number => {
    if (spare !== null) {
      const value = spare;
      spare = null;
      return value;
    }
    // 1 - u keeps the log argument in (0, 1], so log never sees zero.
    const radius = Math.sqrt(-2 * Math.log(1 - uniform()));
    const angle = 2 * Math.PI * uniform();
    spare = radius * Math.sin(angle);
    return radius * Math.cos(angle);
  };

  return {
    next: uniform,
    between: (min, max) => min + (max - min) * uniform(),
    int: (min, max) => min + Math.floor(uniform() * (max - min + 1)),
    normal,
  };
}
