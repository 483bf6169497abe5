import { startInstance, type Instance } from '../support/process-instance';
import { usingPostgres } from '../support/test-database';
import { codeBlocks, jsonLines, readmeSection, runShell } from '../support/readme';

/**
 * The README's "Try it" section, run as written: every shell block against the real server on a
 * new embedded database with its demo data, as `npm start` leaves it (no JWT_SECRET: the server
 * and `npm run token` share the secret kept in the data directory). The embedded database is the
 * quick start's, so the PostgreSQL run leaves it to the PGlite one (its own path is readme-postgres).
 */
(usingPostgres ? describe.skip : describe)('README: Try it', () => {
  let instance: Instance;
  const section = readmeSection('## Try it');
  const blocks = codeBlocks(section, 'sh');

  beforeAll(async () => {
    instance = await startInstance({ JWT_SECRET: '', SEED_DEMO_DATA: 'true' });
  }, 60_000);
  afterAll(async () => {
    await instance?.cleanup();
  });

  const run = async (block: string) => {
    const result = await runShell(block, instance.url, { DATA_DIR: instance.dataDir, JWT_SECRET: '' });
    expect({ code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ code: 0, stderr: '' });
    const answers = jsonLines(result.stdout);
    for (const answer of answers) expect(answer.errors).toBeUndefined();
    return answers;
  };

  it('has the blocks this test runs', () => {
    expect(blocks).toHaveLength(3);
  });

  it('reads the banner anonymously and the viewer, portfolios and packs with a token', async () => {
    const [banner, authenticated] = await run(blocks[0]);
    expect(banner.data.packHealth).toMatchObject({ status: expect.any(String) });
    expect(authenticated.data.viewer).toMatchObject({ userId: 'demo-analyst', tenantId: 'demo' });
    expect(authenticated.data.portfolios.edges.length).toBeGreaterThan(0);
  }, 60_000);

  it('publishes a pack as the pack builder and marks it fresh', async () => {
    const [created, fresh] = await run(blocks[1]);
    expect(created.data.createPricingPack).toMatchObject({ id: 'PP_2026-11-23', status: 'WARMING' });
    expect(fresh.data.markPackFresh).toMatchObject({ id: 'PP_2026-11-23', status: 'FRESH' });
  }, 60_000);

  it('runs portfolio_overview on it', async () => {
    const block = `TOKEN=$(npm run --silent token -- demo-analyst)\n${blocks[2]}`;
    const [execution] = await run(block);
    expect(execution.data.executePattern).toMatchObject({ metadata: { pricingPackId: 'PP_2026-11-23' } });
    expect(['SUCCESS', 'PARTIAL']).toContain(execution.data.executePattern.status);
  }, 60_000);

  it('the subscription example prints the current health', async () => {
    const [script] = codeBlocks(section, 'js');
    const result = await runShell(`node -e "$SCRIPT" & PID=$!; sleep 4; kill $PID`, instance.url, {
      SCRIPT: script.replaceAll('localhost:4000', new URL(instance.url).host),
    });
    expect(jsonLines(result.stdout)[0]).toMatchObject({ packHealthChanged: { packId: 'PP_2026-11-23', status: 'FRESH' } });
  }, 30_000);
});
