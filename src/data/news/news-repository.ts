import type { DataHandle } from '../handle';
import { cutoffSql, type RunCutoff } from '../reference/run-cutoff';

/** A headline about one security, with its link and source. */
export interface NewsRecord {
  id: string;
  symbol: string;
  headline: string;
  url: string;
  publishedAt: Date;
  source: string;
}

/** Headlines about securities (news_items): the same for every tenant. */
export class NewsRepository {
  constructor(private readonly db: DataHandle) {}

  /**
   * Latest headlines per symbol published by the end of the as-of day, newest first, among the items
   * written by the run's cut-off: an item that arrives later, whatever its publication time, is for
   * later runs only.
   */
  async headlines(symbols: string[], asOf: string, perSymbol: number, cutoff: RunCutoff): Promise<NewsRecord[]> {
    const rows = await this.db.sql.query<NewsRecord & { publishedAt: Date | string }>(
      `SELECT id::text AS id, symbol, headline, url, published_at AS "publishedAt", source FROM (
         SELECT n.*, row_number() OVER (PARTITION BY symbol ORDER BY published_at DESC, id) AS rank
         FROM news_items n
         WHERE symbol = ANY($1::text[]) AND published_at < ($2::date + 1) AND recorded_at <= ${cutoffSql('$4', '$5')}
       ) ranked WHERE rank <= $3 ORDER BY published_at DESC, id`,
      [symbols, asOf, perSymbol, cutoff.packCreatedAt, cutoff.ledgerCommitHash],
    );
    return rows.map((r) => ({ ...r, publishedAt: new Date(r.publishedAt) }));
  }
}
