import { ExecutePatternDocument } from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * A caller's own bad input never degrades anyone else (issue: five refunded `start == end` runs
 * opened the shared breaker and every other tenant's runs failed CIRCUIT_OPEN).
 */
describe("one caller's bad runs do not degrade anyone", () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
    await t.app.db.sql.query(`UPDATE tenants SET credit_balance = 1000 WHERE id IN ('demo', 'other')`);
  });
  afterAll(async () => {
    await t.close();
  });

  const risk = (portfolioId: string, inputs: Record<string, unknown>, as: string) =>
    t.request(ExecutePatternDocument, { input: { patternId: 'portfolio_risk', inputs: { portfolioId, ...inputs } } }, { as });
  const count = async (sql: string) => (await t.app.db.sql.query<{ n: number }>(sql))[0].n;
  const balance = async (tenant: string) =>
    Number((await t.app.db.sql.query<{ b: string }>('SELECT credit_balance::text AS b FROM tenants WHERE id = $1', [tenant]))[0].b);

  it('refuses inputs a capability cannot use before anything runs or is charged (BAD_USER_INPUT at the input)', async () => {
    const runsBefore = await count('SELECT count(*)::int AS n FROM executions');
    const before = await balance('demo');
    for (let i = 0; i < 8; i++) {
      const response = await risk('pf-demo-growth', { start: '2026-11-20', end: '2026-11-20' }, 'demo-analyst');
      expect(response.data?.executePattern ?? null).toBeNull();
      expect(response.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['inputs.start'] });
    }
    // An end after the pack's date is the pack's date: a start on that date is just as unusable.
    const afterAsOf = await risk('pf-demo-growth', { start: '2026-11-20', end: '2026-11-25' }, 'demo-analyst');
    expect(afterAsOf.errors![0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['inputs.start'] });
    expect(await count('SELECT count(*)::int AS n FROM executions')).toBe(runsBefore);
    expect(await balance('demo')).toBe(before);
  });

  it('a stream of runs that fail on their own data (refunded) never opens the circuit, for this tenant or another', async () => {
    // A weekend-only period: valid dates, but fewer than two packs to value — the run fails.
    for (let i = 0; i < 8; i++) {
      const response = await risk('pf-demo-growth', { start: '2026-11-14', end: '2026-11-15' }, 'demo-analyst');
      expect(response.data!.executePattern!.status).toBe('FAILED');
      expect(response.data!.executePattern!.errors!.map((e) => e.code)).toEqual(['NOT_ENOUGH_PACKS', 'UPSTREAM_FAILED', 'UPSTREAM_FAILED']);
    }
    expect(t.app.services.runtime.breakerStates()).toEqual({ financial_analyst: 'CLOSED', news_analyst: 'CLOSED' });

    const other = await risk('pf-other-income', {}, 'other-analyst');
    expect(other.errors).toBeUndefined();
    expect(other.data!.executePattern!.status).toBe('SUCCESS');
    const same = await risk('pf-demo-growth', {}, 'demo-analyst');
    expect(same.data!.executePattern!.status).toBe('SUCCESS');
  });
});
