import path from 'node:path';
import { fileURLToPath } from 'node:url';
import pg from 'pg';
import { freePort, rssBytes, spawnNode, stop, waitForOk } from '../lib/processes.mjs';
import { PACK_HEALTH_QUERY, PACK_HEALTH_SUBSCRIPTION, startFreshgate } from '../lib/freshgate.mjs';
import { startRoutedFreshgate, upstreamSockets } from '../lib/gateway.mjs';
import { latencySummary, median, ratio, round, summarize } from '../lib/stats.mjs';
import { makeLatestPackWarming, WARMING_PACK_ID } from './execution.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const BASELINE_CHANNEL = 'bench_fanout_baseline';
const EVENTS_PER_ROUND = 3;

/** The subscriber process, driven over IPC (load/ws-subscribers.mjs). */
function subscriberProcess(context) {
  const child = spawnNode([path.join(here, '..', 'load', 'ws-subscribers.mjs')], {
    cores: context.plan.load,
    logFile: path.join(context.logDir, 'subscribers.log'),
  });
  const waiters = [];
  child.on('message', (message) => {
    const i = waiters.findIndex((w) => w.event === message.event);
    if (i >= 0) waiters.splice(i, 1)[0].resolve(message);
  });
  const next = (event) => new Promise((resolve) => waiters.push({ event, resolve }));
  const ready = next('ready');
  return {
    ready,
    async command(cmd, reply) {
      const answer = next(reply);
      child.send(cmd);
      return answer;
    },
    next,
    send: (cmd) => child.send(cmd),
    close: () => stop(child),
  };
}

const GATEWAY = 'through Hive Gateway';

/**
 * packHealthChanged fan-out: N subscribers get one pack change committed by a separate
 * PostgreSQL connection; latency from just before the commit to each client's receipt.
 * Targets, interleaved per round: a plain `ws` server (one serialized payload, LISTEN on its
 * own channel), freshgate with the subscribers, freshgate's second instance with the
 * subscribers while the first instance sees no one (cross-instance), and Hive Gateway in front of
 * a third instance (ROUTER_SECRET set), where the gateway multiplexes every subscriber's
 * operation over one WebSocket to freshgate (counted from freshgate's own gauges).
 */
export async function fanoutScenario(context) {
  const main = await context.freshgate('main');
  const second = await startFreshgate(context, { name: 'second' });
  const routed = await startRoutedFreshgate(context, { name: 'routed' });
  const basePort = await freePort();
  const baseline = spawnNode([path.join(here, '..', 'servers', 'plain-ws.mjs')], {
    cores: context.plan.server,
    logFile: path.join(context.logDir, 'plain-ws.log'),
    env: { PORT: String(basePort), DATABASE_URL: context.databaseUrl, BASELINE_CHANNEL },
  });
  await waitForOk(`http://127.0.0.1:${basePort}/`, { child: baseline });
  await makeLatestPackWarming(context);
  const committer = new pg.Client({ connectionString: context.databaseUrl });
  await committer.connect();
  const subscribers = subscriberProcess(context);
  await subscribers.ready;

  const targets = [
    {
      name: 'plain ws',
      wsUrl: `ws://127.0.0.1:${basePort}/graphql`,
      pid: baseline.pid,
      commit: () =>
        committer.query(`SELECT pg_notify('${BASELINE_CHANNEL}', $1)`, [JSON.stringify({ packId: WARMING_PACK_ID, at: Date.now() })]),
    },
    { name: 'freshgate', wsUrl: main.wsUrl, pid: main.child.pid, queryUrl: main.url, commit: togglePrewarm },
    { name: 'freshgate, second instance', wsUrl: second.wsUrl, pid: second.child.pid, queryUrl: second.url, commit: togglePrewarm },
    // The gateway relays each subscriber's event on its own, so it gets longer to deliver them all.
    {
      name: GATEWAY,
      wsUrl: routed.gateway.wsUrl,
      pid: routed.gateway.child.pid,
      queryUrl: routed.gateway.url,
      commit: togglePrewarm,
      upstream: routed.freshgate,
      timeoutMs: 60_000,
    },
  ];
  function togglePrewarm() {
    return committer.query('UPDATE pricing_packs SET prewarm_done = NOT prewarm_done, updated_at = now() WHERE id = $1', [WARMING_PACK_ID]);
  }

  const results = {};
  try {
    for (const size of context.fanoutSizes) {
      const memory = await idleMemory(context, subscribers, size);
      const perTarget = Object.fromEntries(
        targets.map((t) => [t.name, { samples: [], p50: [], p99: [], max: [], queryDuringFanout: [], missed: 0, upstream: [] }]),
      );
      for (let round = 0; round < context.rounds; round++) {
        for (const target of targets) {
          const figures = perTarget[target.name];
          const { ok } = await subscribers.command(
            { cmd: 'connect', url: target.wsUrl, n: size, query: PACK_HEALTH_SUBSCRIPTION },
            'connected',
          );
          if (ok !== size) throw new Error(`${target.name}: only ${ok} of ${size} subscribers connected`);
          await new Promise((r) => setTimeout(r, 1000));
          if (target.upstream) figures.upstream.push(await upstreamSockets(target.upstream));
          const roundSamples = [];
          // One unmeasured event first: the JIT warm-up of the delivery path, for every target alike.
          for (let event = -1; event < EVENTS_PER_ROUND; event++) {
            const armed = subscribers.next('armed');
            const received = subscribers.next('received');
            subscribers.send({ cmd: 'arm', timeoutMs: target.timeoutMs });
            await armed;
            const committedAt = Number(process.hrtime.bigint()) / 1e6;
            await target.commit();
            // Asked while the server is sending the change to every subscriber.
            const query = target.queryUrl ? timedQuery(target.queryUrl) : undefined;
            const { times } = await received;
            const queryMs = query ? await query : undefined;
            if (event < 0) continue;
            if (queryMs !== undefined) figures.queryDuringFanout.push(queryMs);
            for (const t of times) {
              if (t === null) figures.missed++;
              else roundSamples.push(t - committedAt);
            }
            await new Promise((r) => setTimeout(r, 200));
          }
          await subscribers.command({ cmd: 'close' }, 'closed');
          const summary = latencySummary(roundSamples);
          figures.samples.push(...roundSamples);
          figures.p50.push(summary.p50);
          figures.p99.push(summary.p99);
          figures.max.push(summary.max);
          context.log(
            `  ${size} subscribers, ${target.name.padEnd(27)} round ${round + 1}: p50 ${summary.p50} ms, p99 ${summary.p99} ms, max ${summary.max} ms`,
          );
          await new Promise((r) => setTimeout(r, 500));
        }
      }
      const out = Object.fromEntries(
        Object.entries(perTarget).map(([name, f]) => [
          name,
          {
            p50Ms: summarize(f.p50),
            p99Ms: summarize(f.p99),
            maxMs: summarize(f.max),
            rssKBPerIdleSubscriber: memory[name] ?? null,
            ...(name === GATEWAY ? { freshgateRssKBPerIdleSubscriber: memory.freshgateBehindGateway ?? null } : {}),
            queryDuringFanoutMs: f.queryDuringFanout.length
              ? { median: round(median(f.queryDuringFanout)), max: round(Math.max(...f.queryDuringFanout)) }
              : null,
            missed: f.missed,
            // What freshgate saw while the subscribers were connected, once per round.
            ...(f.upstream.length ? { upstream: f.upstream } : {}),
          },
        ]),
      );
      const p99 = (name) => out[name].p99Ms.median;
      results.sizes ??= {};
      results.sizes[size] = {
        targets: out,
        ratios: {
          p99VsPlainWs: ratio(p99('freshgate'), p99('plain ws')),
          crossInstanceP99VsSameInstance: ratio(p99('freshgate, second instance'), p99('freshgate')),
          gatewayP99VsDirect: ratio(p99(GATEWAY), p99('freshgate')),
        },
      };
    }
    return results;
  } finally {
    await subscribers.close();
    await committer.end();
    await Promise.all([stop(baseline), stop(second.child), stop(routed.gateway.child), stop(routed.freshgate.child)]);
  }
}

