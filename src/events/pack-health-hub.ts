import { EventEmitter } from 'node:events';
import { Repeater, SlidingBuffer } from '@graphql-yoga/subscription';
import type { Database, NotificationListener } from '../db/database';
import type { PackRepository, PricingPackRecord } from '../data/packs/pack-repository';
import { healthOf, NO_PACK_HEALTH, sameHealth, type PackHealth, type PackHealthSource } from '../packs/pack-health';

/** The NOTIFY channel on which the database announces every change of a pack row. */
export const PACK_HEALTH_CHANNEL = 'freshgate_pack_health';

/** The row fields the notify trigger sends (see the rules_and_triggers migration); JSON has no Date. */
type PackNotification = Omit<PackHealthSource, 'updatedAt'> & { updatedAt: string };

/** What the ops endpoints report of the hub: whether it listens, when it last heard of a pack, and how many streams it serves. */
export interface PackHealthHubState {
  listening: boolean;
  lastEventAt: Date | null;
  subscribers: number;
}

const PACK_EVENT = 'pack';
const LATEST_EVENT = 'latest';
const RESYNC_EVENT = 'resync';
// A state stream only owes a slow consumer the newest states: older ones are dropped, so
// memory per subscriber stays bounded however far behind it falls.
const STREAM_BUFFER = 4;

/**
 * One per process. Turns pack NOTIFYs — whoever wrote the row — into health events, keeps the
 * latest pack's health in memory (so /health/pack and packHealth need no query), and serves
 * state streams: current health first, then every change.
 *
 * Correctness over a flaky connection: after every (re)connect the latest health is re-read
 * and every stream re-checks its pack, so nothing a subscriber missed stays missed.
 */
export class PackHealthHub {
  private readonly events = new EventEmitter();
  private listener: NotificationListener | undefined;
  private latestHealth: PackHealth | undefined;
  // The latest health as JSON, made when it changes: /health/pack answers with these bytes.
  private latestJson: string | undefined;
  // The latest pack's row as last read (null: no pack at all); undefined while unknown.
  private latestPackRow: PricingPackRecord | null | undefined;
  private lastEventAt: Date | null = null;
  private subscriberCount = 0;
  // Refreshes run one after another so a slow read can never overwrite a newer one.
  private refreshChain: Promise<void> = Promise.resolve();
  // Counts this process's own pack writes: a read that began before the latest one is not remembered.
  private writes = 0;

  constructor(
    private readonly db: Pick<Database, 'listen'>,
    private readonly packs: PackRepository,
    private readonly warmingEtaMs: number,
  ) {
    this.events.setMaxListeners(0);
  }

  async start(): Promise<void> {
    let firstConnect = true;
    this.listener = await this.db.listen(PACK_HEALTH_CHANNEL, {
      onNotification: (payload) => this.onNotification(payload),
      onConnected: () => {
        const resync = !firstConnect;
        firstConnect = false;
        this.enqueueRefresh(resync);
      },
      onDisconnected: () => {
        // While deaf to events the cached value may go stale: stop serving it.
        this.remember(undefined, undefined);
      },
    });
    await this.refreshChain;
  }

  async stop(): Promise<void> {
    await this.listener?.stop();
    this.listener = undefined;
    this.events.emit('stop');
  }

  get state(): PackHealthHubState {
    return { listening: this.listener?.connected ?? false, lastEventAt: this.lastEventAt, subscribers: this.subscriberCount };
  }

  /** Health of the latest pack: from memory while the listener keeps it current, else read. */
  async latest(): Promise<PackHealth> {
    if (this.latestHealth && this.listener?.connected) return this.latestHealth;
    return this.readLatest();
  }

  /**
   * The latest pack's row, for the freshness gate: from memory while the listener keeps it
   * current, else read. A change announced by the listener drops it until the re-read that
   * follows every change has finished, so it is never older than the health.
   */
  async latestPack(): Promise<PricingPackRecord | null> {
    if (this.latestPackRow !== undefined && this.listener?.connected) return this.latestPackRow;
    return this.packs.findLatest();
  }

  /**
   * This process committed a pack write: until a read that began after it has finished, the
   * latest pack and health are read from the database, never from memory (read-your-writes;
   * the NOTIFY that announces the write to everyone arrives a little later).
   */
  packWritten(): void {
    this.writes++;
    this.remember(undefined, undefined);
    this.enqueueRefresh(false);
  }

  /** latest() as JSON text while it is in memory and current; undefined otherwise. */
  cachedJson(): string | undefined {
    return this.listener?.connected ? this.latestJson : undefined;
  }

