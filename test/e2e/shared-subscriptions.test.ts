import { CreatePricingPackDocument, PackHealthChangedDocument, type PackHealthFieldsFragment } from '../generated/operations';
import { samplePack } from '../support/packs';
import { SubscriptionProbe } from '../support/subscription-probe';
import { startTestServer, type TestServer } from '../support/test-server';

type Health = PackHealthFieldsFragment;

/** Fan-out: one execution per distinct operation and audience, whatever the number of subscribers. */
describe('packHealthChanged shared between subscribers', () => {
  let t: TestServer;
  const probes: SubscriptionProbe<Health>[] = [];
  const streams = () => t.app.services.packHealth.state.subscribers;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    probes.forEach((p) => p.close());
    await t.close();
  });

  function subscribe(variables: { packId?: string }, as?: string): SubscriptionProbe<Health> {
    const probe = new SubscriptionProbe<Health>(t.wsClient({ as }), PackHealthChangedDocument, variables);
    probes.push(probe);
    return probe;
  }

  async function until(condition: () => boolean): Promise<void> {
    for (let i = 0; i < 200 && !condition(); i++) await new Promise((r) => setTimeout(r, 10));
    expect(condition()).toBe(true);
  }

  it('runs one stream for many subscribers of one operation, gives late joiners the current state, and delivers each change to all', async () => {
    const early = [subscribe({}), subscribe({}), subscribe({})];
    const first = await Promise.all(early.map((p) => p.next()));
    expect(new Set(first.map((h) => h.packId))).toEqual(new Set(['PP_2026-11-20']));
    expect(streams()).toBe(1);

    const late = subscribe({});
    expect(await late.next()).toEqual(first[0]);
    expect(streams()).toBe(1);

    // Other variables or another audience are other groups.
    const pinned = subscribe({ packId: 'PP_2026-11-19' });
    expect(await pinned.next()).toMatchObject({ packId: 'PP_2026-11-19' });
    const signedIn = subscribe({}, 'demo-viewer');
    await signedIn.next();
    expect(streams()).toBe(3);

    const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-25') }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    for (const probe of [...early, late, signedIn])
      expect(await probe.next()).toMatchObject({ status: 'WARMING', packId: 'PP_2026-11-25' });

    // The group's execution ends with its last subscriber.
    probes.splice(0).forEach((p) => p.close());
    await until(() => streams() === 0);
  });
});
