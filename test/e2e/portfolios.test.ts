import {
  AppendLedgerEntriesDocument,
  ArchivePortfolioDocument,
  AuditLogDocument,
  CreatePortfolioDocument,
  ExecutePatternDocument,
  PortfolioDocument,
  PortfolioExecutionsDocument,
  PortfolioLedgerDocument,
  PortfolioPositionsDocument,
  PortfoliosDocument,
  UpdatePortfolioDocument,
  type LedgerEntryInput,
} from '../generated/operations';
import { importLedgerCsv } from '../../src/cli/import-ledger';
import { LedgerImportError } from '../../src/cli/ledger-csv';
import { roundResult } from '../../src/execution/result-envelope';
import { appendLedgerEntries } from '../../src/ledger/append-ledger-entries';
import { countingDatabase } from '../support/counting-database';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const DEMO = 'pf-demo-growth';
const OTHER_TENANTS = 'pf-other-income';
const MISSING = 'pf_00000000000000000000000000';
const SERVER_ID = /^pf_[0-9A-HJKMNP-TV-Z]{26}$/;
const HASH = /^sha256:[0-9a-f]{64}$/;

/** A small ledger in CAD and USD that the demo's latest pack can value (both are in it). */
const ENTRIES: LedgerEntryInput[] = [
  { kind: 'DEPOSIT', tradeDate: '2026-06-01', currency: 'CAD', amount: 10_000 },
  { kind: 'DEPOSIT', tradeDate: '2026-06-01', currency: 'USD', amount: 5_000 },
  { kind: 'BUY', tradeDate: '2026-06-02', symbol: 'RY.TO', quantity: 20, price: 150, currency: 'CAD' },
  { kind: 'BUY', tradeDate: '2026-06-02', symbol: 'AAPL', quantity: 10, price: 200, currency: 'USD' },
  { kind: 'BUY', tradeDate: '2026-06-03', symbol: 'RY.TO', quantity: 10, price: 165, currency: 'CAD' },
  { kind: 'SELL', tradeDate: '2026-06-04', symbol: 'RY.TO', quantity: 5, price: 170, currency: 'CAD' },
  { kind: 'FEE', tradeDate: '2026-06-04', currency: 'CAD', amount: 9.99 },
];

type Caller = 'anonymous' | 'demo-viewer' | 'demo-analyst' | 'demo-admin' | 'pack-builder';
const CALLERS: Caller[] = ['anonymous', 'demo-viewer', 'demo-analyst', 'demo-admin', 'pack-builder'];
const READERS: Caller[] = ['demo-viewer', 'demo-analyst', 'demo-admin', 'pack-builder'];
const ANALYSTS: Caller[] = ['demo-analyst', 'demo-admin'];
const ADMINS: Caller[] = ['demo-admin'];