  async health(packId: string): Promise<PackHealth | null> {
    const pack = await this.packs.findById(packId);
    return pack ? healthOf(pack, this.warmingEtaMs) : null;
  }

  /** The latest pack's health when packId is undefined; null packs are the caller's to reject first. */
  async current(packId: string | undefined): Promise<PackHealth | null> {
    return packId === undefined ? this.latest() : this.health(packId);
  }

  /**
   * A state stream: the current health at once, then each change. Consecutive equal states
   * are sent once. It listens before reading the current state, so no change falls between.
   */
  stream(packId: string | undefined): AsyncIterableIterator<PackHealth> {
    return new Repeater<PackHealth>(async (push, stop) => {
      let last: PackHealth | undefined;
      const send = (health: PackHealth | null) => {
        if (!health || (last && sameHealth(last, health))) return;
        last = health;
        void push(health);
      };
      // Reads may finish out of order; a generation counter keeps only the newest.
      let generation = 0;
      const reread = () => {
        const mine = ++generation;
        this.current(packId)
          .then((health) => mine === generation && send(health))
          .catch(() => {});
      };
      const onPack = (health: PackHealth) => {
        if (packId !== undefined && health.packId === packId) send(health);
      };
      const onLatest = (health: PackHealth) => {
        if (packId === undefined) send(health);
      };
      const onStop = () => stop();
      this.events.on(PACK_EVENT, onPack);
      this.events.on(LATEST_EVENT, onLatest);
      this.events.on(RESYNC_EVENT, reread);
      this.events.once('stop', onStop);
      this.subscriberCount++;
      reread();
      await stop;
      this.subscriberCount--;
      this.events.off(PACK_EVENT, onPack);
      this.events.off(LATEST_EVENT, onLatest);
      this.events.off(RESYNC_EVENT, reread);
      this.events.off('stop', onStop);
    }, new SlidingBuffer(STREAM_BUFFER));
  }

  private onNotification(payload: string): void {
    this.lastEventAt = new Date();
    let note: PackNotification;
    try {
      note = JSON.parse(payload) as PackNotification;
    } catch {
      return; // not ours; the channel is namespaced but anyone may NOTIFY on it
    }
    if (typeof note.id !== 'string' || typeof note.updatedAt !== 'string') return;
    const health = healthOf({ ...note, date: String(note.date).slice(0, 10), updatedAt: new Date(note.updatedAt) }, this.warmingEtaMs);
    this.events.emit(PACK_EVENT, health);
    // The latest pack changed in place (not superseded): it is still the latest — a newer pack
    // announces itself — so its subscribers get the change now, without waiting for a read.
    const latest = this.latestHealth;
    if (latest && health.packId === latest.packId && health.status !== 'STALE' && !isOlder(health, latest) && !sameHealth(latest, health)) {
      this.remember(health, undefined);
      this.events.emit(LATEST_EVENT, health);
    }
    // Any pack change may change which pack is latest (a new day, a restatement, an error).
    this.enqueueRefresh(false);
  }

  private enqueueRefresh(resync: boolean): void {
    this.refreshChain = this.refreshChain
      .then(async () => {
        const writesBefore = this.writes;
        const pack = await this.packs.findLatest();
        const health = this.healthOfLatest(pack);
        // A read that started before a write of ours, or before the change the listener already
        // applied, must not undo it (the write queued a read of its own).
        const outdated =
          writesBefore !== this.writes ||
          (this.latestHealth !== undefined && health.packId === this.latestHealth.packId && isOlder(health, this.latestHealth));
        const changed = !this.latestHealth || !sameHealth(this.latestHealth, health);
        if (!outdated) {
          this.remember(health, pack);
          if (changed) this.events.emit(LATEST_EVENT, health);
        }
        if (resync) this.events.emit(RESYNC_EVENT);
      })
      .catch(() => {
        this.remember(undefined, undefined);
      });
  }

  private remember(health: PackHealth | undefined, pack: PricingPackRecord | null | undefined): void {
    this.latestHealth = health;
    this.latestJson = health === undefined ? undefined : JSON.stringify(health);
    this.latestPackRow = pack;
  }

  private async readLatest(): Promise<PackHealth> {
    return this.healthOfLatest(await this.packs.findLatest());
  }

  private healthOfLatest(pack: PricingPackRecord | null): PackHealth {
    return pack ? healthOf(pack, this.warmingEtaMs) : NO_PACK_HEALTH;
  }
}

function isOlder(a: PackHealth, b: PackHealth): boolean {
  return a.updatedAt !== null && b.updatedAt !== null && a.updatedAt.getTime() < b.updatedAt.getTime();
}
