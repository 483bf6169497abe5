import {
  derivePackStatus,
  healthOf,
  NO_PACK_HEALTH,
  sameHealth,
  type PackHealth,
  type PackHealthSource,
  type PackStatus,
} from '../../src/packs/pack-health';

describe('derivePackStatus', () => {
  // Every combination of the three flags, with the status the rule (DESIGN §4) gives it:
  // reconciliation failed → ERROR; superseded → STALE; fresh → FRESH; otherwise WARMING.
  const cases: [boolean, string | null, boolean, PackStatus][] = [
    [false, null, false, 'WARMING'],
    [false, null, true, 'FRESH'],
    [false, 'PP_2026-03-02_r2', false, 'STALE'],
    [false, 'PP_2026-03-02_r2', true, 'STALE'],
    [true, null, false, 'ERROR'],
    [true, null, true, 'ERROR'],
    [true, 'PP_2026-03-02_r2', false, 'ERROR'],
    [true, 'PP_2026-03-02_r2', true, 'ERROR'],
  ];

  it.each(cases)('reconciliationFailed=%p supersededById=%p isFresh=%p → %s', (reconciliationFailed, supersededById, isFresh, status) => {
    expect(derivePackStatus({ reconciliationFailed, supersededById, isFresh })).toBe(status);
  });
});

describe('healthOf', () => {
  const updatedAt = new Date('2026-03-02T21:05:00.000Z');
  const ETA = 15 * 60_000;

  function source(status: PackStatus, overrides: Partial<PackHealthSource> = {}): PackHealthSource {
    return {
      id: 'PP_2026-03-02',
      date: '2026-03-02',
      status,
      isFresh: status === 'FRESH',
      prewarmDone: status === 'FRESH',
      reconciliationPassed: status === 'FRESH',
      updatedAt,
      ...overrides,
    };
  }

  it('estimates a warming pack ready one ETA after its last update', () => {
    const health = healthOf(source('WARMING'), ETA);
    expect(health.estimatedReady).toEqual(new Date('2026-03-02T21:20:00.000Z'));
    expect(healthOf(source('WARMING'), 90_000).estimatedReady).toEqual(new Date('2026-03-02T21:06:30.000Z'));
  });

  it.each(['FRESH', 'ERROR', 'STALE'] as const)('gives a %s pack no estimate', (status) => {
    expect(healthOf(source(status), ETA).estimatedReady).toBeNull();
  });

  it('copies the pack fields into the health', () => {
    const health = healthOf(source('FRESH', { prewarmDone: true, reconciliationPassed: false }), ETA);
    expect(health).toEqual<PackHealth>({
      status: 'FRESH',
      packId: 'PP_2026-03-02',
      asofDate: '2026-03-02',
      isFresh: true,
      prewarmDone: true,
      reconciliationPassed: false,
      updatedAt,
      estimatedReady: null,
    });
  });
});

describe('NO_PACK_HEALTH', () => {
  it('is an ERROR with no pack, no date and nothing ready', () => {
    expect(NO_PACK_HEALTH).toEqual({
      status: 'ERROR',
      packId: null,
      asofDate: null,
      isFresh: false,
      prewarmDone: false,
      reconciliationPassed: false,
      updatedAt: null,
      estimatedReady: null,
    });
  });

  it('cannot be modified by a caller', () => {
    expect(Object.isFrozen(NO_PACK_HEALTH)).toBe(true);
  });
});

describe('sameHealth', () => {
  const base: PackHealth = {
    status: 'WARMING',
    packId: 'PP_2026-03-02',
    asofDate: '2026-03-02',
    isFresh: false,
    prewarmDone: false,
    reconciliationPassed: false,
    updatedAt: new Date('2026-03-02T21:05:00.000Z'),
    estimatedReady: new Date('2026-03-02T21:20:00.000Z'),
  };

  it('compares timestamps by value, not identity', () => {
    expect(sameHealth(base, { ...base, updatedAt: new Date(base.updatedAt!.getTime()) })).toBe(true);
  });

  it.each<[string, Partial<PackHealth>]>([
    ['status', { status: 'FRESH' }],
    ['packId', { packId: 'PP_2026-03-02_r2' }],
    ['asofDate', { asofDate: '2026-03-03' }],
    ['isFresh', { isFresh: true }],
    ['prewarmDone', { prewarmDone: true }],
    ['reconciliationPassed', { reconciliationPassed: true }],
    ['updatedAt', { updatedAt: new Date('2026-03-02T21:05:00.001Z') }],
    ['updatedAt (to null)', { updatedAt: null }],
  ])('tells apart healths that differ in %s', (_field, change) => {
    expect(sameHealth(base, { ...base, ...change })).toBe(false);
    expect(sameHealth({ ...base, ...change }, base)).toBe(false);
  });

  it('treats two no-pack healths as the same', () => {
    expect(sameHealth(NO_PACK_HEALTH, { ...NO_PACK_HEALTH })).toBe(true);
  });
});