async function timedQuery(url) {
  const started = performance.now();
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ query: PACK_HEALTH_QUERY }),
  });
  await response.json();
  return performance.now() - started;
}

/**
 * Server RSS per idle subscriber, on processes that have served nothing else (a process that has
 * already grown its heap would hide the cost): RSS with N idle subscribers minus RSS before.
 */
async function idleMemory(context, subscribers, size) {
  /** KB per idle subscriber of each process in `pids` ({ label: pid }), subscribers connected to wsUrl. */
  const measureEach = async (name, pids, wsUrl) => {
    await new Promise((r) => setTimeout(r, 1000));
    const before = Object.fromEntries(Object.entries(pids).map(([label, pid]) => [label, rssBytes(pid)]));
    const { ok } = await subscribers.command({ cmd: 'connect', url: wsUrl, n: size, query: PACK_HEALTH_SUBSCRIPTION }, 'connected');
    if (ok !== size) throw new Error(`${name}: only ${ok} of ${size} subscribers connected`);
    await new Promise((r) => setTimeout(r, 2000));
    const perSubscriberKB = Object.fromEntries(
      Object.entries(pids).map(([label, pid]) => [label, round((rssBytes(pid) - before[label]) / size / 1024)]),
    );
    await subscribers.command({ cmd: 'close' }, 'closed');
    context.log(
      `  ${size} idle subscribers, ${name}: ${Object.entries(perSubscriberKB)
        .map(([label, kb]) => `${label} ${kb} KB`)
        .join(', ')} each`,
    );
    return perSubscriberKB;
  };
  const measure = async (name, pid, wsUrl) => (await measureEach(name, { [name]: pid }, wsUrl))[name];
  const port = await freePort();
  const baseline = spawnNode([path.join(here, '..', 'servers', 'plain-ws.mjs')], {
    cores: context.plan.server,
    env: { PORT: String(port), DATABASE_URL: context.databaseUrl, BASELINE_CHANNEL },
  });
  const fresh = await startFreshgate(context, { name: `memory-${size}` });
  const routed = await startRoutedFreshgate(context, { name: `memory-routed-${size}` });
  try {
    await waitForOk(`http://127.0.0.1:${port}/`, { child: baseline });
    const throughGateway = await measureEach(
      GATEWAY,
      { gateway: routed.gateway.child.pid, freshgate: routed.freshgate.child.pid },
      routed.gateway.wsUrl,
    );
    return {
      'plain ws': await measure('plain ws', baseline.pid, `ws://127.0.0.1:${port}/graphql`),
      freshgate: await measure('freshgate', fresh.child.pid, fresh.wsUrl),
      // The gateway holds the subscribers' sockets; freshgate behind it holds their operations on one.
      [GATEWAY]: throughGateway.gateway,
      freshgateBehindGateway: throughGateway.freshgate,
    };
  } finally {
    await Promise.all([stop(baseline), stop(fresh.child), stop(routed.gateway.child), stop(routed.freshgate.child)]);
  }
}
