import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import {
  CreatePricingPackDocument,
  MarkPackErrorDocument,
  MarkPackFreshDocument,
  PackHealthChangedDocument,
  PricingPackDocument,
  type PackHealthFieldsFragment,
} from '../generated/operations';
import { samplePack } from '../support/packs';
import { SubscriptionProbe } from '../support/subscription-probe';
import { usingPostgres } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const run = promisify(execFile);
const onPostgres = usingPostgres ? describe : describe.skip;

type Health = PackHealthFieldsFragment;

describe('packHealthChanged over graphql-ws', () => {
  let t: TestServer;
  const probes: SubscriptionProbe<Health>[] = [];

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterEach(() => {
    probes.splice(0).forEach((p) => p.close());
  });
  afterAll(async () => {
    await t.close();
  });

  function subscribe(variables: { packId?: string } = {}, as?: string): SubscriptionProbe<Health> {
    const probe = new SubscriptionProbe<Health>(t.wsClient({ as }), PackHealthChangedDocument, variables);
    probes.push(probe);
    return probe;
  }

  it('sends the current health at once, then WARMING when a pack is published and FRESH when it is marked fresh', async () => {
    const probe = subscribe({}, 'demo-viewer');
    const initial = await probe.next();
    expect(initial).toMatchObject({ status: 'FRESH', packId: 'PP_2026-11-20', asofDate: '2026-11-20', estimatedReady: null });

    const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-23') }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    const packId = created.data!.createPricingPack!.id;
    expect(packId).toBe('PP_2026-11-23');

    const warming = await probe.next();
    expect(warming).toMatchObject({ status: 'WARMING', packId, isFresh: false, prewarmDone: false });
    // estimatedReady = updatedAt + PACK_WARMING_ETA (15 minutes by default)
    expect(Date.parse(warming.estimatedReady!) - Date.parse(warming.updatedAt!)).toBe(15 * 60_000);

    const fresh = await t.request(MarkPackFreshDocument, { id: packId }, { as: 'pack-builder' });
    expect(fresh.errors).toBeUndefined();
    expect(await probe.next()).toMatchObject({ status: 'FRESH', packId, isFresh: true, reconciliationPassed: true, estimatedReady: null });
  });

  it('follows one pack when packId is given, and is anonymous-friendly like the packHealth query', async () => {
    const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-24') }, { as: 'pack-builder' });
    const packId = created.data!.createPricingPack!.id;
    const probe = subscribe({ packId });
    expect(await probe.next()).toMatchObject({ status: 'WARMING', packId });

    // A newer pack for another day changes the latest pack, not this one: no event here.
    await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-25') }, { as: 'pack-builder' });
    await t.request(MarkPackErrorDocument, { id: packId, message: 'FX reconciliation off by 42 bps' }, { as: 'pack-builder' });
    expect(await probe.next()).toMatchObject({ status: 'ERROR', packId, isFresh: false });
    expect(probe.events.map((e) => e.packId)).toEqual([packId, packId]);
  });

  it('a restatement of a day supersedes its pack: followers of the old pack see STALE, of the latest the new one', async () => {
    const latest = subscribe();
    await latest.next();
    const old = subscribe({ packId: 'PP_2026-11-19' });
    expect(await old.next()).toMatchObject({ status: 'FRESH' });
    const restated = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-19') }, { as: 'pack-builder' });
    expect(restated.errors).toBeUndefined();
    expect(restated.data?.createPricingPack).toMatchObject({ id: 'PP_2026-11-19_r2', status: 'WARMING' });
    expect(await old.next()).toMatchObject({ status: 'STALE', packId: 'PP_2026-11-19' });
    const pack = await t.request(PricingPackDocument, { id: 'PP_2026-11-19' }, { as: 'demo-viewer' });
    expect(pack.data?.pricingPack?.supersededBy).toEqual({ id: 'PP_2026-11-19_r2', status: 'WARMING' });
  });

  it('refuses a subscription to an unknown pack with NO_PRICING_PACK', async () => {
    const client = t.wsClient();
    const result = await new Promise<unknown>((resolve) => {
      client.subscribe(
        { query: 'subscription { packHealthChanged(packId: "PP_1999-01-01") { status } }' },
        { next: resolve, error: resolve, complete: () => resolve('complete') },
      );
    });
    expect(JSON.stringify(result)).toContain('NO_PRICING_PACK');
  });

  onPostgres('changes made outside this server (PostgreSQL)', () => {
    it('delivers an UPDATE made by psql', async () => {
      const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-26') }, { as: 'pack-builder' });
      const packId = created.data!.createPricingPack!.id;
      const probe = subscribe({ packId });
      await probe.next((h) => h.status === 'WARMING');
      await run('psql', [
        t.database.url!,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `UPDATE pricing_packs SET is_fresh = true WHERE id = '${packId}'`,
      ]);
      expect(await probe.next()).toMatchObject({ status: 'FRESH', packId, isFresh: true });
    });

    it('keeps delivering after the listener connection is killed with pg_terminate_backend', async () => {
      const probe = subscribe();
      await probe.next();
      const killed = await t.app.db.sql.query<{ pid: number }>(
        `SELECT pg_terminate_backend(pid) AS pid FROM pg_stat_activity
          WHERE application_name = 'freshgate-pack-listener' AND datname = current_database()`,
      );
      expect(killed).toHaveLength(1);
      await waitFor(async () => (await fetch(t.server.url.replace('/graphql', '/health/ready'))).status === 200);

      await run('psql', [
        t.database.url!,
        '-v',
        'ON_ERROR_STOP=1',
        '-qc',
        `INSERT INTO pricing_packs (id, date, policy, hash) VALUES ('PP_2026-11-27', '2026-11-27', 'WM4PM_CAD', 'sha256:psql')`,
      ]);
      expect(await probe.next((h) => h.packId === 'PP_2026-11-27')).toMatchObject({ status: 'WARMING' });
    });

    it('reaches subscribers of a second server instance sharing the database', async () => {
      const second = await startTestServer({ database: t.database });
      try {
        const probe = new SubscriptionProbe<Health>(second.wsClient(), PackHealthChangedDocument, {});
        probes.push(probe);
        await probe.next();
        const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-30') }, { as: 'pack-builder' });
        expect(created.errors).toBeUndefined();
        expect(await probe.next((h) => h.packId === 'PP_2026-11-30')).toMatchObject({ status: 'WARMING' });
      } finally {
        probes.forEach((p) => p.close());
        await second.close();
      }
    });
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('condition not met in time');
}
