import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort, spawnNode, stop, waitForOk } from '../lib/processes.mjs';
import { startFreshgate } from '../lib/freshgate.mjs';
import { ratio, summarize } from '../lib/stats.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * Spawn to ready: freshgate on the (migrated, seeded) PostgreSQL database, on a new embedded data
 * directory and on that directory again (an existing one), against a bare Apollo on fastify started
 * the same way (Node's own start-up).
 */
export async function coldStartScenario(context) {
  await context.freshgate('main'); // migrates and seeds the bench database once
  const postgres = [],
    embedded = [],
    existingEmbedded = [],
    bare = [];
  for (let round = 0; round < context.rounds; round++) {
    const port = await freePort();
    const started = performance.now();
    const child = spawnNode([path.join(here, '..', 'servers', 'apollo-fastify.mjs')], {
      cores: context.plan.server,
      env: { PORT: String(port), BASELINE_HEALTH_JSON: '{}' },
    });
    bare.push(await waitForOk(`http://127.0.0.1:${port}/ready`, { child, since: started, intervalMs: 5 }));
    await stop(child);

    const pgInstance = await startFreshgate(context, { name: `cold-pg-${round}` });
    postgres.push(pgInstance.readyMs);
    await stop(pgInstance.child);

    const dataDir = mkdtempSync(path.join(tmpdir(), 'freshgate-cold-'));
    try {
      const pglite = await startFreshgate(context, { name: `cold-pglite-${round}`, env: { DATABASE_URL: '', DATA_DIR: dataDir } });
      embedded.push(pglite.readyMs);
      await stop(pglite.child);
      const reopened = await startFreshgate(context, { name: `cold-pglite-again-${round}`, env: { DATABASE_URL: '', DATA_DIR: dataDir } });
      existingEmbedded.push(reopened.readyMs);
      await stop(reopened.child);
    } finally {
      rmSync(dataDir, { recursive: true, force: true });
    }
    context.log(
      `  round ${round + 1}: PostgreSQL ${Math.round(postgres.at(-1))} ms, new embedded ${Math.round(embedded.at(-1))} ms, ` +
        `existing embedded ${Math.round(existingEmbedded.at(-1))} ms, bare Apollo ${Math.round(bare.at(-1))} ms`,
    );
  }
  const pgReady = summarize(postgres),
    embeddedReady = summarize(embedded),
    existingEmbeddedReady = summarize(existingEmbedded),
    bareReady = summarize(bare);
  return {
    postgresReadyMs: pgReady,
    embeddedReadyMs: embeddedReady,
    existingEmbeddedReadyMs: existingEmbeddedReady,
    bareApolloFastifyReadyMs: bareReady,
    ratios: {
      postgresVsBare: ratio(pgReady.median, bareReady.median),
      existingEmbeddedVsBare: ratio(existingEmbeddedReady.median, bareReady.median),
    },
  };
}
