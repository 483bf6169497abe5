import type { DataHandle } from '../handle';

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

  /** Latest headlines per symbol published by the end of the as-of day, newest first. */
  async headlines(symbols: string[], asOf: string, perSymbol: number): Promise<NewsRecord[]> {
    const rows = await this.db.sql.query<NewsRecord & { publishedAt: Date | string }>(
      `SELECT id::text AS id, symbol, headline, url, published_at AS "publishedAt", source FROM (
         SELECT n.*, row_number() OVER (PARTITION BY symbol ORDER BY published_at DESC, id) AS rank
         FROM news_items n
         WHERE symbol = ANY($1::text[]) AND published_at < ($2::date + 1)
       ) ranked WHERE rank <= $3 ORDER BY published_at DESC, id`,
      [symbols, asOf, perSymbol],
    );
    return rows.map((r) => ({ ...r, publishedAt: new Date(r.publishedAt) }));
  }
}
