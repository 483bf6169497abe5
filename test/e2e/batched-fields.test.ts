import { readFileSync } from 'node:fs';
import path from 'node:path';
import { PackBuilder } from '../../src/packs/pack-builder';
import { countingDatabase } from '../support/counting-database';
import { samplePack } from '../support/packs';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

/**
 * List children are loaded per request in one query per kind (DataLoader), so a page of 50
 * parents costs exactly the queries a page of one does.
 */
describe('child fields of a page are batched', () => {
  let database: TestDatabase;
  let queries: string[];
  let t: TestServer;
  let admin: string;

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ database, queries } = countingDatabase(database));
    t = await startTestServer({ database });
    admin = await t.token('demo-admin');
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  /** Resolves once no query has run for 300 ms: the health hub's re-reads after the setup's writes are over. */
  async function quiet(): Promise<void> {
    for (let seen = -1; seen !== queries.length;) {
      seen = queries.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  /** The caller's user is read by authentication once per cache period, whatever the query asks. */
  const withoutAuthentication = (ran: string[]) => ran.filter((q) => !q.startsWith('User.'));

  /** Runs a query as the admin; returns its data and the queries it cost. */
  async function counted<T>(query: string, variables: Record<string, unknown>): Promise<{ data: T; ran: string[] }> {
    await quiet();
    const before = queries.length;
    const response = await t.request<T, Record<string, unknown>>(query, variables, { token: admin });
    expect(response.errors).toBeUndefined();
    return { data: response.data!, ran: queries.slice(before) };
  }

  describe('pricing packs', () => {
    /** Each created pack's prices and FX rates, by id: what every node must show. */
    const created = new Map<string, { prices: string[]; fx: string[] }>();
    /** The first revisions of revised days: superseded, so `supersededBy` has a pack to load. */
    const superseded = new Set<string>();
    const PACKS = `query($first: Int, $after: String) {
      pricingPacks(first: $first, after: $after) { edges { cursor node {
        id
        prices { symbol close currency source }
        fxRates { currency rate source }
        sources { name }
        health { status }
        supersededBy { id prices { symbol close } }
      } } }
    }`;
    type Packs = {
      pricingPacks: {
        edges: {
          cursor: string;
          node: {
            id: string;
            prices: { symbol: string; close: number }[];
            fxRates: { currency: string; rate: number }[];
            sources: { name: string }[];
            supersededBy: { id: string; prices: { symbol: string; close: number }[] } | null;
          };
        }[];
      };
    };

    beforeAll(async () => {
      // 60 packs, each with its own prices; every fifth day revised once, so its first revision is superseded.
      const builder = new PackBuilder(database.data);
      for (let day = 0; day < 48; day++) {
        const date = new Date(Date.UTC(2025, 0, 1 + day)).toISOString().slice(0, 10);
        for (let revision = 0; revision < (day % 5 === 0 ? 2 : 1); revision++) {
          const close = 100 + day + revision / 10;
          const pack = samplePack(date, {
            prices: [
              { symbol: 'RY.TO', close, currency: 'CAD', source: 'FMP' },
              { symbol: 'AAPL', close: close * 2, currency: 'USD', source: 'Polygon' },
            ],
            fxRates: [{ currency: 'USD', rate: 1 + day / 1000, source: 'FRED' }],
          });
          const record = await builder.createPricingPack({ ...pack, prices: pack.prices, fxRates: pack.fxRates! });
          created.set(record.id, { prices: [`AAPL ${close * 2}`, `RY.TO ${close}`], fx: [`USD ${1 + day / 1000}`] });
          if (day % 5 === 0 && revision === 0) superseded.add(record.id);
        }
      }
    });

    it('costs the same queries for 50 packs as for one, each pack with its own children', async () => {
      // Both pages start at a superseded pack of this test (past the demo seed's newer packs), so
      // both ask for every kind of child.
      let after: string | undefined;
      for (let page = 0; ; page++) {
        const { edges } = (
          await counted<Packs>('query($after: String) { pricingPacks(first: 100, after: $after) { edges { cursor node { id } } } }', {
            after,
          })
        ).data.pricingPacks;
        const start = edges.findIndex((e) => superseded.has(e.node.id));
        if (start >= 0) {
          after = start > 0 ? edges[start - 1].cursor : after;
          break;
        }
        expect(edges).toHaveLength(100);
        after = edges[99].cursor;
      }

      const one = await counted<Packs>(PACKS, { first: 1, after });
      const fifty = await counted<Packs>(PACKS, { first: 50, after });
      expect(fifty.data.pricingPacks.edges).toHaveLength(50);
      expect(withoutAuthentication(fifty.ran)).toEqual(withoutAuthentication(one.ran));
      // Four kinds of child (prices, FX, superseding pack, its prices) and the page: a handful, not 50 of each.
      expect(withoutAuthentication(fifty.ran).length).toBeLessThanOrEqual(6);

      let replaced = 0;
      for (const { node } of fifty.data.pricingPacks.edges) {
        const expected = created.get(node.id)!;
        expect(node.prices.map((p) => `${p.symbol} ${p.close}`)).toEqual(expected.prices);
        expect(node.fxRates.map((f) => `${f.currency} ${f.rate}`)).toEqual(expected.fx);
        expect(node.sources.map((s) => s.name)).toEqual(['FMP', 'FRED', 'Polygon']);
        if (node.supersededBy) {
          replaced++;
          expect(node.supersededBy.prices.map((p) => `${p.symbol} ${p.close}`)).toEqual(created.get(node.supersededBy.id)!.prices);
        }
      }
      expect(replaced).toBeGreaterThan(5);
    });
  });

  describe('executions', () => {
    const EXECUTIONS = `query($first: Int) {
      executions(first: $first) { edges { node {
        id status
        pattern { id version }
        patternVersion { id version steps { id } }
        steps { stepId status capability }
        metadata { pricingPackId }
      } } }
    }`;
    type Executions = {
      executions: {
        edges: {
          node: {
            id: string;
            pattern: { id: string; version: string };
            patternVersion: { id: string; version: string; steps: { id: string }[] };
            steps: { stepId: string; status: string }[];
          };
        }[];
      };
    };
    const ran = new Map<string, string>();

    beforeAll(async () => {
      await t.request(
        'mutation { grantCredits(tenantId: "demo", amount: 1000, reason: "batched fields test") { balance } }',
        {},
        { token: admin },
      );
      const run = async (patternId: string) => {
        const response = await t.request<{ executePattern: { id: string } }, Record<string, unknown>>(
          'mutation($input: ExecutePatternInput!) { executePattern(input: $input) { id } }',
          { input: { patternId, inputs: { portfolioId: 'pf-demo-growth' } } },
          { token: admin },
        );
        expect(response.errors).toBeUndefined();
        ran.set(response.data!.executePattern.id, patternId);
      };
      for (let i = 0; i < 26; i++) await run(i % 2 === 0 ? 'portfolio_overview' : 'portfolio_risk');
      // A new version of one pattern: the earlier runs keep the version they ran.
      const definition = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'patterns', 'portfolio_overview.json'), 'utf8'));
      const published = await t.request(
        'mutation($input: PublishPatternInput!, $ifMatch: String) { publishPattern(input: $input, ifMatch: $ifMatch) { version } }',
        {
          input: { definition: { ...definition, version: '1.1.1' } },
          ifMatch: (await t.app.services.patterns.currentVersion('portfolio_overview'))!.sha256,
        },
        { token: admin },
      );
      expect(published.errors).toBeUndefined();
      for (let i = 0; i < 26; i++) await run(i % 2 === 0 ? 'portfolio_overview' : 'portfolio_risk');
    });

    it('costs the same queries for 50 executions as for one, each with its own steps and version', async () => {
      const warm = await counted<Executions>(EXECUTIONS, { first: 50 });
      // Stored versions are compiled once per server: at most one query for the old ones.
      expect(warm.ran.filter((q) => q.startsWith('PatternVersion.')).length).toBeLessThanOrEqual(1);

      const one = await counted<Executions>(EXECUTIONS, { first: 1 });
      const fifty = await counted<Executions>(EXECUTIONS, { first: 50 });
      expect(withoutAuthentication(fifty.ran)).toEqual(withoutAuthentication(one.ran));
      expect(withoutAuthentication(fifty.ran).length).toBeLessThanOrEqual(3);

      const nodes = fifty.data.executions.edges.map((e) => e.node);
      expect(nodes).toHaveLength(50);
      const versions = new Set<string>();
      for (const node of nodes) {
        expect(node.pattern.id).toBe(ran.get(node.id));
        expect(node.patternVersion.id).toBe(`${node.pattern.id}@${node.patternVersion.version}`);
        versions.add(node.patternVersion.id);
        // Every step of the version ran, and only this execution's steps are listed.
        expect(node.steps.map((s) => s.stepId).sort()).toEqual(node.patternVersion.steps.map((s) => s.id.split('#')[1]).sort());
        expect(node.steps.every((s) => s.status === 'SUCCESS')).toBe(true);
      }
      expect(versions).toEqual(new Set(['portfolio_overview@1.1.0', 'portfolio_overview@1.1.1', 'portfolio_risk@1.1.0']));
    });
  });
});
