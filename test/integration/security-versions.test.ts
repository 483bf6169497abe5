// Reproducibility of reference data: every change of a security is kept (security_versions, by a
// trigger, whoever writes), and a run reads each security as it stood when the later of its pack
// and its ledger commit was written.
import { openTestDatabase, type TestDatabase } from '../support/test-database';

let test: TestDatabase;

beforeAll(async () => {
  test = await openTestDatabase();
  await test.owner.query(`INSERT INTO tenants (id, name, credit_balance) VALUES ('t-sv', 'Versions', 0)`);
  await test.owner.query(
    `INSERT INTO portfolios (id, tenant_id, name, base_currency, ledger_head) VALUES ('pf-sv', 't-sv', 'P', 'CAD', 'sv-c2')`,
  );
});
afterAll(async () => {
  await test?.close();
});

const versionsOf = (symbol: string) =>
  test.owner.query<{ name: string; asset_class: string }>(`SELECT name, asset_class FROM security_versions WHERE symbol = $1 ORDER BY id`, [
    symbol,
  ]);

/**
 * Runs `statement` and returns the database clock right after it, as the cut-off a pack or commit
 * written then would give: rounded to the millisecond as those columns (and recorded_at) store it.
 * Unrounded, a JavaScript Date drops the microseconds, and a version stamped in the same
 * millisecond but rounded up could fall after the cut-off read after it.
 */
async function writeAt(statement: string, params: unknown[] = []): Promise<string> {
  await test.db.sql.query(statement, params);
  const [{ at }] = await test.owner.query<{ at: Date }>(`SELECT clock_timestamp()::timestamptz(3) AS at`);
  await new Promise((resolve) => setTimeout(resolve, 5)); // the next write lands in a later millisecond
  return at.toISOString();
}

describe('security_versions', () => {
  it('keeps a version per insert and per change, from any writer, and none for an update that changes nothing', async () => {
    await writeAt(`INSERT INTO securities (symbol, name, currency, asset_class) VALUES ('SV1', 'First', 'CAD', 'EQUITY')`);
    await writeAt(`UPDATE securities SET name = 'First' WHERE symbol = 'SV1'`);
    await writeAt(`UPDATE securities SET asset_class = 'ETF' WHERE symbol = 'SV1'`);
    expect(await versionsOf('SV1')).toEqual([
      { name: 'First', asset_class: 'EQUITY' },
      { name: 'First', asset_class: 'ETF' },
    ]);
  });

  it('is append-only, for the owner too', async () => {
    for (const statement of [`UPDATE security_versions SET name = 'x'`, `DELETE FROM security_versions`, `TRUNCATE security_versions`]) {
      await expect(test.owner.query(statement)).rejects.toMatchObject({ code: '42501' });
    }
    expect(await versionsOf('SV1')).toHaveLength(2);
  });
});

describe('SecurityRepository.findAsOfRun', () => {
  let packAt: string;
  let commitAt: string;
  let renamedAt: string;

  beforeAll(async () => {
    packAt = await writeAt(`INSERT INTO securities (symbol, name, currency, asset_class) VALUES ('SV2', 'Before', 'USD', 'EQUITY')`);
    commitAt = await writeAt(`UPDATE securities SET name = 'Middle' WHERE symbol = 'SV2'`);
    // The commit is dated by its own created_at, which the repository reads.
    await test.owner.query(
      `INSERT INTO ledger_commits (hash, portfolio_id, seq, message, created_at) VALUES ('sv-c1', 'pf-sv', 1, 'one', $1)`,
      [commitAt],
    );
    renamedAt = await writeAt(`UPDATE securities SET name = 'After', asset_class = 'FUND' WHERE symbol = 'SV2'`);
  });

  const nameAt = async (packCreatedAt: string, ledgerCommitHash: string | null) =>
    (await test.data.securities.findAsOfRun(['SV2'], { packCreatedAt, ledgerCommitHash })).map((s) => `${s.name}/${s.assetClass}`);

  it('reads the version in effect at the later of the pack and the ledger commit', async () => {
    expect(await nameAt(packAt, null)).toEqual(['Before/EQUITY']);
    expect(await nameAt(packAt, 'sv-c1')).toEqual(['Middle/EQUITY']); // the commit is later than the pack
    expect(await nameAt(renamedAt, 'sv-c1')).toEqual(['After/FUND']); // the pack is later than the commit
    expect(await nameAt(new Date().toISOString(), null)).toEqual(['After/FUND']);
  });

  it('gives a symbol registered after the cut-off its first version, and leaves out unknown symbols', async () => {
    const found = await test.data.securities.findAsOfRun(['SV2', 'NOPE'], {
      packCreatedAt: '2000-01-01T00:00:00Z',
      ledgerCommitHash: null,
    });
    expect(found).toEqual([{ symbol: 'SV2', name: 'Before', currency: 'USD', assetClass: 'EQUITY', exchange: null }]);
  });
});