describe('portfolios you create', () => {
  let t: TestServer;

  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t.close();
  });

  const as = (caller: Caller) => (caller === 'anonymous' ? {} : { as: caller });
  const count = async (table: string, where = 'TRUE', params: unknown[] = []) =>
    (await t.database.owner.query<{ n: number }>(`SELECT count(*)::int AS n FROM ${table} WHERE ${where}`, params))[0].n;

  async function create(input: { name: string; baseCurrency: string; description?: string | null }, caller: Caller = 'demo-analyst') {
    const response = await t.request(CreatePortfolioDocument, { input }, as(caller));
    expect(response.errors).toBeUndefined();
    return response.data!.createPortfolio!;
  }

  async function append(portfolioId: string, entries: LedgerEntryInput[], message = 'trades') {
    const response = await t.request(AppendLedgerEntriesDocument, { portfolioId, entries, message }, { as: 'demo-analyst' });
    expect(response.errors).toBeUndefined();
    return response.data!.appendLedgerEntries!;
  }

  function overview(portfolioId: string, ledgerCommit?: string) {
    return t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_overview', inputs: { portfolioId }, ...(ledgerCommit ? { ledgerCommit } : {}) } },
      { as: 'demo-analyst' },
    );
  }

  async function positions(id: string, ledgerCommit?: string | null, caller: Caller = 'demo-viewer') {
    return t.request(PortfolioPositionsDocument, { id, ledgerCommit }, as(caller));
  }

  async function auditOf(portfolioId: string) {
    const response = await t.request(
      AuditLogDocument,
      { filter: { resource: `portfolio:${portfolioId}` }, first: 100 },
      { as: 'demo-admin' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.auditLog.edges.map((e) => e.node).reverse();
  }

  /**
   * Symbol, quantity, average cost and currency of each holding: what positions and an overview
   * both report, the overview's rounded to 8 decimal places like every result (positions are not).
   */
  const holdingFacts = (holdings: readonly { symbol: string; quantity: number; averageCost: number; currency: string }[]) =>
    roundResult(holdings.map(({ symbol, quantity, averageCost, currency }) => ({ symbol, quantity, averageCost, currency })));

  describe('create → append → execute', () => {
    it('creates the portfolio with its root commit, usable by appendLedgerEntries and executePattern at once', async () => {
      const portfolio = await create({
        name: '  Family account  ',
        baseCurrency: 'USD',
        description: 'Long-term holdings\nin two currencies',
      });
      expect(portfolio).toEqual({
        id: expect.stringMatching(SERVER_ID),
        name: 'Family account',
        baseCurrency: 'USD',
        description: 'Long-term holdings\nin two currencies',
        ledgerHead: expect.stringMatching(HASH),
        createdAt: expect.any(String),
        archivedAt: null,
      });

      // The root commit: seq 1, no parent, no entries, and the head.
      const ledger = (await t.request(PortfolioLedgerDocument, { id: portfolio.id }, { as: 'demo-viewer' })).data!.portfolio!.ledger!;
      expect(ledger.edges.map((e) => e.node)).toEqual([
        {
          hash: portfolio.ledgerHead,
          parentHash: null,
          seq: 1,
          message: 'Portfolio created',
          portfolioId: portfolio.id,
          createdAt: expect.any(String),
          entryCount: 0,
          entries: [],
        },
      ]);
      const empty = await positions(portfolio.id);
      expect(empty.data!.portfolio!.positions).toEqual({ ledgerCommitHash: portfolio.ledgerHead, holdings: [], cash: [] });

      const commit = await append(portfolio.id, ENTRIES);
      expect(commit).toEqual(expect.objectContaining({ parentHash: portfolio.ledgerHead, seq: 2, entryCount: ENTRIES.length }));

      const run = await overview(portfolio.id);
      expect(run.errors).toBeUndefined();
      const execution = run.data!.executePattern!;
      expect(execution.status).toBe('SUCCESS');
      expect(execution.metadata!.ledgerCommitHash).toBe(commit.hash);
      const result = execution.result as { baseCurrency: string; positions: never[]; cash: unknown[] };
      expect(result.baseCurrency).toBe('USD');

      // The free read replays the same ledger the same way the agents did.
      const read = (await positions(portfolio.id)).data!.portfolio!.positions!;
      expect(read.ledgerCommitHash).toBe(commit.hash);
      expect(holdingFacts(read.holdings)).toEqual(holdingFacts(result.positions));
      expect(roundResult(read.cash)).toEqual(result.cash);
      expect(holdingFacts(read.holdings)).toEqual([
        { symbol: 'AAPL', quantity: 10, averageCost: 200, currency: 'USD' },
        { symbol: 'RY.TO', quantity: 25, averageCost: (20 * 150 + 10 * 165) / 30, currency: 'CAD' },
      ]);
      expect(read.holdings.map((h) => h.security)).toEqual([
        expect.objectContaining({ symbol: 'AAPL', currency: 'USD', name: expect.any(String), assetClass: expect.any(String) }),
        expect.objectContaining({ symbol: 'RY.TO', currency: 'CAD', name: expect.any(String), assetClass: expect.any(String) }),
      ]);

      // Audited: the creation (with its root commit) and the append.
      const audit = await auditOf(portfolio.id);
      expect(audit.map((a) => [a.action, a.actorId, a.result])).toEqual([
        ['portfolio.create', 'demo-analyst', 'OK'],
        ['ledger.append', 'demo-analyst', 'OK'],
      ]);
      expect(audit[0].changes).toEqual({
        name: 'Family account',
        baseCurrency: 'USD',
        description: 'Long-term holdings\nin two currencies',
        ledgerHead: portfolio.ledgerHead,
      });

      // Listed, newest ids last (the server's ids sort by creation time).
      const listed = (await t.request(PortfoliosDocument, { first: 100 }, { as: 'demo-viewer' })).data!.portfolios.edges.map(
        (e) => e.node.id,
      );
      expect(listed).toContain(portfolio.id);
    });

    it('makes ids that sort in creation order and never accepts one from the client', async () => {
      const first = await create({ name: 'First', baseCurrency: 'CAD' });
      await new Promise((resolve) => setTimeout(resolve, 5));
      const second = await create({ name: 'Second', baseCurrency: 'CAD' });
      expect(first.id < second.id).toBe(true);
      const withId = await t.request(
        'mutation { createPortfolio(input: { id: "pf-mine", name: "Mine", baseCurrency: "CAD" }) { id } }',
        {},
        { as: 'demo-analyst' },
      );
      expect(withId.errors?.[0].extensions?.code).toBe('GRAPHQL_VALIDATION_FAILED');
    });
  });

  describe('validation', () => {
    it('refuses bad input with the path of every problem, and writes nothing', async () => {
      const before = [await count('portfolios'), await count('ledger_commits'), await count('audit_log')];
      const response = await t.request(
        CreatePortfolioDocument,
        { input: { name: '   ', baseCurrency: 'XYZ', description: 'x'.repeat(2001) } },
        { as: 'demo-analyst' },
      );
      expect(response.errors?.[0].extensions).toEqual(
        expect.objectContaining({ code: 'BAD_USER_INPUT', path: ['input.name', 'input.description', 'input.baseCurrency'] }),
      );
      expect(response.data?.createPortfolio).toBeNull();

      const unconvertible = await t.request(
        CreatePortfolioDocument,
        { input: { name: 'Yen', baseCurrency: 'JPY' } },
        { as: 'demo-analyst' },
      );
      expect(unconvertible.errors?.[0].extensions).toEqual(
        expect.objectContaining({ code: 'BAD_USER_INPUT', path: ['input.baseCurrency'] }),
      );
      expect(unconvertible.errors?.[0].message).toMatch(/cannot value JPY \(PP_2026-11-20 converts CAD, USD\)/);

      const long = await t.request(
        CreatePortfolioDocument,
        { input: { name: 'n'.repeat(201), baseCurrency: 'cad' } },
        { as: 'demo-analyst' },
      );
      expect(long.errors?.[0].extensions?.path).toEqual(['input.name', 'input.baseCurrency']);
      const twoLines = await t.request(CreatePortfolioDocument, { input: { name: 'a\nb', baseCurrency: 'CAD' } }, { as: 'demo-analyst' });
      expect(twoLines.errors?.[0].extensions?.path).toEqual(['input.name']);

      expect([await count('portfolios'), await count('ledger_commits'), await count('audit_log')]).toEqual(before);
    });

    it('accepts the longest name and description', async () => {
      const portfolio = await create({ name: 'é'.repeat(200), baseCurrency: 'CAD', description: 'd'.repeat(2000) });
      expect([...portfolio.name!].length).toBe(200);
      expect(portfolio.description).toHaveLength(2000);
    });
  });

  describe('updatePortfolio', () => {
    it('changes what it is given, audits before and after, and leaves the rest', async () => {
      const portfolio = await create({ name: 'Before', baseCurrency: 'CAD', description: 'old' });
      const renamed = await t.request(UpdatePortfolioDocument, { id: portfolio.id, input: { name: ' After ' } }, { as: 'demo-analyst' });
      expect(renamed.data!.updatePortfolio).toEqual({ id: portfolio.id, name: 'After', description: 'old' });
      const cleared = await t.request(UpdatePortfolioDocument, { id: portfolio.id, input: { description: null } }, { as: 'demo-admin' });
      expect(cleared.data!.updatePortfolio).toEqual({ id: portfolio.id, name: 'After', description: null });
      // Nothing changes: nothing is written.
      const same = await t.request(UpdatePortfolioDocument, { id: portfolio.id, input: { name: 'After' } }, { as: 'demo-admin' });
      expect(same.data!.updatePortfolio!.name).toBe('After');

      const audit = await auditOf(portfolio.id);
      expect(audit.map((a) => [a.action, a.actorId, a.changes])).toEqual([
        ['portfolio.create', 'demo-analyst', expect.anything()],
        ['portfolio.update', 'demo-analyst', { name: { from: 'Before', to: 'After' } }],
        ['portfolio.update', 'demo-admin', { description: { from: 'old', to: null } }],
      ]);
    });

    it('refuses a bad change with its path and writes nothing', async () => {
      const portfolio = await create({ name: 'Kept', baseCurrency: 'CAD' });
      const before = await count('audit_log');
      const response = await t.request(
        UpdatePortfolioDocument,
        { id: portfolio.id, input: { name: null, description: 'y'.repeat(2001) } },
        { as: 'demo-analyst' },
      );
      expect(response.errors?.[0].extensions).toEqual(
        expect.objectContaining({ code: 'BAD_USER_INPUT', path: ['input.name', 'input.description'] }),
      );
      expect(await count('audit_log')).toBe(before);
      expect((await t.request(PortfolioDocument, { id: portfolio.id }, { as: 'demo-viewer' })).data!.portfolio!.name).toBe('Kept');
    });
  });

  describe('positions, at the head and at a pinned commit', () => {
    it('equal what portfolio_overview reports for the same commit', async () => {
      const ledger = (await t.request(PortfolioLedgerDocument, { id: DEMO, first: 100 }, { as: 'demo-viewer' })).data!.portfolio!.ledger!;
      const head = ledger.edges[0].node;
      const pinned = ledger.edges[8].node;
      for (const commit of [head, pinned]) {
        const run = await overview(DEMO, commit.hash);
        expect(run.errors).toBeUndefined();
        const result = run.data!.executePattern!.result as { positions: never[]; cash: unknown[] };
        const read = (await positions(DEMO, commit === head ? null : commit.hash)).data!.portfolio!.positions!;
        expect(read.ledgerCommitHash).toBe(commit.hash);
        expect(read.holdings.length).toBeGreaterThan(0);
        expect(holdingFacts(read.holdings)).toEqual(holdingFacts(result.positions));
        expect(roundResult(read.cash)).toEqual(result.cash);
      }
      // The pinned commit is an earlier ledger, not the head's.
      const atPinned = (await positions(DEMO, pinned.hash)).data!.portfolio!.positions!;
      const atHead = (await positions(DEMO)).data!.portfolio!.positions!;
      expect(atPinned.holdings).not.toEqual(atHead.holdings);
    });

    it('answers an unknown commit and another portfolio’s commit alike: NOT_FOUND on ledgerCommit', async () => {
      const foreignHead = (
        await t.database.owner.query<{ ledger_head: string }>('SELECT ledger_head FROM portfolios WHERE id = $1', [OTHER_TENANTS])
      )[0].ledger_head;
      const unknown = 'sha256:' + '0'.repeat(64);
      const foreign = await positions(DEMO, foreignHead);
      const missing = await positions(DEMO, unknown);
      expect(foreign.errors?.[0].extensions).toEqual({
        code: 'NOT_FOUND',
        portfolioId: DEMO,
        ledgerCommit: foreignHead,
        path: ['ledgerCommit'],
      });
      expect(JSON.stringify(foreign).replaceAll(foreignHead, 'H')).toBe(JSON.stringify(missing).replaceAll(unknown, 'H'));
      expect(foreign.data?.portfolio?.positions).toBeNull();
    });
  });

  describe('ledger connection', () => {
    it('pages the chain newest first, each commit with its entries, to the root', async () => {
      const seen: { hash: string; parentHash: string | null; seq: number; entryCount: number; entries: unknown[] }[] = [];
      let after: string | null | undefined;
      for (let page = 0; page < 10; page++) {
        const response = await t.request(PortfolioLedgerDocument, { id: DEMO, first: 4, after }, { as: 'demo-viewer' });
        expect(response.errors).toBeUndefined();
        const ledger = response.data!.portfolio!.ledger!;
        expect(ledger.edges.length).toBeLessThanOrEqual(4);
        seen.push(...ledger.edges.map((e) => e.node));
        if (!ledger.pageInfo.hasNextPage) break;
        after = ledger.pageInfo.endCursor;
      }
      const head = (await t.request(PortfolioDocument, { id: DEMO }, { as: 'demo-viewer' })).data!.portfolio!.ledgerHead;
      expect(seen[0].hash).toBe(head);
      expect(seen.map((c) => c.seq)).toEqual(Array.from({ length: seen.length }, (_, i) => seen.length - i));
      seen.forEach((commit, i) => {
        expect(commit.entries).toHaveLength(commit.entryCount);
        expect(commit.parentHash).toBe(seen[i + 1]?.hash ?? null);
      });
      expect(await count('ledger_commits', 'portfolio_id = $1', [DEMO])).toBe(seen.length);

      const bad = await t.request(PortfolioLedgerDocument, { id: DEMO, after: 'garbage' }, { as: 'demo-viewer' });
      expect(bad.errors?.[0].extensions).toEqual(expect.objectContaining({ code: 'BAD_USER_INPUT', path: ['after'] }));
    });

    it('keeps its pages while commits arrive', async () => {
      const portfolio = await create({ name: 'Paging', baseCurrency: 'CAD' });
      for (let i = 0; i < 3; i++)
        await append(portfolio.id, [{ kind: 'DEPOSIT', tradeDate: '2026-06-01', currency: 'CAD', amount: 100 + i }]);
      const first = (await t.request(PortfolioLedgerDocument, { id: portfolio.id, first: 2 }, { as: 'demo-viewer' })).data!.portfolio!
        .ledger!;
      expect(first.edges.map((e) => e.node.seq)).toEqual([4, 3]);
      await append(portfolio.id, [{ kind: 'DEPOSIT', tradeDate: '2026-06-02', currency: 'CAD', amount: 1 }]);
      const next = (
        await t.request(PortfolioLedgerDocument, { id: portfolio.id, first: 2, after: first.pageInfo.endCursor }, { as: 'demo-viewer' })
      ).data!.portfolio!.ledger!;
      expect(next.edges.map((e) => e.node.seq)).toEqual([2, 1]);
      expect(next.pageInfo.hasNextPage).toBe(false);
      expect(next.edges[0].node.entries).toEqual([
        { ordinal: 0, kind: 'DEPOSIT', tradeDate: '2026-06-01', symbol: null, quantity: null, price: null, currency: 'CAD', amount: 100 },
      ]);
    });
  });

  describe('executions of a portfolio', () => {
    it('lists only that portfolio’s runs, with the executions filter', async () => {
      const portfolio = await create({ name: 'Runs', baseCurrency: 'CAD' });
      await append(portfolio.id, ENTRIES.slice(0, 3));
      const runs = [await overview(portfolio.id), await overview(portfolio.id), await overview(DEMO)].map(
        (r) => r.data!.executePattern!.id,
      );
      const listed = await t.request(PortfolioExecutionsDocument, { id: portfolio.id }, { as: 'demo-viewer' });
      expect(listed.errors).toBeUndefined();
      expect(listed.data!.portfolio!.executions!.edges.map((e) => e.node.id)).toEqual([runs[1], runs[0]]);

      const paged = await t.request(PortfolioExecutionsDocument, { id: portfolio.id, first: 1 }, { as: 'demo-viewer' });
      const second = await t.request(
        PortfolioExecutionsDocument,
        { id: portfolio.id, first: 1, after: paged.data!.portfolio!.executions!.pageInfo.endCursor },
        { as: 'demo-viewer' },
      );
      expect(second.data!.portfolio!.executions!.edges.map((e) => e.node.id)).toEqual([runs[0]]);

      const failed = await t.request(
        PortfolioExecutionsDocument,
        { id: portfolio.id, filter: { status: ['FAILED'] } },
        { as: 'demo-viewer' },
      );
      expect(failed.data!.portfolio!.executions!.edges).toEqual([]);
      const elsewhere = await t.request(
        PortfolioExecutionsDocument,
        { id: portfolio.id, filter: { portfolioId: DEMO } },
        { as: 'demo-viewer' },
      );
      expect(elsewhere.data!.portfolio!.executions!.edges).toEqual([]);
    });
  });

  describe('archivePortfolio', () => {
    it('hides the portfolio, keeps its ledger and runs readable, and refuses appends, runs and changes', async () => {
      const portfolio = await create({ name: 'To archive', baseCurrency: 'CAD' });
      const commit = await append(portfolio.id, ENTRIES.slice(0, 3));
      const run = (await overview(portfolio.id)).data!.executePattern!;

      const archived = await t.request(ArchivePortfolioDocument, { id: portfolio.id }, { as: 'demo-admin' });
      expect(archived.errors).toBeUndefined();
      const { archivedAt } = archived.data!.archivePortfolio!;
      expect(archivedAt).toEqual(expect.any(String));
      expect(archived.data!.archivePortfolio!.ledgerHead).toBe(commit.hash);

      const listed = async (includeArchived?: boolean) =>
        (await t.request(PortfoliosDocument, { first: 100, includeArchived }, { as: 'demo-viewer' })).data!.portfolios.edges.map(
          (e) => e.node.id,
        );
      expect(await listed()).not.toContain(portfolio.id);
      expect(await listed(false)).not.toContain(portfolio.id);
      expect(await listed(true)).toContain(portfolio.id);
      expect(await listed(true)).toContain(DEMO);

      // Still readable: the portfolio, its ledger, its positions, its runs.
      expect((await t.request(PortfolioDocument, { id: portfolio.id }, { as: 'demo-viewer' })).data!.portfolio!.archivedAt).toBe(
        archivedAt,
      );
      const ledger = (await t.request(PortfolioLedgerDocument, { id: portfolio.id }, { as: 'demo-viewer' })).data!.portfolio!.ledger!;
      expect(ledger.edges.map((e) => e.node.hash)[0]).toBe(commit.hash);
      expect((await positions(portfolio.id)).data!.portfolio!.positions!.holdings).toHaveLength(1);
      const runs = (await t.request(PortfolioExecutionsDocument, { id: portfolio.id }, { as: 'demo-viewer' })).data!.portfolio!.executions!;
      expect(runs.edges.map((e) => e.node.id)).toEqual([run.id]);

      // Refused, and nothing written or debited.
      const before = [
        await count('ledger_commits'),
        await count('executions'),
        await count('credit_transactions'),
        await count('audit_log'),
      ];
      const refusedAppend = await t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: portfolio.id, entries: [{ kind: 'DEPOSIT', tradeDate: '2026-06-05', currency: 'CAD', amount: 1 }] },
        { as: 'demo-analyst' },
      );
      expect(refusedAppend.errors?.[0].extensions).toEqual({ code: 'PORTFOLIO_ARCHIVED', portfolioId: portfolio.id });
      const refusedRun = await overview(portfolio.id);
      expect(refusedRun.errors?.[0].extensions).toEqual({ code: 'PORTFOLIO_ARCHIVED', portfolioId: portfolio.id });
      const refusedUpdate = await t.request(UpdatePortfolioDocument, { id: portfolio.id, input: { name: 'New' } }, { as: 'demo-analyst' });
      expect(refusedUpdate.errors?.[0].extensions?.code).toBe('PORTFOLIO_ARCHIVED');
      await expect(
        importLedgerCsv(t.database.data, {
          portfolioId: portfolio.id,
          csv: 'kind,tradeDate,symbol,quantity,price,currency,amount\nDEPOSIT,2026-06-05,,,,CAD,1\n',
        }),
      ).rejects.toThrow(/is archived/);
      await expect(
        importLedgerCsv(t.database.data, {
          portfolioId: portfolio.id,
          csv: 'kind,tradeDate,symbol,quantity,price,currency,amount\nDEPOSIT,2026-06-05,,,,CAD,1\n',
        }),
      ).rejects.toBeInstanceOf(LedgerImportError);

      // Archiving again: the same portfolio and archivedAt, and no second audit entry.
      const again = await t.request(ArchivePortfolioDocument, { id: portfolio.id }, { as: 'demo-admin' });
      expect(again.data!.archivePortfolio!.archivedAt).toBe(archivedAt);
      expect([
        await count('ledger_commits'),
        await count('executions'),
        await count('credit_transactions'),
        await count('audit_log'),
      ]).toEqual(before);

      const audit = await auditOf(portfolio.id);
      expect(audit.map((a) => a.action)).toEqual(['portfolio.create', 'ledger.append', 'portfolio.archive']);
      expect(audit[2]).toEqual(expect.objectContaining({ actorId: 'demo-admin', changes: { archivedAt, ledgerHead: commit.hash } }));
    });

    it('lets no append or run that waits on an archive slip through after it commits', async () => {
      const portfolio = await create({ name: 'Raced', baseCurrency: 'CAD' });
      await append(portfolio.id, ENTRIES.slice(0, 3));
      const before = [await count('ledger_commits'), await count('executions')];

      // The archive holds the portfolio's row while an append and a run arrive, then commits.
      let release!: () => void;
      const held = new Promise<void>((resolve) => (release = resolve));
      let locked!: () => void;
      const isLocked = new Promise<void>((resolve) => (locked = resolve));
      const archiving = t.database.data.transaction(async (tx) => {
        await tx.portfolios.lockForTenant('demo', portfolio.id);
        await tx.portfolios.archive(portfolio.id);
        locked();
        await held;
      });
      await isLocked;
      const racingAppend = t.request(
        AppendLedgerEntriesDocument,
        { portfolioId: portfolio.id, entries: [{ kind: 'DEPOSIT', tradeDate: '2026-06-05', currency: 'CAD', amount: 1 }] },
        { as: 'demo-analyst' },
      );
      const racingRun = overview(portfolio.id);
      await new Promise((resolve) => setTimeout(resolve, 300));
      release();
      await archiving;

      expect((await racingAppend).errors?.[0].extensions?.code).toBe('PORTFOLIO_ARCHIVED');
      expect((await racingRun).errors?.[0].extensions?.code).toBe('PORTFOLIO_ARCHIVED');
      expect([await count('ledger_commits'), await count('executions')]).toEqual(before);
    });

    it('checks the archived flag in the statements that write, whoever calls them', async () => {
      const portfolio = await create({ name: 'Direct', baseCurrency: 'CAD' });
      await t.request(ArchivePortfolioDocument, { id: portfolio.id }, { as: 'demo-admin' });
      const data = t.database.data;
      // The compare-and-swap of the head refuses an archived portfolio even for a writer that skipped the lock.
      expect(await data.ledger.swapHead(portfolio.id, portfolio.ledgerHead!, 'sha256:' + '1'.repeat(64))).toBe(false);
      // So does the start of a run.
      const started = await data.executions.start(
        {
          tenantId: 'demo',
          userId: 'demo-analyst',
          patternId: 'portfolio_overview',
          patternVersion: '1.1.0',
          portfolioId: portfolio.id,
          packId: 'PP_2026-11-20',
          ledgerCommitHash: portfolio.ledgerHead,
          asofDate: '2026-11-20',
          requireFresh: true,
          packFresh: true,
          inputs: { portfolioId: portfolio.id },
          traceId: 'trace',
          requestId: 'request',
          credits: 1,
          idempotencyKey: null,
          requestSha256: null,
          retryOf: null,
          pinnedPack: true,
        },
        { mode: 'SYNC', flush: 'now' },
      );
      expect(started).toEqual({ refused: 'portfolio-or-balance' });
      await expect(
        appendLedgerEntries(data, { tenantId: 'demo', authorId: null, portfolioId: portfolio.id, entries: ENTRIES.slice(0, 1) }),
      ).rejects.toEqual(expect.objectContaining({ code: 'PORTFOLIO_ARCHIVED' }));
    });
  });

  describe('another tenant’s portfolio answers exactly like a missing one', () => {
    const FIELDS = `id name baseCurrency ledgerHead description createdAt archivedAt
      positions { ledgerCommitHash holdings { symbol } cash { currency } }
      ledger(first: 2) { edges { node { hash entries { kind } } } }
      executions(first: 2) { edges { node { id } } }`;

    it('in portfolio(id) and portfolios', async () => {
      const query = `query ($id: ID!) { portfolio(id: $id) { ${FIELDS} } }`;
      const foreign = await t.request(query, { id: DEMO }, { as: 'other-analyst' });
      const missing = await t.request(query, { id: MISSING }, { as: 'other-analyst' });
      expect(foreign).toEqual({ status: 200, data: { portfolio: null } });
      expect(missing).toEqual(foreign);
      const own = await t.request(query, { id: OTHER_TENANTS }, { as: 'other-analyst' });
      expect(own.errors).toBeUndefined();
      const listed = await t.request(PortfoliosDocument, { includeArchived: true }, { as: 'other-analyst' });
      expect(listed.data!.portfolios.edges.map((e) => e.node.id)).toEqual([OTHER_TENANTS]);
    });

    it('in _entities', async () => {
      const query = `query ($r: [_Any!]!) { _entities(representations: $r) { ... on Portfolio { ${FIELDS} } } }`;
      const foreign = await t.request(query, { r: [{ __typename: 'Portfolio', id: DEMO }] }, { as: 'other-analyst' });
      const missing = await t.request(query, { r: [{ __typename: 'Portfolio', id: MISSING }] }, { as: 'other-analyst' });
      expect(foreign).toEqual({ status: 200, data: { _entities: [null] } });
      expect(missing).toEqual(foreign);
      const own = await t.request<{ _entities: { id: string; positions: { holdings: unknown[] } }[] }, unknown>(
        query,
        { r: [{ __typename: 'Portfolio', id: DEMO }] },
        { as: 'demo-viewer' },
      );
      expect(own.errors).toBeUndefined();
      expect(own.data!._entities[0].positions.holdings.length).toBeGreaterThan(0);
    });

    it('resolves a holding’s Security as an entity by symbol (reference data, any tenant)', async () => {
      const query =
        'query ($r: [_Any!]!) { _entities(representations: $r) { ... on Security { symbol name currency assetClass exchange } } }';
      const r = [
        { __typename: 'Security', symbol: 'RY.TO' },
        { __typename: 'Security', symbol: 'NOPE' },
      ];
      const response = await t.request(query, { r }, { as: 'other-analyst' });
      expect(response.errors).toBeUndefined();
      expect(response.data).toEqual({
        _entities: [
          { symbol: 'RY.TO', name: expect.any(String), currency: 'CAD', assetClass: 'EQUITY', exchange: expect.any(String) },
          null,
        ],
      });
    });

    it('in updatePortfolio and archivePortfolio, and nothing changes', async () => {
      const before = await count('audit_log');
      for (const [document, variables] of [
        [UpdatePortfolioDocument, (id: string) => ({ id, input: { name: 'Taken over' } })],
        [ArchivePortfolioDocument, (id: string) => ({ id })],
      ] as const) {
        const other = await t.request(document as never, variables(DEMO) as never, { as: 'other-analyst' });
        const missing = await t.request(document as never, variables(MISSING) as never, { as: 'other-analyst' });
        if (document === ArchivePortfolioDocument) {
          // other-analyst is no admin: the role decides before the tenant is looked at.
          expect(other.errors?.[0].extensions?.code).toBe('FORBIDDEN');
        } else {
          expect(other.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', portfolioId: DEMO });
        }
        expect(JSON.stringify(other).replaceAll(DEMO, 'ID')).toBe(JSON.stringify(missing).replaceAll(MISSING, 'ID'));
      }
      expect(await count('audit_log')).toBe(before);
      expect((await t.request(PortfolioDocument, { id: DEMO }, { as: 'demo-viewer' })).data!.portfolio!.name).toBe('Demo Growth');
    });

    it('in archivePortfolio for another tenant’s admin', async () => {
      await t.app.db.prisma.user.create({ data: { id: 'other-admin', tenantId: 'other', roles: ['admin'] } });
      const other = await t.request(ArchivePortfolioDocument, { id: DEMO }, { as: 'other-admin' });
      const missing = await t.request(ArchivePortfolioDocument, { id: MISSING }, { as: 'other-admin' });
      expect(other.errors?.[0].extensions).toEqual({ code: 'NOT_FOUND', portfolioId: DEMO });
      expect(JSON.stringify(other).replaceAll(DEMO, 'ID')).toBe(JSON.stringify(missing).replaceAll(MISSING, 'ID'));
      expect((await t.request(PortfolioDocument, { id: DEMO }, { as: 'demo-viewer' })).data!.portfolio!.archivedAt).toBeNull();
    });
  });

  describe('every role × every new mutation and field', () => {
    /** Operations that pass the access check and then change nothing (invalid input, unknown ids). */
    const MUTATIONS: Record<string, { allowed: Caller[]; operation: string }> = {
      createPortfolio: { allowed: ANALYSTS, operation: 'mutation { createPortfolio(input: { name: "", baseCurrency: "CAD" }) { id } }' },
      updatePortfolio: { allowed: ANALYSTS, operation: `mutation { updatePortfolio(id: "${MISSING}", input: { name: "x" }) { id } }` },
      archivePortfolio: { allowed: ADMINS, operation: `mutation { archivePortfolio(id: "${MISSING}") { id } }` },
    };
    const FIELDS: Record<string, string> = {
      description: 'description',
      archivedAt: 'archivedAt',
      createdAt: 'createdAt',
      positions:
        'positions { ledgerCommitHash holdings { symbol quantity averageCost currency security { symbol name currency assetClass exchange } } cash { currency amount } }',
      ledger: 'ledger(first: 1) { edges { cursor node { hash entries { kind tradeDate } } } pageInfo { hasNextPage } }',
      executions: 'executions(first: 1) { edges { cursor node { id } } pageInfo { hasNextPage } }',
      includeArchived: '',
    };

    const mutationCases = Object.keys(MUTATIONS).flatMap((field) => CALLERS.map((caller) => [field, caller] as const));
    it.each(mutationCases)('Mutation.%s as %s', async (field, caller) => {
      const { allowed, operation } = MUTATIONS[field];
      const before = await count('audit_log');
      const code = (await t.request(operation, {}, as(caller))).errors?.[0].extensions?.code;
      if (allowed.includes(caller)) expect(['BAD_USER_INPUT', 'NOT_FOUND']).toContain(code);
      else expect(code).toBe(caller === 'anonymous' ? 'UNAUTHENTICATED' : 'FORBIDDEN');
      expect(await count('audit_log')).toBe(before);
    });

    const fieldCases = Object.keys(FIELDS).flatMap((field) => CALLERS.map((caller) => [field, caller] as const));
    it.each(fieldCases)('Portfolio.%s as %s', async (field, caller) => {
      const operation =
        field === 'includeArchived'
          ? '{ portfolios(includeArchived: true) { edges { node { id archivedAt } } } }'
          : `{ portfolio(id: "${DEMO}") { id ${FIELDS[field]} } }`;
      const response = await t.request(operation, {}, as(caller));
      if (READERS.includes(caller)) {
        expect(response.errors).toBeUndefined();
        expect(JSON.stringify(response.data)).toContain(DEMO);
      } else {
        expect(response.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
        expect(JSON.stringify(response.data ?? null)).not.toContain(DEMO);
      }
    });
  });
});

