import {
  AppendLedgerEntriesDocument,
  AuditLogDocument,
  CreatePricingPackDocument,
  SecuritiesDocument,
  SecurityDocument,
  UpsertSecuritiesDocument,
  type SecurityInput,
} from '../generated/operations';
import { countingDatabase } from '../support/counting-database';
import { samplePack } from '../support/packs';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type GraphQLResponse, type TestServer } from '../support/test-server';

const BUILDER = { as: 'pack-builder' };
const TODAY = new Date().toISOString().slice(0, 10);

const security = (symbol: string, overrides: Partial<SecurityInput> = {}): SecurityInput => ({
  symbol,
  name: `${symbol} Corp.`,
  currency: 'USD',
  assetClass: 'EQUITY',
  exchange: 'NYSE',
  ...overrides,
});

/** The BAD_USER_INPUT paths of a refused call (and that nothing but that field was answered). */
function refusedPaths(response: GraphQLResponse<unknown>): string[] {
  expect(response.errors).toHaveLength(1);
  expect(response.errors![0].extensions?.code).toBe('BAD_USER_INPUT');
  return response.errors![0].extensions!.path as string[];
}

describe('securities', () => {
  let database: TestDatabase;
  let queries: string[];
  let t: TestServer;

  beforeAll(async () => {
    ({ database, queries } = countingDatabase(await openTestDatabase()));
    t = await startTestServer({ database });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  const countOf = async (): Promise<number> =>
    Number((await database.owner.query<{ n: string }>('SELECT count(*)::text AS n FROM securities'))[0].n);

  describe('reading', () => {
    it('lists the registered securities by symbol, a page at a time, for any signed-in role', async () => {
      const first = await t.request(SecuritiesDocument, { first: 5 }, { as: 'demo-viewer' });
      expect(first.errors).toBeUndefined();
      const symbols = first.data!.securities.edges.map((e) => e.node.symbol);
      expect(symbols).toEqual([...symbols].sort());
      expect(first.data!.securities.pageInfo.hasNextPage).toBe(true);
      const next = await t.request(
        SecuritiesDocument,
        { first: 5, after: first.data!.securities.pageInfo.endCursor },
        { as: 'pack-builder' },
      );
      expect(next.data!.securities.edges[0].node.symbol > symbols[4]).toBe(true);
    });

    it('filters by symbol prefix, currency and asset class together', async () => {
      const canadianBanks = await t.request(SecuritiesDocument, { filter: { symbolPrefix: 'RY' } }, { as: 'demo-analyst' });
      expect(canadianBanks.data!.securities.edges.map((e) => e.node)).toEqual([
        { symbol: 'RY.TO', name: 'Royal Bank of Canada', currency: 'CAD', assetClass: 'EQUITY', exchange: 'TSX' },
      ]);
      const usdFunds = await t.request(SecuritiesDocument, { filter: { currency: 'USD', assetClass: 'ETF' } }, { as: 'demo-analyst' });
      expect(usdFunds.data!.securities.edges.map((e) => e.node.symbol)).toEqual(['SPY']);
    });

    it('refuses a symbol prefix outside the symbol alphabet (no LIKE pattern reaches the database)', async () => {
      const response = await t.request(SecuritiesDocument, { filter: { symbolPrefix: 'R%' } }, { as: 'demo-viewer' });
      expect(refusedPaths(response)).toEqual(['filter.symbolPrefix']);
    });

    it('answers one security, and null for a symbol that is not registered', async () => {
      const found = await t.request(SecurityDocument, { symbol: 'AAPL' }, { as: 'demo-viewer' });
      expect(found.data!.security).toEqual({
        symbol: 'AAPL',
        name: 'Apple Inc.',
        currency: 'USD',
        assetClass: 'EQUITY',
        exchange: 'NASDAQ',
      });
      expect((await t.request(SecurityDocument, { symbol: 'NOPE.TO' }, { as: 'demo-viewer' })).data!.security).toBeNull();
    });

    it('resolves Security references through _entities in one query, an unknown symbol as null', async () => {
      const before = queries.length;
      const response = await t.request<{ _entities: unknown[] }, { r: unknown }>(
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Security { symbol currency } } }',
        { r: ['RY.TO', 'NOPE', 'AAPL'].map((symbol) => ({ __typename: 'Security', symbol })) },
        { as: 'demo-viewer' },
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!._entities).toEqual([{ symbol: 'RY.TO', currency: 'CAD' }, null, { symbol: 'AAPL', currency: 'USD' }]);
      expect(queries.slice(before).filter((q) => q.startsWith('Security.'))).toEqual(['Security.findMany']);
    });
  });

  describe('upsertSecurities', () => {
    it('registers new securities and updates known ones, in the order given, with one audit entry', async () => {
      const response = await t.request(
        UpsertSecuritiesDocument,
        { input: [security('NEWCO'), { symbol: 'AAPL', name: 'Apple Inc. (renamed)', currency: 'USD', assetClass: 'EQUITY' }] },
        BUILDER,
      );
      expect(response.errors).toBeUndefined();
      expect(response.data!.upsertSecurities).toEqual([
        { symbol: 'NEWCO', name: 'NEWCO Corp.', currency: 'USD', assetClass: 'EQUITY', exchange: 'NYSE' },
        { symbol: 'AAPL', name: 'Apple Inc. (renamed)', currency: 'USD', assetClass: 'EQUITY', exchange: null },
      ]);
      const audit = await t.request(AuditLogDocument, { filter: { action: 'securities.upsert' }, first: 1 }, { as: 'demo-admin' });
      expect(audit.data!.auditLog.edges[0].node).toMatchObject({
        actorId: 'pack-builder',
        changes: { created: ['NEWCO'], updated: ['AAPL'], unchanged: 0 },
        result: 'OK',
      });
    });

    it('refuses every bad item at its path and writes none of the list', async () => {
      const before = await countOf();
      const response = await t.request(
        UpsertSecuritiesDocument,
        {
          input: [
            security('GOOD1'),
            security('bad symbol'),
            security('LOWER', { currency: 'usd' }),
            security('FAKE', { currency: 'ZZZ' }),
            security('CLASS', { assetClass: 'Equity' }),
            security('NAMELESS', { name: '  ' }),
            security('GOOD1'),
            security('RY.TO', { currency: 'USD', name: 'Royal Bank of Canada' }),
          ],
        },
        { as: 'demo-admin' },
      );
      expect(refusedPaths(response)).toEqual([
        'input.1.symbol',
        'input.2.currency',
        'input.3.currency',
        'input.4.assetClass',
        'input.5.name',
        'input.6.symbol',
      ]);
      expect(await countOf()).toBe(before);
      // The currency check reads the registry: once the shape is right, it is what is left.
      const currencyChange = await t.request(UpsertSecuritiesDocument, { input: [security('GOOD2'), security('RY.TO')] }, BUILDER);
      expect(refusedPaths(currencyChange)).toEqual(['input.1.currency']);
      expect(currencyChange.errors![0].message).toContain("RY.TO is registered in CAD; a security's currency cannot change");
      expect(await countOf()).toBe(before);
    });

    it('bounds the list: none, or more than 5,000, is refused', async () => {
      expect(refusedPaths(await t.request(UpsertSecuritiesDocument, { input: [] }, BUILDER))).toEqual(['input']);
      const many = Array.from({ length: 5_001 }, (_, i) => security(`S${i}`));
      expect(refusedPaths(await t.request(UpsertSecuritiesDocument, { input: many }, BUILDER))).toContain('input');
    });
  });

  describe('one vocabulary: packs and ledgers name registered securities only', () => {
    it('refuses a pack pricing an unregistered symbol, or a symbol in another currency, at the price’s path', async () => {
      const pack = samplePack(TODAY, {
        prices: [
          { symbol: 'RY.TO', close: 171.25, currency: 'CAD', source: 'FMP' },
          { symbol: 'UNLISTED', close: 10, currency: 'CAD', source: 'FMP' },
          { symbol: 'AAPL', close: 231.5, currency: 'CAD', source: 'Polygon' },
        ],
      });
      const response = await t.request(CreatePricingPackDocument, { input: pack }, BUILDER);
      expect(refusedPaths(response)).toEqual(['prices.1.symbol', 'prices.2.currency']);
      expect(response.errors![0].message).toContain('unknown symbol UNLISTED');
    });

    it('accepts the pack once the pack builder has registered the symbol', async () => {
      await t.request(UpsertSecuritiesDocument, { input: [security('LISTED.TO', { currency: 'CAD', exchange: 'TSX' })] }, BUILDER);
      const pack = samplePack(TODAY, {
        prices: [...samplePack(TODAY).prices, { symbol: 'LISTED.TO', close: 12.5, currency: 'CAD', source: 'FMP' }],
      });
      const response = await t.request(CreatePricingPackDocument, { input: pack }, BUILDER);
      expect(response.errors).toBeUndefined();
      expect(response.data!.createPricingPack!.status).toBe('WARMING');
    });

    it('refuses ledger entries naming an unregistered symbol at the entry’s path, and accepts a registered one', async () => {
      const entry = (symbol: string) => ({ kind: 'BUY' as const, tradeDate: TODAY, symbol, quantity: 1, price: 10, currency: 'CAD' });
      const refused = await t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: 'pf-demo-growth', entries: [entry('LISTED.TO'), entry('UNLISTED')] },
        { as: 'demo-analyst' },
      );
      expect(refusedPaths(refused)).toEqual(['entries.1.symbol']);
      const accepted = await t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: 'pf-demo-growth', entries: [entry('LISTED.TO')] },
        { as: 'demo-analyst' },
      );
      expect(accepted.errors).toBeUndefined();
    });
  });
});
