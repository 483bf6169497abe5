import { rmSync } from 'node:fs';
import path from 'node:path';
import { onPostgres, startInstance, type Instance } from '../support/process-instance';
import { codeBlocks, jsonLines, readmeSection, runShell } from '../support/readme';
import { adminQuery, TEST_DATABASE_URL, withDatabase } from '../support/test-database';

/**
 * The README's "Running on PostgreSQL" path, run as written on a new, empty database: the
 * operator's commands (migrate, tenant, users), then the server as `npm start` runs it (no demo
 * data), then the users' block — securities, packs, a portfolio, a CSV import, a run.
 */
onPostgres('README: Running on PostgreSQL, from an empty database', () => {
  const section = readmeSection('## Running on PostgreSQL');
  const [environment, setup, walkthrough] = codeBlocks(section, 'sh');
  const database = `freshgate_readme_${process.pid}`;
  // Built when the tests run: a skipped describe's body still runs (on PGlite there is no URL).
  const env: Record<string, string> = { JWT_SECRET: 'readme-walkthrough-secret-of-32-bytes!!' };
  let instance: Instance | undefined;

  beforeAll(async () => {
    env.DATABASE_URL = withDatabase(TEST_DATABASE_URL!, database);
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    await adminQuery(`CREATE DATABASE "${database}"`);
  });
  afterAll(async () => {
    await instance?.cleanup();
    await adminQuery(`DROP DATABASE IF EXISTS "${database}" WITH (FORCE)`);
    rmSync(path.join(__dirname, '..', '..', 'trades.csv'), { force: true });
  });

  it('starts from createdb and an exported DATABASE_URL and JWT_SECRET', () => {
    expect(environment).toMatch(/^createdb freshgate$/m);
    expect(environment).toMatch(/export DATABASE_URL=\S+ JWT_SECRET=/);
  });

  it('migrates, creates the tenant and its users with the operator commands', async () => {
    const result = await runShell(setup, 'http://localhost:4000', env);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    instance = await startInstance({ ...env, SEED_DEMO_DATA: 'false' });
  }, 120_000);

  it('ends with a portfolio_overview result valued on the newest pack, paid for by the tenant', async () => {
    const result = await runShell(walkthrough, instance!.url, env);
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    const answers = jsonLines(result.stdout);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    const run = answers.at(-1)!.data.executePattern;
    expect(run).toMatchObject({ status: 'SUCCESS', creditsConsumed: 1, metadata: { pricingPackId: 'PP_2026-11-30' } });
    expect(run.result.positions.map((p: { symbol: string }) => p.symbol).sort()).toEqual(['MSFT', 'SHOP.TO']);
    const [tenant] = await instance!.query('SELECT credit_balance::float8 AS balance FROM tenants WHERE id = $1', ['acme']);
    expect(tenant.balance).toBe(99);
  }, 180_000);
});
