import type { PricingPackRecord } from '../data/packs/pack-repository';
import type { PackHealth, PackStatus } from './pack-health';

/** How many recently changed packs the status page lists. */
export const RECENT_PACKS = 10;

/** One pack's public state, as the status page lists it. */
export interface PackStatusEntry {
  packId: string;
  asofDate: string;
  status: PackStatus;
  /** When the pack was published. */
  publishedAt: Date;
  /** When it last changed (its latest transition). */
  changedAt: Date;
  /** Why reconciliation failed; only for ERROR packs. */
  errorMessage: string | null;
}

/** What the public status page shows: the latest pack's health, its details, and the packs that changed last. */
export interface PackStatusView {
  health: PackHealth;
  /** The latest pack's publication and error details; null when no pack exists. */
  latest: PackStatusEntry | null;
  /** Most recent change first; each pack once, at its latest transition. */
  recent: PackStatusEntry[];
}

/** The reads the board needs; the hub's health (as packHealth answers) and the packs' rows. */
export interface PackStatusSources {
  /** The latest pack's health as packHealth answers it (the events hub keeps it). */
  health: { latest(): Promise<PackHealth> };
  packs: {
    findById(id: string): Promise<PricingPackRecord | null>;
    recentlyChanged(limit: number): Promise<PricingPackRecord[]>;
  };
}

/**
 * The public status page's read model. Health comes from the same hub the packHealth query and
 * subscription use, so the page and the API never disagree. The transitions are the packs
 * ordered by their last change: the audit log records each transition, but it is tenant data
 * (who did what) and misses writes made outside the API, so the page lists pack rows instead —
 * one line per pack, at its latest transition.
 */
export class PackStatusBoard {
  constructor(private readonly sources: PackStatusSources) {}

  async view(limit = RECENT_PACKS): Promise<PackStatusView> {
    const [health, recentRows] = await Promise.all([this.sources.health.latest(), this.sources.packs.recentlyChanged(limit)]);
    const latestRow =
      health.packId === null
        ? null
        : (recentRows.find((row) => row.id === health.packId) ?? (await this.sources.packs.findById(health.packId)));
    return { health, latest: latestRow ? entryOf(latestRow) : null, recent: recentRows.map(entryOf) };
  }
}

function entryOf(row: PricingPackRecord): PackStatusEntry {
  const status = row.status as PackStatus;
  return {
    packId: row.id,
    asofDate: row.date,
    status,
    publishedAt: row.createdAt,
    changedAt: row.updatedAt,
    errorMessage: status === 'ERROR' ? row.errorMessage : null,
  };
}
