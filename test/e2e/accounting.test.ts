import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ExecutePatternDocument } from '../generated/operations';
import { CATALOG_MAX_AGE_MS } from '../../src/orchestrator/pattern-catalog';
import { usingPostgres } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const OVERVIEW = { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } };

async function balance(t: TestServer, tenantId = 'demo'): Promise<number> {
  const [row] = await t.app.db.sql.query<{ b: string }>('SELECT credit_balance::text AS b FROM tenants WHERE id = $1', [tenantId]);
  return Number(row.b);
}

async function setBalance(t: TestServer, amount: number, tenantId = 'demo'): Promise<void> {
  await t.app.db.sql.query('UPDATE tenants SET credit_balance = $2 WHERE id = $1', [tenantId, amount]);
}

async function transactions(t: TestServer, tenantId = 'demo') {
  return t.app.db.sql.query<{ kind: string; amount: string; balance_after: string; execution_id: string | null }>(
    'SELECT kind, amount::text, balance_after::text, execution_id FROM credit_transactions WHERE tenant_id = $1 ORDER BY id',
    [tenantId],
  );
}

async function auditActions(t: TestServer, since: number): Promise<string[]> {
  const rows = await t.app.db.sql.query<{ action: string; result: string }>(
    'SELECT action, result FROM audit_log WHERE id > $1 ORDER BY id',
    [since],
  );
  return rows.map((r) => `${r.action}:${r.result}`);
}

async function lastAuditId(t: TestServer): Promise<number> {
  return Number((await t.app.db.sql.query<{ id: string | null }>('SELECT max(id)::text AS id FROM audit_log'))[0].id ?? 0);
}

