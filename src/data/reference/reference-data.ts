import type { PrismaClient } from '../../generated/prisma/client';

export interface SecurityRecord {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
}

export interface NewsRecord {
  id: string;
  symbol: string;
  headline: string;
  url: string;
  publishedAt: Date;
  source: string;
}

/** Securities and news: shared reference data, the same for every tenant. */
export class ReferenceData {
  constructor(private readonly prisma: PrismaClient) {}

  securities(symbols: string[]): Promise<SecurityRecord[]> {
    return this.prisma.security.findMany({
      where: { symbol: { in: symbols } },
      select: { symbol: true, name: true, currency: true, assetClass: true },
    });
  }

  /** Latest headlines per symbol published by the end of the as-of day, newest first. */
  async headlines(symbols: string[], asOf: string, perSymbol: number): Promise<NewsRecord[]> {
    return this.prisma.$queryRawUnsafe<NewsRecord[]>(
      `SELECT id, symbol, headline, url, published_at AS "publishedAt", source FROM (
         SELECT n.*, row_number() OVER (PARTITION BY symbol ORDER BY published_at DESC, id) AS rank
         FROM news_items n
         WHERE symbol = ANY($1::text[]) AND published_at < ($2::date + 1)
       ) ranked WHERE rank <= $3 ORDER BY published_at DESC, id`,
      symbols,
      asOf,
      perSymbol,
    );
  }
}
