/** The pack status vocabulary and the health view derived from a pack row. */
export type PackStatus = 'WARMING' | 'FRESH' | 'ERROR' | 'STALE';

/** The standard pricing policy (base currency CAD); its pack ids carry no policy suffix (see packId). */
export const DEFAULT_POLICY = 'WM4PM_CAD';

/** The state of the latest pack as /health/pack and packHealth report it, with when a WARMING pack should be ready. */
export interface PackHealth {
  status: PackStatus;
  packId: string | null;
  asofDate: string | null;
  isFresh: boolean;
  prewarmDone: boolean;
  reconciliationPassed: boolean;
  updatedAt: Date | null;
  estimatedReady: Date | null;
}

/** The fields of a pack that health is computed from; a row and a NOTIFY payload both carry them. */
export interface PackHealthSource {
  id: string;
  date: string;
  status: string;
  isFresh: boolean;
  prewarmDone: boolean;
  reconciliationPassed: boolean;
  updatedAt: Date;
}

/** The status rule of the original executor; the database trigger applies the same one. */
export function derivePackStatus(flags: { reconciliationFailed: boolean; supersededById: string | null; isFresh: boolean }): PackStatus {
  if (flags.reconciliationFailed) return 'ERROR';
  if (flags.supersededById !== null) return 'STALE';
  if (flags.isFresh) return 'FRESH';
  return 'WARMING';
}

/** The health of a pack; a WARMING pack is expected to be ready warmingEtaMs after its last update. */
export function healthOf(pack: PackHealthSource, warmingEtaMs: number): PackHealth {
  const status = pack.status as PackStatus;
  return {
    status,
    packId: pack.id,
    asofDate: pack.date,
    isFresh: pack.isFresh,
    prewarmDone: pack.prewarmDone,
    reconciliationPassed: pack.reconciliationPassed,
    updatedAt: pack.updatedAt,
    estimatedReady: status === 'WARMING' ? new Date(pack.updatedAt.getTime() + warmingEtaMs) : null,
  };
}

/** What a client sees when no pack exists at all: nothing can run. */
export const NO_PACK_HEALTH: PackHealth = Object.freeze({
  status: 'ERROR',
  packId: null,
  asofDate: null,
  isFresh: false,
  prewarmDone: false,
  reconciliationPassed: false,
  updatedAt: null,
  estimatedReady: null,
}) as PackHealth;

/** Two healths are the same state for subscribers (timestamps compared by value). */
export function sameHealth(a: PackHealth, b: PackHealth): boolean {
  return (
    a.status === b.status &&
    a.packId === b.packId &&
    a.asofDate === b.asofDate &&
    a.isFresh === b.isFresh &&
    a.prewarmDone === b.prewarmDone &&
    a.reconciliationPassed === b.reconciliationPassed &&
    a.updatedAt?.getTime() === b.updatedAt?.getTime()
  );
}
