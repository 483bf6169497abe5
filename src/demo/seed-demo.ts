import type { DataLayer } from '../data/data-layer';
import { buildDemoDataset } from './demo-dataset';

/** What seeding did: whether it wrote the dataset, and how many packs and commits. */
export interface SeedResult {
  seeded: boolean;
  packs: number;
  commits: number;
}

const skipped = (): SeedResult => ({ seeded: false, packs: 0, commits: 0 });

/**
 * Seeds the demo dataset into an empty database, all or nothing; a database with any tenant is
 * left alone. Concurrent seeders (several instances starting against one fresh PostgreSQL) are
 * serialised: the second waits, then sees the first one's tenants and backs off.
 */
export async function seedDemoData(data: DataLayer): Promise<SeedResult> {
  // Cheap check first, so a normal restart does not even build the dataset.
  if (await data.tenants.any()) return skipped();
  const dataset = buildDemoDataset();
  return data.transaction(
    async (tx) => {
      await tx.bulk.lockForSeeding();
      if (await tx.tenants.any()) return skipped();
      await tx.bulk.securities(dataset.securities);
      await tx.bulk.tenants(dataset.tenants);
      await tx.bulk.users(dataset.users);
      await tx.bulk.portfolios(dataset.portfolios);
      await tx.bulk.packs(dataset.packs);
      await tx.bulk.ledgerCommits(dataset.commits);
      await tx.bulk.news(dataset.news);
      return { seeded: true, packs: dataset.packs.length, commits: dataset.commits.length };
    },
    { timeoutMs: 60_000 },
  );
}
