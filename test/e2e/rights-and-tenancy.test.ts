import { copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ExecutePatternDocument, ExecutionDocument, ExportExecutionDocument, RightsRegistryDocument } from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

const PORTFOLIO = 'pf-demo-growth';

async function execute(t: TestServer, patternId: string): Promise<string> {
  const response = await t.request(
    ExecutePatternDocument,
    { input: { patternId, inputs: { portfolioId: PORTFOLIO } } },
    { as: 'demo-analyst' },
  );
  expect(response.errors).toBeUndefined();
  return response.data!.executePattern!.id;
}

async function violations(t: TestServer): Promise<
  {
    actor_id: string;
    tenant_id: string;
    resource: string;
    changes: { blockedSources: string[]; format: string };
    trace_id: string;
    result: string;
  }[]
> {
  return t.app.db.sql.query(
    `SELECT actor_id, tenant_id, resource, changes, trace_id, result FROM audit_log WHERE action = 'rights.violation' ORDER BY id`,
  );
}

async function auditCount(t: TestServer): Promise<number> {
  return (await t.app.db.sql.query<{ n: number }>('SELECT count(*)::int AS n FROM audit_log'))[0].n;
}

describe('rights registry, exports and tenant isolation', () => {
  let t: TestServer;
  let overview: string;
  let news: string;

  beforeAll(async () => {
    t = await startTestServer({ config: { wsReauthIntervalMs: 200 } });
    overview = await execute(t, 'portfolio_overview');
    news = await execute(t, 'portfolio_news');
  });
  afterAll(async () => {
    await t.close();
  });

  describe('exportExecution', () => {
    it.each(['JSON', 'CSV', 'TEXT'] as const)(
      'refuses a NewsAPI result as %s: RIGHTS_EXPORT_BLOCKED and one audited violation',
      async (format) => {
        const before = await violations(t);
        const response = await t.request(
          ExportExecutionDocument,
          { id: news, format },
          { as: 'demo-analyst', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
        );
        expect(response.errors?.[0].extensions).toMatchObject({ code: 'RIGHTS_EXPORT_BLOCKED', blockedSources: ['NewsAPI'] });
        expect(response.data).toEqual({ exportExecution: null });
        const after = await violations(t);
        expect(after).toHaveLength(before.length + 1);
        expect(after[after.length - 1]).toMatchObject({
          actor_id: 'demo-analyst',
          tenant_id: 'demo',
          resource: `execution:${news}`,
          result: 'DENIED',
          trace_id: '0af7651916cd43dd8448eb211c80319c',
          changes: expect.objectContaining({ blockedSources: ['NewsAPI'], format }),
        });
      },
    );

    it.each([
      ['JSON', 'application/json', /"watermark":\s*\{/],
      ['CSV', 'text/csv', /^# Watermark: /m],
      ['TEXT', 'text/plain', /Watermark/],
    ] as const)('exports a portfolio_overview result as %s with attributions and a watermark', async (format, contentType, watermark) => {
      const before = (await violations(t)).length;
      const response = await t.request(ExportExecutionDocument, { id: overview, format }, { as: 'demo-analyst' });
      expect(response.errors).toBeUndefined();
      const exported = response.data!.exportExecution!;
      expect(exported.format).toBe(format);
      expect(exported.contentType).toContain(contentType);
      expect(exported.watermarked).toBe(true); // FMP and Polygon prices require one
      expect(exported.attributions.map((a) => a.source)).toEqual(['FMP', 'FRED', 'Internal', 'Polygon']);
      expect(exported.content).toMatch(watermark);
      expect(exported.content).toContain('demo-analyst');
      expect(exported.content).toContain('Market data © Financial Modeling Prep');
      expect(exported.content).toContain('RY.TO');
      expect(await violations(t)).toHaveLength(before); // an allowed export is no violation
    });

    it('refuses viewers (role) without writing anything', async () => {
      const audits = await auditCount(t);
      const response = await t.request(ExportExecutionDocument, { id: news, format: 'JSON' }, { as: 'demo-viewer' });
      expect(response.errors?.[0].extensions?.code).toBe('FORBIDDEN');
      expect(await auditCount(t)).toBe(audits);
    });

    it('an unknown execution is NOT_FOUND; an unknown format is refused before any resolver runs', async () => {
      const audits = await auditCount(t);
      const unknown = await t.request(
        ExportExecutionDocument,
        { id: '00000000-0000-4000-8000-000000000000', format: 'JSON' },
        { as: 'demo-analyst' },
      );
      expect(unknown.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const badFormat = await t.request(ExportExecutionDocument, { id: overview, format: 'DOCX' as never }, { as: 'demo-analyst' });
      expect(badFormat.status).toBe(400);
      expect(badFormat.errors?.[0].extensions?.code).toBe('BAD_USER_INPUT');
      expect(await auditCount(t)).toBe(audits);
    });
  });

  describe("another tenant's objects look exactly like missing ones", () => {
    const missingId = '00000000-0000-4000-8000-000000000000';

    it('execution, export and _entities', async () => {
      const pairs: [string, Record<string, unknown>][] = [
        ['query($id: ID!) { execution(id: $id) { id result } }', {}],
        ['mutation($id: ID!) { exportExecution(id: $id, format: JSON) { content } }', {}],
        [
          'query($id: ID!) { _entities(representations: [{ __typename: "PatternExecution", id: $id }]) { ... on PatternExecution { id result } } }',
          {},
        ],
      ];
      for (const [query] of pairs) {
        const foreign = await t.request(query, { id: overview }, { as: 'other-analyst' });
        const missing = await t.request(query, { id: missingId }, { as: 'other-analyst' });
        expect(JSON.stringify(foreign).replaceAll(overview, 'ID')).toBe(JSON.stringify(missing).replaceAll(missingId, 'ID'));
        expect(JSON.stringify(foreign)).not.toContain('RY.TO');
      }
    });

    it('executionProgress', async () => {
      const outcome = (id: string) =>
        new Promise<string>((resolve) => {
          t.wsClient({ as: 'other-analyst' }).subscribe(
            { query: `subscription { executionProgress(executionId: "${id}") { final } }` },
            { next: (m) => resolve(JSON.stringify(m)), error: (e) => resolve(JSON.stringify(e)), complete: () => resolve('complete') },
          );
        });
      const foreign = await outcome(overview);
      const missing = await outcome(missingId);
      expect(foreign.replaceAll(overview, 'ID')).toBe(missing.replaceAll(missingId, 'ID'));
      expect(foreign).toContain('NOT_FOUND');
    });

    it('executing on, or appending to, their portfolio', async () => {
      const run = await t.request(
        ExecutePatternDocument,
        { input: { patternId: 'portfolio_overview', inputs: { portfolioId: PORTFOLIO } } },
        { as: 'other-analyst' },
      );
      expect(run.errors?.[0].extensions?.code).toBe('NOT_FOUND');
      const append = await t.request(
        'mutation { appendLedgerEntries(portfolioId: "pf-demo-growth", entries: [{ kind: DEPOSIT, tradeDate: "2026-12-01", currency: "CAD", amount: 1 }]) { hash } }',
        {},
        { as: 'other-analyst' },
      );
      expect(append.errors?.[0].extensions?.code).toBe('NOT_FOUND');
    });
  });

  describe('subscriptions lose access when their credential does', () => {
    it('closes the connection with 4403 once the user is removed', async () => {
      await t.app.db.prisma.user.create({ data: { id: 'temp-analyst', tenantId: 'demo', roles: ['analyst'] } });
      const token = await t.token('temp-analyst');
      const closed = new Promise<number>((resolve) => {
        const client = createClient({
          url: t.server.wsUrl,
          webSocketImpl: WebSocket,
          retryAttempts: 0,
          connectionParams: { authorization: `Bearer ${token}` },
          on: { closed: (event) => resolve((event as { code: number }).code) },
        });
        client.subscribe(
          { query: 'subscription { packHealthChanged { status } }' },
          { next: () => {}, error: () => {}, complete: () => {} },
        );
      });
      await new Promise((r) => setTimeout(r, 300));
      // Deleted by the operator (the application only marks a removed user; its role may not delete).
      await t.database.owner.query(`DELETE FROM users WHERE id = 'temp-analyst'`);
      expect(await closed).toBe(4403);
      // and the same token is now refused over HTTP too
      const response = await t.request('{ viewer { userId } }', {}, { token });
      expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    }, 20_000);
  });

  it('rightsRegistry serves the version, SHA-256 and rights in force', async () => {
    const response = await t.request(RightsRegistryDocument, {}, { as: 'demo-viewer' });
    const registry = response.data!.rightsRegistry;
    expect(registry.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(registry.environment).toBe('test');
    const byName = Object.fromEntries(registry.sources.map((s) => [s.name, s]));
    expect(Object.keys(byName).sort()).toEqual(['FMP', 'FRED', 'Internal', 'NewsAPI', 'OpenBB', 'Polygon', 'yfinance']);
    expect(byName.NewsAPI).toMatchObject({ canView: true, canExport: false, attributionRequired: true });
    expect(byName.FMP).toMatchObject({ canExport: true, watermarkRequired: true });
    expect(byName.yfinance).toMatchObject({ canExport: false });
    expect(byName.Internal).toMatchObject({ attributionRequired: false, watermarkRequired: false });
  });
});

describe('the registry file decides, without a code change', () => {
  let t: TestServer;
  let dir: string;
  let file: string;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), 'freshgate-rights-'));
    file = path.join(dir, 'rights-registry.json');
    copyFileSync(path.join(__dirname, '..', '..', 'rights-registry.json'), file);
    t = await startTestServer({ config: { rightsRegistryPath: file } });
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function rewrite(change: (registry: { sources: Record<string, { view: boolean; export: boolean }> }) => void): Promise<void> {
    const before = t.app.services.rights.current().sha256;
    const registry = JSON.parse(readFileSync(file, 'utf8'));
    change(registry);
    writeFileSync(file, JSON.stringify(registry, null, 2));
    const deadline = Date.now() + 10_000;
    while (t.app.services.rights.current().sha256 === before) {
      if (Date.now() > deadline) throw new Error('the registry was not reloaded');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  it('allowing NewsAPI export makes the refused export succeed; forbidding its view hides the result', async () => {
    const news = await execute(t, 'portfolio_news');
    const refused = await t.request(ExportExecutionDocument, { id: news, format: 'JSON' }, { as: 'demo-analyst' });
    expect(refused.errors?.[0].extensions?.code).toBe('RIGHTS_EXPORT_BLOCKED');

    await rewrite((r) => {
      r.sources.NewsAPI.export = true;
    });
    const allowed = await t.request(ExportExecutionDocument, { id: news, format: 'CSV' }, { as: 'demo-analyst' });
    expect(allowed.errors).toBeUndefined();
    expect(allowed.data!.exportExecution!.watermarked).toBe(false); // neither NewsAPI nor Internal requires one
    expect(allowed.data!.exportExecution!.content).toContain('News headlines provided by NewsAPI.org');

    await rewrite((r) => {
      r.sources.NewsAPI.view = false;
    });
    const hidden = await t.request(ExecutionDocument, { id: news }, { as: 'demo-analyst' });
    expect(hidden.errors?.[0]).toMatchObject({
      path: ['execution', 'result'],
      extensions: { code: 'FORBIDDEN', blockedSources: ['NewsAPI'] },
    });
    const rights = await t.request(RightsRegistryDocument, {}, { as: 'demo-viewer' });
    expect(rights.data!.rightsRegistry.sources.find((s) => s.name === 'NewsAPI')).toMatchObject({ canView: false, canExport: true });
  });

  it('keeps the registry in force when the file is broken', async () => {
    const before = t.app.services.rights.current().sha256;
    writeFileSync(file, '{ "version": ');
    await new Promise((r) => setTimeout(r, 500));
    expect(t.app.services.rights.current().sha256).toBe(before);
  });
});