/** A page of commits, each with its entries, costs the same database queries whatever its size. */
describe('the ledger connection is batched', () => {
  let database: TestDatabase;
  let queries: string[];
  let t: TestServer;

  beforeAll(async () => {
    database = await openTestDatabase();
    ({ database, queries } = countingDatabase(database));
    t = await startTestServer({ database });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  /** Resolves once no query has run for 300 ms (the health hub's reads after start-up are over). */
  async function quiet(): Promise<void> {
    for (let seen = -1; seen !== queries.length;) {
      seen = queries.length;
      await new Promise((resolve) => setTimeout(resolve, 300));
    }
  }

  it('costs as many queries for 50 commits with their entries and securities as for one', async () => {
    const created = await t.request(
      CreatePortfolioDocument,
      { input: { name: 'Many commits', baseCurrency: 'CAD' } },
      { as: 'demo-analyst' },
    );
    const id = created.data!.createPortfolio!.id;
    await appendLedgerEntries(database.data, {
      tenantId: 'demo',
      authorId: 'demo-analyst',
      portfolioId: id,
      entries: [{ kind: 'DEPOSIT', tradeDate: '2026-01-02', currency: 'CAD', amount: 1_000_000 }],
    });
    for (let i = 0; i < 60; i++) {
      await appendLedgerEntries(database.data, {
        tenantId: 'demo',
        authorId: 'demo-analyst',
        portfolioId: id,
        entries: [
          { kind: 'BUY', tradeDate: '2026-01-05', symbol: i % 2 ? 'RY.TO' : 'SHOP.TO', quantity: 1 + i, price: 100, currency: 'CAD' },
          { kind: 'FEE', tradeDate: '2026-01-05', currency: 'CAD', amount: 1 },
        ],
      });
    }
    const query = `query ($id: ID!, $first: Int) { portfolio(id: $id) {
      positions { holdings { symbol security { name exchange } } }
      ledger(first: $first) { edges { node { seq entryCount entries { kind symbol quantity } } } }
    } }`;
    const costOf = async (first: number) => {
      await quiet();
      const before = queries.length;
      const response = await t.request<
        { portfolio: { ledger: { edges: { node: { entryCount: number; entries: unknown[] } }[] } } },
        unknown
      >(query, { id, first }, { as: 'demo-admin' });
      expect(response.errors).toBeUndefined();
      const edges = response.data!.portfolio.ledger.edges;
      expect(edges).toHaveLength(first);
      for (const { node } of edges) expect(node.entries).toHaveLength(node.entryCount);
      return queries.slice(before).filter((q) => !q.startsWith('User.'));
    };
    // The replay behind positions is cached per (portfolio, commit) once read, as for the agents: warm it first.
    await costOf(1);
    const one = await costOf(1);
    const fifty = await costOf(50);
    expect(fifty).toEqual(one);
    expect(fifty.length).toBeLessThanOrEqual(6);
  });
});
