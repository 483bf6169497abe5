import type { DataHandle } from '../handle';

/** What the ledger rules and results need of a security: its name, currency and asset class. */
export interface SecurityRecord {
  symbol: string;
  name: string;
  currency: string;
  assetClass: string;
  exchange: string | null;
}

/** Securities (reference data, the same for every tenant): what packs price and ledgers hold. */
export class SecurityRepository {
  constructor(private readonly db: DataHandle) {}

  async findBySymbols(symbols: readonly string[]): Promise<SecurityRecord[]> {
    if (symbols.length === 0) return [];
    return this.db.prisma.security.findMany({
      where: { symbol: { in: [...symbols] } },
      select: { symbol: true, name: true, currency: true, assetClass: true, exchange: true },
    });
  }
}
