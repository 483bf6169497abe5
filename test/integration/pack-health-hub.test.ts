import type { Database, ListenerHandlers, NotificationListener } from '../../src/db/database';
import { PackHealthHub } from '../../src/events/pack-health-hub';
import { PackBuilder } from '../../src/packs/pack-builder';
import { upsertSecurities } from '../../src/securities/upsert-securities';
import type { PackHealth } from '../../src/packs/pack-health';
import { openTestDatabase, type TestDatabase } from '../support/test-database';

const ETA_MS = 15 * 60_000;
const pack = (date: string) => ({
  date,
  policy: 'WM4PM_CAD',
  prices: [{ symbol: 'RY.TO', close: 170, currency: 'CAD', source: 'FMP' }],
  fxRates: [],
});

/**
 * The real database's LISTEN, behind a switch: while "down", notifications are lost (as they
 * are while a real connection is being re-established), and coming back up reconnects.
 */
function flakyListen(db: Database) {
  let handlers: ListenerHandlers | undefined;
  let up = true;
  const listen = async (channel: string, h: ListenerHandlers): Promise<NotificationListener> => {
    handlers = h;
    return db.listen(channel, {
      onNotification: (payload) => up && h.onNotification(payload),
      onConnected: () => h.onConnected(),
      onDisconnected: (e) => h.onDisconnected(e),
    });
  };
  return {
    listen,
    drop() {
      up = false;
      handlers!.onDisconnected(new Error('connection lost'));
    },
    reconnect() {
      up = true;
      handlers!.onConnected();
    },
  };
}

/** The real database's LISTEN with every notification held back by `delayMs` (a slow network). */
function slowListen(db: Database, delayMs: number) {
  return (channel: string, h: ListenerHandlers): Promise<NotificationListener> =>
    db.listen(channel, { ...h, onNotification: (payload) => void setTimeout(() => h.onNotification(payload), delayMs) });
}

async function nextValue(iterator: AsyncIterator<PackHealth>, timeoutMs = 5_000): Promise<PackHealth> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no event in time')), timeoutMs);
  });
  try {
    const result = await Promise.race([iterator.next(), timeout]);
    return result.value as PackHealth;
  } finally {
    clearTimeout(timer);
  }
}

describe('PackHealthHub', () => {
  let testDb: TestDatabase;
  let builder: PackBuilder;

  beforeAll(async () => {
    testDb = await openTestDatabase();
    builder = new PackBuilder(testDb.data);
    // A pack prices registered securities only: the pack builder registers what it prices first.
    await upsertSecurities(testDb.data, { userId: 'pack-builder', tenantId: 'demo', traceId: 'setup', requestId: 'setup' }, [
      { symbol: 'RY.TO', name: 'Royal Bank of Canada', currency: 'CAD', assetClass: 'EQUITY' },
    ]);
  });
  afterAll(async () => {
    await testDb.close();
  });

  it('reports ERROR with no packId when no pack exists at all', async () => {
    const hub = new PackHealthHub(testDb.db, testDb.data.packs, ETA_MS);
    await hub.start();
    try {
      expect(await hub.latest()).toMatchObject({ status: 'ERROR', packId: null, isFresh: false });
    } finally {
      await hub.stop();
    }
  });

  it('re-reads and emits the current health after a reconnect, so changes missed while deaf still arrive', async () => {
    const flaky = flakyListen(testDb.db);
    const hub = new PackHealthHub({ listen: flaky.listen }, testDb.data.packs, ETA_MS);
    await hub.start();
    const latestStream = hub.stream(undefined);
    try {
      await nextValue(latestStream); // the state at subscription time
      const first = await builder.createPricingPack(pack('2026-03-02'));
      expect(await nextValue(latestStream)).toMatchObject({ packId: first.id, status: 'WARMING' });
      const perPackStream = hub.stream(first.id);
      expect(await nextValue(perPackStream)).toMatchObject({ packId: first.id, status: 'WARMING' });

      flaky.drop();
      await builder.markPackFresh(first.id); // its NOTIFY is lost
      const second = await builder.createPricingPack(pack('2026-03-03')); // and so is this one
      // While deaf, the hub does not serve its cached (now stale) value.
      expect(await hub.latest()).toMatchObject({ packId: second.id, status: 'WARMING' });

      flaky.reconnect();
      expect(await nextValue(latestStream)).toMatchObject({ packId: second.id, status: 'WARMING' });
      expect(await nextValue(perPackStream)).toMatchObject({ packId: first.id, status: 'FRESH' });
      await perPackStream.return?.();
    } finally {
      await latestStream.return?.();
      await hub.stop();
    }
  });

  it('keeps the latest health in memory, current with every pack event', async () => {
    const hub = new PackHealthHub(testDb.db, testDb.data.packs, ETA_MS);
    await hub.start();
    const stream = hub.stream(undefined);
    try {
      await nextValue(stream);
      const created = await builder.createPricingPack(pack('2026-04-01'));
      expect(await nextValue(stream)).toMatchObject({ packId: created.id, status: 'WARMING' });
      expect(hub.state).toMatchObject({ listening: true, subscribers: 1 });
      expect(hub.state.lastEventAt).toBeInstanceOf(Date);
      expect(await hub.latest()).toMatchObject({ packId: created.id, status: 'WARMING' });
      const warming = await hub.latest();
      expect(warming.estimatedReady!.getTime() - warming.updatedAt!.getTime()).toBe(ETA_MS);
    } finally {
      await stream.return?.();
      await hub.stop();
    }
    expect(hub.state.subscribers).toBe(0);
  });

  it("serves this process's own pack writes at once, before their NOTIFY arrives", async () => {
    const hub = new PackHealthHub({ listen: slowListen(testDb.db, 2_000) }, testDb.data.packs, ETA_MS);
    await hub.start();
    const ownBuilder = new PackBuilder(testDb.data, () => hub.packWritten());
    try {
      const created = await ownBuilder.createPricingPack(pack('2026-05-04'));
      expect(await hub.latestPack()).toMatchObject({ id: created.id, isFresh: false });
      expect(await hub.latest()).toMatchObject({ packId: created.id, status: 'WARMING' });
      await ownBuilder.markPackFresh(created.id);
      expect(await hub.latestPack()).toMatchObject({ id: created.id, isFresh: true });
      await ownBuilder.markPackError(created.id, 'late break');
      expect(await hub.latestPack()).toMatchObject({ id: created.id, reconciliationFailed: true });
      expect(await hub.latest()).toMatchObject({ packId: created.id, status: 'ERROR' });
      // Another process's write is seen when its NOTIFY arrives: this is the window the hook closes.
      const foreign = await builder.createPricingPack(pack('2026-05-05'));
      expect((await hub.latestPack())?.id).toBe(created.id);
      await new Promise((resolve) => setTimeout(resolve, 2_500));
      expect((await hub.latestPack())?.id).toBe(foreign.id);
    } finally {
      await hub.stop();
    }
  });
});