describe('run accounting', () => {
  let t: TestServer;
  let second: TestServer | undefined;

  beforeAll(async () => {
    t = await startTestServer();
    // Two instances on one PostgreSQL: the balance must stay exact across both.
    if (usingPostgres) second = await startTestServer({ database: t.database });
  });
  afterAll(async () => {
    await second?.close();
    await t.close();
  });

  const run = (input: Record<string, unknown>, as = 'demo-analyst', server = t) =>
    server.request(ExecutePatternDocument, { input: { ...OVERVIEW, ...input } as never }, { as });

  it('50 concurrent runs with credits for 20: exactly 20 succeed, 30 are INSUFFICIENT_CREDITS, the balance ends at 0', async () => {
    await setBalance(t, 20);
    const before = (await transactions(t)).length;
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => run({}, 'demo-analyst', second && i % 2 ? second : t)));
    const ok = results.filter((r) => r.data?.executePattern?.status === 'SUCCESS');
    const other = results.filter(
      (r) => r.data?.executePattern?.status !== 'SUCCESS' && r.errors?.[0].extensions?.code !== 'INSUFFICIENT_CREDITS',
    );
    expect(other.map((r) => JSON.stringify(r.errors ?? r.data?.executePattern?.status))).toEqual([]);
    const refused = results.filter((r) => r.errors?.[0].extensions?.code === 'INSUFFICIENT_CREDITS');
    expect(ok).toHaveLength(20);
    expect(refused).toHaveLength(30);
    expect(refused[0].errors![0].extensions).toMatchObject({ balance: 0, required: 1 });
    expect(await balance(t)).toBe(0);
    const debits = (await transactions(t)).slice(before);
    expect(debits).toHaveLength(20);
    expect(debits.every((d) => d.kind === 'DEBIT' && Number(d.amount) === -1)).toBe(true);
    // balance_after values step down one by one: the transactions add up
    expect(debits.map((d) => Number(d.balance_after)).sort((a, b) => b - a)).toEqual(Array.from({ length: 20 }, (_, i) => 19 - i));
    expect(new Set(debits.map((d) => d.execution_id)).size).toBe(20);
  }, 120_000);

  it('a FAILED run is refunded; SUCCESS is not', async () => {
    await setBalance(t, 10);
    // A weekend has no packs to value: the run fails on its own data (an impossible period would be refused before any charge).
    const failed = await run({ inputs: { portfolioId: 'pf-demo-growth', start: '2026-11-14', end: '2026-11-15' } });
    expect(failed.data?.executePattern?.status).toBe('FAILED');
    expect(await balance(t)).toBe(10);
    const [debit, refund] = (await transactions(t)).slice(-2);
    expect(debit).toMatchObject({
      kind: 'DEBIT',
      amount: '-1.0000',
      balance_after: '9.0000',
      execution_id: failed.data!.executePattern!.id,
    });
    expect(refund).toMatchObject({
      kind: 'REFUND',
      amount: '1.0000',
      balance_after: '10.0000',
      execution_id: failed.data!.executePattern!.id,
    });
    await run({});
    expect(await balance(t)).toBe(9);
  });

  it('aliased runs in one document: a failed alias is null at its path, the runs already debited stay visible', async () => {
    type Run = { id: string; status: string; creditsConsumed: number } | null;
    const document = `mutation Batch($ok: ExecutePatternInput!, $bad: ExecutePatternInput!) {
      first: executePattern(input: $ok) { id status creditsConsumed }
      broken: executePattern(input: $bad) { id status creditsConsumed }
      second: executePattern(input: $ok) { id status creditsConsumed }
      unpaid: executePattern(input: $ok) { id status creditsConsumed }
    }`;
    // Credits for two runs: `broken` fails its input check (nothing debited), `unpaid` finds the balance spent.
    await setBalance(t, 2);
    const before = (await transactions(t)).length;
    const response = await t.request<Record<'first' | 'broken' | 'second' | 'unpaid', Run>, { ok: unknown; bad: unknown }>(
      document,
      { ok: OVERVIEW, bad: { patternId: 'portfolio_overview', inputs: {} } },
      { as: 'demo-analyst' },
    );

    expect(response.status).toBe(200);
    expect(response.data).toEqual({
      first: { id: expect.any(String), status: 'SUCCESS', creditsConsumed: 1 },
      broken: null,
      second: { id: expect.any(String), status: 'SUCCESS', creditsConsumed: 1 },
      unpaid: null,
    });
    expect(response.errors?.map((e) => [e.path, e.extensions?.code])).toEqual([
      [['broken'], 'BAD_USER_INPUT'],
      [['unpaid'], 'INSUFFICIENT_CREDITS'],
    ]);
    const visible = [response.data!.first!.id, response.data!.second!.id];
    expect(new Set(visible).size).toBe(2);

    // What was debited is exactly what the response shows.
    const debits = (await transactions(t)).slice(before);
    expect(debits.map((d) => [d.kind, Number(d.amount), d.execution_id])).toEqual(visible.map((id) => ['DEBIT', -1, id]));
    expect(await balance(t)).toBe(0);
    const stored = await t.app.db.sql.query<{ id: string; status: string }>('SELECT id, status FROM executions WHERE id = ANY($1)', [
      visible,
    ]);
    expect(Object.fromEntries(stored.map((row) => [row.id, row.status]))).toEqual(Object.fromEntries(visible.map((id) => [id, 'SUCCESS'])));
  });

  it('viewer.creditBalance shows the tenant balance; grantCredits (admins, own tenant) adds to it', async () => {
    await setBalance(t, 5);
    const granted = await t.request(
      'mutation { grantCredits(tenantId: "demo", amount: 25.5, reason: "November top-up") { amount kind balanceAfter reason } }',
      {},
      { as: 'demo-admin' },
    );
    expect(granted.data).toEqual({ grantCredits: { amount: 25.5, kind: 'GRANT', balanceAfter: 30.5, reason: 'November top-up' } });
    const viewer = await t.request('{ viewer { creditBalance } }', {}, { as: 'demo-viewer' });
    expect(viewer.data).toEqual({ viewer: { creditBalance: 30.5 } });
    const foreign = await t.request(
      'mutation { grantCredits(tenantId: "other", amount: 1, reason: "x") { amount } }',
      {},
      { as: 'demo-admin' },
    );
    expect(foreign.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const analyst = await t.request(
      'mutation { grantCredits(tenantId: "demo", amount: 1, reason: "x") { amount } }',
      {},
      { as: 'demo-analyst' },
    );
    expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    const bad = await t.request('mutation { grantCredits(tenantId: "demo", amount: -3, reason: "") { amount } }', {}, { as: 'demo-admin' });
    expect(bad.errors?.[0].extensions).toMatchObject({ code: 'BAD_USER_INPUT', path: ['amount', 'reason'] });
    expect(await balance(t)).toBe(30.5);
  });

  describe('idempotency keys', () => {
    it('20 concurrent calls with one key give one execution and one debit', async () => {
      await setBalance(t, 100);
      const before = (await transactions(t)).length;
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => run({ idempotencyKey: 'order-42' }, 'demo-analyst', second && i % 2 ? second : t)),
      );
      const ids = new Set(results.map((r) => r.data?.executePattern?.id));
      expect(results.every((r) => r.errors === undefined)).toBe(true);
      expect(ids.size).toBe(1);
      expect((await transactions(t)).length - before).toBe(1);
      expect(await balance(t)).toBe(99);
      const count = await t.app.db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM executions WHERE idempotency_key = 'order-42'`);
      expect(count[0].n).toBe(1);
    }, 60_000);

    it('the same key with the same request returns the original; with a different one, IDEMPOTENCY_KEY_REUSED', async () => {
      const first = await run({ idempotencyKey: 'order-43' });
      const again = await run({ idempotencyKey: 'order-43' });
      expect(again.data!.executePattern!.id).toBe(first.data!.executePattern!.id);
      expect(again.data!.executePattern!.resultSha256).toBe(first.data!.executePattern!.resultSha256);
      const other = await run({ idempotencyKey: 'order-43', inputs: { portfolioId: 'pf-demo-growth', start: '2026-01-02' } });
      expect(other.errors?.[0].extensions?.code).toBe('IDEMPOTENCY_KEY_REUSED');
      // keys are per tenant: another tenant may use the same key
      await setBalance(t, 5, 'other');
      const otherTenant = await t.request(
        ExecutePatternDocument,
        { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-other-income' }, idempotencyKey: 'order-43' } },
        { as: 'other-analyst' },
      );
      expect(otherTenant.data?.executePattern?.status).toBe('SUCCESS');
    });
  });

  describe('the audit log', () => {
    it('records every mutation and every refusal, with actor, tenant and trace id', async () => {
      await setBalance(t, 50);
      const since = await lastAuditId(t);
      const traceparent = '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01';
      await run({});
      const created = await t.request(
        'mutation { createPricingPack(input: { date: "2026-11-30", policy: "WM4PM_CAD", prices: [{ symbol: "RY.TO", close: 1, currency: "CAD", source: "FMP" }], fxRates: [] }) { id } }',
        {},
        { as: 'pack-builder', headers: { traceparent } },
      );
      const packId = (created.data as { createPricingPack: { id: string } }).createPricingPack.id;
      await run({}); // blocked: the latest pack is warming
      await t.request(`mutation { markPackError(id: "${packId}", message: "bad") { id } }`, {}, { as: 'pack-builder' });
      await t.request('mutation { grantCredits(tenantId: "demo", amount: 1, reason: "audit") { amount } }', {}, { as: 'demo-admin' });
      expect(await auditActions(t, since)).toEqual([
        'execution.start:OK',
        'execution.finish:SUCCESS',
        'pack.create:OK',
        'execution.blocked:BLOCKED',
        'pack.markError:OK',
        'credits.grant:OK',
      ]);
      const [packEntry] = await t.app.db.sql.query<{ actor_id: string; tenant_id: string; trace_id: string; resource: string }>(
        `SELECT actor_id, tenant_id, trace_id, resource FROM audit_log WHERE id > $1 AND action = 'pack.create'`,
        [since],
      );
      expect(packEntry).toEqual({
        actor_id: 'pack-builder',
        tenant_id: 'demo',
        trace_id: '4bf92f3577b34da6a3ce929d0e0e4736',
        resource: `pack:${packId}`,
      });
      // restore a usable latest pack for the tests after this one
      const restated = await t.request<{ createPricingPack: { id: string } }, never>(
        'mutation { createPricingPack(input: { date: "2026-11-30", policy: "WM4PM_CAD", prices: [{ symbol: "RY.TO", close: 1, currency: "CAD", source: "FMP" }], fxRates: [] }) { id } }',
        undefined,
        { as: 'pack-builder' },
      );
      await t.request(`mutation { markPackFresh(id: "${restated.data!.createPricingPack!.id}") { id } }`, {}, { as: 'pack-builder' });
    });

    it('cannot be changed with UPDATE or DELETE, by the application’s role (not granted) nor by the owner (trigger)', async () => {
      // As a role without the grant (production's), PostgreSQL refuses first; as the owner, the trigger does.
      await expect(t.app.db.sql.query(`UPDATE audit_log SET result = 'OK' WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toThrow(
        /append-only|permission denied/,
      );
      await expect(t.app.db.sql.query('DELETE FROM audit_log')).rejects.toThrow(/append-only|permission denied/);
      await expect(t.database.owner.query(`UPDATE audit_log SET result = 'OK' WHERE id = (SELECT max(id) FROM audit_log)`)).rejects.toThrow(
        /append-only/,
      );
      await expect(t.database.owner.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    });
  });

  describe('publishPattern (optimistic locking on the etag)', () => {
    const definition = () => JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'patterns', 'portfolio_news.json'), 'utf8'));

    it('two admins publishing on the same etag: one wins, the other gets PRECONDITION_FAILED with the winner’s etag', async () => {
      await t.app.db.prisma.user.create({ data: { id: 'demo-admin-2', tenantId: 'demo', roles: ['admin'] } });
      const current = await t.request<{ pattern: { etag: string; version: string } }, never>(
        '{ pattern(id: "portfolio_news") { etag version } }',
        undefined,
        { as: 'demo-viewer' },
      );
      const etag = current.data!.pattern.etag;
      const mutation =
        'mutation($input: PublishPatternInput!, $ifMatch: String) { publishPattern(input: $input, ifMatch: $ifMatch) { version etag } }';
      const a = { ...definition(), version: '1.1.0', description: 'Headlines, two per holding.' };
      const b = { ...definition(), version: '1.1.0', description: 'Headlines, five per holding.' };
      const [ra, rb] = await Promise.all([
        t.request(mutation, { input: { definition: a }, ifMatch: etag }, { as: 'demo-admin' }),
        (second ?? t).request(mutation, { input: { definition: b }, ifMatch: etag }, { as: 'demo-admin-2' }),
      ]);
      const winner = [ra, rb].find((r) => r.errors === undefined)!;
      const loser = [ra, rb].find((r) => r.errors !== undefined)!;
      expect(winner).toBeDefined();
      expect(loser.errors?.[0].extensions).toMatchObject({
        code: 'PRECONDITION_FAILED',
        currentEtag: (winner.data as { publishPattern: { etag: string } }).publishPattern.etag,
      });

      // The instance that published reads its own write at once; another instance within the
      // catalogue's staleness bound (CATALOG_MAX_AGE_MS), through the query alone — nothing runs there.
      const publishedOn = winner === ra || !second ? t : second;
      const otherInstance = publishedOn === t ? second : t;
      const versionOn = async (server: TestServer) =>
        (
          await server.request<{ pattern: { version: string } }, never>('{ pattern(id: "portfolio_news") { version } }', undefined, {
            as: 'demo-viewer',
          })
        ).data!.pattern.version;
      expect(await versionOn(publishedOn)).toBe('1.1.0');
      if (otherInstance) {
        const since = Date.now();
        let seen = await versionOn(otherInstance);
        while (seen !== '1.1.0' && Date.now() - since < CATALOG_MAX_AGE_MS + 2_000) {
          await new Promise((resolve) => setTimeout(resolve, 250));
          seen = await versionOn(otherInstance);
        }
        expect(seen).toBe('1.1.0');
      }
      // executions keep pointing at the version they ran; a new run uses the new version
      const ran = await run({ patternId: 'portfolio_news' }, 'demo-analyst', publishedOn);
      expect(ran.data?.executePattern?.metadata?.patternVersion).toBe('1.1.0');
    });

    it('validates the new definition exactly like the files at start, and refuses a stale or missing ifMatch', async () => {
      const mutation =
        'mutation($input: PublishPatternInput!, $ifMatch: String) { publishPattern(input: $input, ifMatch: $ifMatch) { version } }';
      const cyclic = definition();
      cyclic.version = '2.0.0';
      cyclic.steps[0].args.asOf = '{{state.news.asOf}}';
      const bad = await t.request(mutation, { input: { definition: cyclic }, ifMatch: 'whatever' }, { as: 'demo-admin' });
      expect(bad.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(bad.errors?.[0].message).toMatch(/cycle/);
      const stale = await t.request(mutation, { input: { definition: { ...definition(), version: '3.0.0' } } }, { as: 'demo-admin' });
      expect(stale.errors?.[0].extensions?.code).toBe('PRECONDITION_FAILED');
      const analyst = await t.request(mutation, { input: { definition: definition() } }, { as: 'demo-analyst' });
      expect(analyst.errors?.[0].extensions?.code).toBe('FORBIDDEN');
    });
  });
});
