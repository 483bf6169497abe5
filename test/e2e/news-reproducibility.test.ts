// Reproducibility of news through the API: a headline written after a run — even one backdated to
// before the run's as-of day, as a late feed or a backfill writes it — is not in a rerun on the same
// pack and ledger commit; runs on a later ledger commit read it. News items are never rewritten.
import { AppendLedgerEntriesDocument, ExecutePatternDocument } from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

interface Headline {
  symbol: string;
  headline: string;
  publishedAt: string;
}

describe('portfolio_news reads the news written by its cut-off', () => {
  let t: TestServer;
  beforeAll(async () => {
    t = await startTestServer();
  });
  afterAll(async () => {
    await t?.close();
  });

  const run = async (ledgerCommit?: string) => {
    const response = await t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_news', inputs: { portfolioId: 'pf-demo-growth' }, ledgerCommit } },
      { as: 'demo-analyst' },
    );
    expect(response.errors).toBeUndefined();
    return response.data!.executePattern!;
  };
  const headlinesOf = (execution: { result: unknown }) => (execution.result as { headlines: Headline[] }).headlines.map((i) => i.headline);

  it('leaves a backdated headline written later out of a rerun, and gives it to a run on a later commit', async () => {
    const first = await run();
    expect(first.status).toBe('SUCCESS');
    const { symbol } = (first.result as { headlines: Headline[] }).headlines[0];
    // The newest headline of a held symbol on the run's as-of day, had it been there.
    const late = `Late headline about ${symbol}`;
    await t.app.db.sql.query(
      `INSERT INTO news_items (id, symbol, headline, url, published_at, source)
       VALUES ('news-late-1', $1, $2, 'https://newsapi.org/late', ($3::date + interval '1 day' - interval '1 millisecond'), 'NewsAPI')`,
      [symbol, late, first.metadata!.asofDate],
    );

    const rerun = await run();
    expect(headlinesOf(rerun)).not.toContain(late);
    expect(rerun.resultSha256).toBe(first.resultSha256);

    const appended = await t.request(
      AppendLedgerEntriesDocument,
      { portfolioId: 'pf-demo-growth', entries: [{ kind: 'DEPOSIT', tradeDate: first.metadata!.asofDate!, currency: 'CAD', amount: 1 }] },
      { as: 'demo-analyst' },
    );
    expect(appended.errors).toBeUndefined();
    const later = await run();
    expect(headlinesOf(later)).toContain(late);

    const pinned = await run(first.metadata!.ledgerCommitHash!);
    expect(pinned.resultSha256).toBe(first.resultSha256);
  });

  it('never rewrites a news item, for the owner either', async () => {
    for (const statement of [`UPDATE news_items SET headline = 'rewritten'`, `DELETE FROM news_items`, `TRUNCATE news_items`]) {
      await expect(t.database.owner.query(statement)).rejects.toMatchObject({ code: '42501' });
    }
  });
});
