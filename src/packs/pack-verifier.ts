import type { FxRateRecord, PackPriceRecord, PricingPackRecord } from '../data/packs/pack-repository';
import { AppError } from '../shared/errors';
import { computePackHash } from './pack-hash';

/** What a pack's hash is checked against: its stored prices and FX rates. */
export interface StoredPackRows {
  prices(packId: string): Promise<PackPriceRecord[]>;
  fxRates(packId: string): Promise<FxRateRecord[]>;
}

/** The pack's hash as its stored rows give it (the same function that hashed it at publication). */
export async function storedPackHash(rows: StoredPackRows, pack: Pick<PricingPackRecord, 'id' | 'date' | 'policy'>): Promise<string> {
  const [prices, fxRates] = await Promise.all([rows.prices(pack.id), rows.fxRates(pack.id)]);
  return computePackHash({ date: pack.date, policy: pack.policy, prices, fxRates });
}

/** Refuses a pack whose stored rows no longer give its recorded hash: the content results would be computed on is not the pack's. */
export async function assertPackIntact(rows: StoredPackRows, pack: PricingPackRecord): Promise<void> {
  const stored = await storedPackHash(rows, pack);
  if (stored === pack.hash) return;
  throw new AppError(
    'PRICING_PACK_HASH_MISMATCH',
    `Pricing pack ${pack.id}'s stored prices and FX rates do not give its hash ${pack.hash}; publish a new pack`,
    { packId: pack.id, hash: pack.hash, storedHash: stored },
  );
}

/**
 * Checks a pack's rows against its hash before a run uses it, once per pack per process. Only
 * packs that left WARMING are checked, and their verdict kept: the database refuses every write of
 * their rows (the pack_gate_and_frozen_packs triggers), so what was intact once stays intact, and
 * a run pays a read of the pack's rows only the first time this process meets the pack. A warming
 * pack (a run with requireFresh: false) may still change and is hashed again when marked fresh.
 */
export class PackVerifier {
  // Packs found intact (a mismatch is not kept: it is refused each time, and reported each time).
  private readonly intact = new Set<string>();
  // One check at a time per pack: concurrent first runs share it.
  private readonly checking = new Map<string, Promise<void>>();

  constructor(private readonly rows: StoredPackRows) {}

  async verify(pack: PricingPackRecord): Promise<void> {
    if (pack.status === 'WARMING' || this.intact.has(pack.id)) return;
    let check = this.checking.get(pack.id);
    if (!check) {
      check = assertPackIntact(this.rows, pack)
        .then(() => void this.intact.add(pack.id))
        .finally(() => this.checking.delete(pack.id));
      this.checking.set(pack.id, check);
    }
    await check;
  }
}
