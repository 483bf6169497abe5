import type { Prisma, PrismaClient } from '../../generated/prisma/client';
import { buildDemoDataset, type DemoDataset, type DemoPack } from './demo-dataset';

export interface SeedResult {
  seeded: boolean;
  packs: number;
  commits: number;
}

type Tx = Prisma.TransactionClient;

/**
 * Rows per createMany. createMany binds one parameter per cell; this keeps the widest remaining
 * table (ledger entries, 9 columns) far below PostgreSQL's 65,535 bind-parameter limit.
 */
const BATCH_SIZE = 2_000;

/**
 * Serialises concurrent seeders (several instances starting against one fresh PostgreSQL): the
 * second waits, then sees the first one's tenants and backs off instead of failing on duplicates.
 */
const SEED_LOCK_KEY = 0x5eed_de30;

const skipped = (): SeedResult => ({ seeded: false, packs: 0, commits: 0 });

/** Seeds the demo dataset into an empty database, all or nothing. A database with any tenant is left alone. */
export async function seedDemoData(prisma: PrismaClient): Promise<SeedResult> {
  // Cheap check first, so a normal restart does not even build the dataset.
  if ((await prisma.tenant.count()) > 0) return skipped();
  const data = buildDemoDataset();
  return prisma.$transaction(
    async (tx) => {
      await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${SEED_LOCK_KEY})`);
      if ((await tx.tenant.count()) > 0) return skipped();
      await insertDataset(tx, data);
      return { seeded: true, packs: data.packs.length, commits: data.commits.length };
    },
    { timeout: 60_000, maxWait: 10_000 },
  );
}

async function insertDataset(tx: Tx, data: DemoDataset): Promise<void> {
  await insertDirectory(tx, data);
  await insertPacks(tx, data.packs);
  await insertLedger(tx, data);
  await inBatches(data.news, (rows) =>
    tx.newsItem.createMany({ data: rows.map((n) => ({ ...n, publishedAt: new Date(n.publishedAt) })) }),
  );
}

async function inBatches<T>(rows: readonly T[], insert: (batch: T[]) => Promise<unknown>): Promise<void> {
  for (let start = 0; start < rows.length; start += BATCH_SIZE) {
    await insert(rows.slice(start, start + BATCH_SIZE));
  }
}

/** `@db.Date` columns take a JS Date at UTC midnight. */
const dateOnly = (date: string): Date => new Date(`${date}T00:00:00Z`);

async function insertDirectory(tx: Tx, data: DemoDataset): Promise<void> {
  await tx.security.createMany({ data: data.securities });
  await tx.tenant.createMany({
    data: data.tenants.map((t) => ({ ...t, createdAt: new Date(t.createdAt) })),
  });
  await tx.user.createMany({
    data: data.users.map((u) => ({ ...u, createdAt: new Date(u.createdAt) })),
  });
  // ledgerHead is a plain column, so portfolios can carry their final head before the commits
  // exist; the commits themselves are append-only and go in once, with final values.
  await tx.portfolio.createMany({
    data: data.portfolios.map((p) => ({ ...p, createdAt: new Date(p.createdAt) })),
  });
}

/**
 * Packs and their prices are ~95% of the rows. Prisma's createMany spends ~0.2 ms of JS per row
 * building its statement (measured ~1 s for the 5,500 prices, against ~0.1 s for the same rows
 * through one parameterised INSERT … SELECT FROM unnest(arrays)), so these two tables go in as
 * one array-bound statement each: plain PostgreSQL, the same on PGlite and a server.
 */
async function insertPacks(tx: Tx, packs: readonly DemoPack[]): Promise<void> {
  // Superseded packs reference their replacement: list replacements first so the insert holds
  // even if it is ever split into several statements.
  const ordered = [...packs.filter((p) => p.supersededById === null), ...packs.filter((p) => p.supersededById !== null)];
  await insertPackRows(tx, ordered);
  await insertPriceRows(tx, ordered);
  await inBatches(
    ordered.flatMap((pack) => pack.fxRates.map((fx) => ({ packId: pack.id, ...fx }))),
    (rows) => tx.packFxRate.createMany({ data: rows }),
  );
}

function column<T, V>(rows: readonly T[], pick: (row: T) => V): V[] {
  return rows.map(pick);
}

async function insertPackRows(tx: Tx, packs: readonly DemoPack[]): Promise<void> {
  // status is left out on purpose: a trigger derives it from the flags.
  await tx.$executeRaw`
    INSERT INTO "pricing_packs" ("id", "date", "policy", "hash", "superseded_by", "sources", "is_fresh",
      "prewarm_done", "reconciliation_passed", "reconciliation_failed", "reconciliation_error_bps",
      "error_message", "created_at", "updated_at")
    SELECT id, day::date, policy, hash, superseded_by, sources::jsonb, is_fresh, prewarm_done,
      reconciliation_passed, reconciliation_failed, error_bps, error_message,
      created_at::timestamptz, updated_at::timestamptz
    FROM unnest(
      ${column(packs, (p) => p.id)}::text[],
      ${column(packs, (p) => p.date)}::text[],
      ${column(packs, (p) => p.policy)}::text[],
      ${column(packs, (p) => p.hash)}::text[],
      ${column(packs, (p) => p.supersededById)}::text[],
      ${column(packs, (p) => JSON.stringify(p.sources))}::text[],
      ${column(packs, (p) => p.isFresh)}::boolean[],
      ${column(packs, (p) => p.prewarmDone)}::boolean[],
      ${column(packs, (p) => p.reconciliationPassed)}::boolean[],
      ${column(packs, (p) => p.reconciliationFailed)}::boolean[],
      ${column(packs, (p) => p.reconciliationErrorBps)}::float8[],
      ${column(packs, (p) => p.errorMessage)}::text[],
      ${column(packs, (p) => p.createdAt)}::text[],
      ${column(packs, (p) => p.updatedAt)}::text[]
    ) AS t(id, day, policy, hash, superseded_by, sources, is_fresh, prewarm_done, reconciliation_passed,
      reconciliation_failed, error_bps, error_message, created_at, updated_at)`;
}

async function insertPriceRows(tx: Tx, packs: readonly DemoPack[]): Promise<void> {
  const rows = packs.flatMap((pack) => pack.prices.map((price) => ({ packId: pack.id, ...price })));
  await tx.$executeRaw`
    INSERT INTO "pack_prices" ("pack_id", "symbol", "close", "currency", "source")
    SELECT * FROM unnest(
      ${column(rows, (r) => r.packId)}::text[],
      ${column(rows, (r) => r.symbol)}::text[],
      ${column(rows, (r) => r.close)}::float8[],
      ${column(rows, (r) => r.currency)}::text[],
      ${column(rows, (r) => r.source)}::text[]
    )`;
}

async function insertLedger(tx: Tx, data: DemoDataset): Promise<void> {
  await inBatches(data.commits, (rows) =>
    tx.ledgerCommit.createMany({
      data: rows.map((c) => ({
        hash: c.hash,
        portfolioId: c.portfolioId,
        parentHash: c.parentHash,
        seq: c.seq,
        message: c.message,
        authorId: c.authorId,
        createdAt: new Date(c.createdAt),
      })),
    }),
  );
  const entries = data.commits.flatMap((commit) =>
    commit.entries.map((entry, ordinal) => ({
      ...entry,
      commitHash: commit.hash,
      ordinal,
      tradeDate: dateOnly(entry.tradeDate),
    })),
  );
  await inBatches(entries, (rows) => tx.ledgerEntry.createMany({ data: rows }));
}
