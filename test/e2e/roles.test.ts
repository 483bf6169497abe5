import { type GraphQLObjectType } from 'graphql';
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { startTestServer, type TestServer } from '../support/test-server';

type Caller = 'anonymous' | 'demo-viewer' | 'demo-analyst' | 'demo-admin' | 'pack-builder';
const CALLERS: Caller[] = ['anonymous', 'demo-viewer', 'demo-analyst', 'demo-admin', 'pack-builder'];
const READERS: Caller[] = ['demo-viewer', 'demo-analyst', 'demo-admin', 'pack-builder'];
const EVERYONE: Caller[] = CALLERS;
const ANALYSTS: Caller[] = ['demo-analyst', 'demo-admin'];
const PACK_WRITERS: Caller[] = ['pack-builder', 'demo-admin'];
const ADMINS: Caller[] = ['demo-admin'];

const NO_EXECUTION = '00000000-0000-4000-8000-000000000000';

/**
 * Every root field, who may call it, and an operation that exercises it without changing
 * anything (arguments that fail after the access check: unknown ids, invalid input).
 */
const TABLE: Record<string, { allowed: Caller[]; operation: string; ws?: boolean }> = {
  'Query.packHealth': { allowed: EVERYONE, operation: '{ packHealth { status } }' },
  'Query.pricingPack': { allowed: READERS, operation: '{ pricingPack(id: "PP_2026-11-20") { id } }' },
  'Query.pricingPacks': { allowed: READERS, operation: '{ pricingPacks(first: 1) { edges { cursor } } }' },
  'Query.portfolios': { allowed: READERS, operation: '{ portfolios { edges { cursor } } }' },
  'Query.portfolio': { allowed: READERS, operation: '{ portfolio(id: "pf-demo-growth") { id } }' },
  'Query.viewer': { allowed: READERS, operation: '{ viewer { userId } }' },
  'Query.patterns': { allowed: READERS, operation: '{ patterns { id } }' },
  'Query.pattern': { allowed: READERS, operation: '{ pattern(id: "portfolio_overview") { id } }' },
  'Query.patternVersion': { allowed: READERS, operation: '{ patternVersion(id: "portfolio_overview@1.1.0") { id } }' },
  'Query.execution': { allowed: READERS, operation: `{ execution(id: "${NO_EXECUTION}") { id } }` },
  'Query.rightsRegistry': { allowed: READERS, operation: '{ rightsRegistry { version } }' },
  'Query._service': { allowed: EVERYONE, operation: '{ _service { sdl } }' },
  'Query._entities': {
    allowed: READERS,
    operation: '{ _entities(representations: [{ __typename: "PricingPack", id: "PP_2026-11-20" }]) { __typename } }',
  },
  'Mutation.createPricingPack': {
    allowed: PACK_WRITERS,
    operation: 'mutation { createPricingPack(input: { date: "2026-12-01", policy: "bad", prices: [], fxRates: [] }) { id } }',
  },
  'Mutation.markPackFresh': { allowed: PACK_WRITERS, operation: 'mutation { markPackFresh(id: "PP_none") { id } }' },
  'Mutation.markPackError': { allowed: PACK_WRITERS, operation: 'mutation { markPackError(id: "PP_none", message: "x") { id } }' },
  'Mutation.executePattern': {
    allowed: ANALYSTS,
    operation: 'mutation { executePattern(input: { patternId: "none", inputs: {} }) { id } }',
  },
  'Mutation.appendLedgerEntries': {
    allowed: ANALYSTS,
    operation:
      'mutation { appendLedgerEntries(portfolioId: "pf-none", entries: [{ kind: DEPOSIT, tradeDate: "2026-12-01", currency: "CAD", amount: 1 }]) { hash } }',
  },
  'Mutation.exportExecution': {
    allowed: ANALYSTS,
    operation: `mutation { exportExecution(id: "${NO_EXECUTION}", format: JSON) { content } }`,
  },
  'Mutation.grantCredits': { allowed: ADMINS, operation: 'mutation { grantCredits(tenantId: "demo", amount: -1, reason: "") { amount } }' },
  'Mutation.publishPattern': { allowed: ADMINS, operation: 'mutation { publishPattern(input: { definition: {} }) { id } }' },
  // Issue 16, portfolios (each also checked field by field in portfolios.test.ts).
  'Mutation.createPortfolio': {
    allowed: ANALYSTS,
    operation: 'mutation { createPortfolio(input: { name: "", baseCurrency: "CAD" }) { id } }',
  },
  'Mutation.updatePortfolio': {
    allowed: ANALYSTS,
    operation: 'mutation { updatePortfolio(id: "pf-none", input: { name: "x" }) { id } }',
  },
  'Mutation.archivePortfolio': { allowed: ADMINS, operation: 'mutation { archivePortfolio(id: "pf-none") { id } }' },
  'Query.executions': { allowed: READERS, operation: '{ executions(first: 1) { edges { cursor } } }' },
  'Query.auditLog': { allowed: ADMINS, operation: '{ auditLog(first: 1) { edges { cursor } } }' },
  // Bring your own data: securities, users (arguments that fail after the access check).
  'Query.securities': { allowed: READERS, operation: '{ securities(first: 1) { edges { cursor } } }' },
  'Query.security': { allowed: READERS, operation: '{ security(symbol: "RY.TO") { symbol } }' },
  'Query.users': { allowed: ADMINS, operation: '{ users(first: 1) { edges { cursor } } }' },
  'Mutation.upsertSecurities': { allowed: PACK_WRITERS, operation: 'mutation { upsertSecurities(input: []) { symbol } }' },
  'Mutation.createUser': { allowed: ADMINS, operation: 'mutation { createUser(input: { userId: "bad id", roles: [] }) { userId } }' },
  'Mutation.setUserRoles': { allowed: ADMINS, operation: 'mutation { setUserRoles(userId: "nobody", roles: ["nope"]) { userId } }' },
  'Mutation.removeUser': { allowed: ADMINS, operation: 'mutation { removeUser(userId: "nobody") { userId } }' },
  'Subscription.packHealthChanged': { allowed: EVERYONE, operation: 'subscription { packHealthChanged { status } }', ws: true },
  'Subscription.executionProgress': {
    allowed: READERS,
    operation: `subscription { executionProgress(executionId: "${NO_EXECUTION}") { final } }`,
    ws: true,
  },
};

const DENIED = ['UNAUTHENTICATED', 'FORBIDDEN'];

describe('every role × every root field', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  it('the table lists every root field of the schema', () => {
    const fields = (['Query', 'Mutation', 'Subscription'] as const).flatMap((root) => {
      const type = t.app.schema.getType(root) as GraphQLObjectType | undefined;
      return type ? Object.keys(type.getFields()).map((f) => `${root}.${f}`) : [];
    });
    expect(Object.keys(TABLE).sort()).toEqual(fields.sort());
  });

  async function codeOf(caller: Caller, entry: (typeof TABLE)[string]): Promise<string | undefined> {
    const token = caller === 'anonymous' ? undefined : await t.token(caller);
    if (!entry.ws) {
      const response = await t.request(entry.operation, {}, { token });
      return response.errors?.[0]?.extensions?.code as string | undefined;
    }
    return new Promise((resolve) => {
      const client = createClient({
        url: t.server.wsUrl,
        webSocketImpl: WebSocket,
        retryAttempts: 0,
        connectionParams: token ? { authorization: `Bearer ${token}` } : {},
      });
      const dispose = client.subscribe(
        { query: entry.operation },
        {
          next: (message) => {
            dispose();
            void client.dispose();
            resolve((message.errors?.[0] as { extensions?: { code?: string } } | undefined)?.extensions?.code);
          },
          error: (error) => {
            void client.dispose();
            resolve((error as { extensions?: { code?: string } }[])[0]?.extensions?.code ?? 'ERROR');
          },
          complete: () => {},
        },
      );
    });
  }

  const cases = Object.entries(TABLE).flatMap(([field, entry]) =>
    CALLERS.map((caller) => [field, caller, entry.allowed.includes(caller)] as const),
  );

  it.each(cases)('%s as %s → allowed: %s', async (field, caller, allowed) => {
    const code = await codeOf(caller, TABLE[field]);
    if (allowed) expect(DENIED).not.toContain(code);
    else expect(code).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
  });
});
