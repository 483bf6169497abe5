import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { parse } from 'graphql';
import { freePort, spawnNode, waitForOk } from './processes.mjs';
import { root, startFreshgate } from './freshgate.mjs';

const require = createRequire(import.meta.url);
const { composeServices } = require('@apollo/composition');

export const ROUTER_SECRET = 'freshgate-bench-router-secret-0123456789';
const GATEWAY_BIN = path.join(root, 'node_modules', '@graphql-hive', 'gateway', 'dist', 'bin.js');
const GATEWAY_CONFIG = path.join(root, 'ops', 'hive-gateway', 'gateway.config.ts');

/**
 * freshgate as it runs behind a router (ROUTER_SECRET set) and Hive Gateway in front of it, run by
 * its CLI with the checked-in ops/hive-gateway/gateway.config.ts on the supergraph composed from
 * freshgate's SDL. The gateway shares the server core with freshgate: both are the server side.
 */
export async function startRoutedFreshgate(context, { name }) {
  const freshgate = await startFreshgate(context, { name, env: { ROUTER_SECRET } });
  const response = await fetch(freshgate.url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'router-authorization': ROUTER_SECRET },
    body: JSON.stringify({ query: '{ _service { sdl } }' }),
  });
  const sdl = (await response.json()).data._service.sdl;
  const composed = composeServices([{ name: 'freshgate', url: freshgate.url, typeDefs: parse(sdl) }]);
  if (composed.errors?.length) throw new Error(`composition failed: ${composed.errors.map((e) => e.message).join('; ')}`);
  const supergraphPath = path.join(context.logDir, `${name}-supergraph.graphql`);
  writeFileSync(supergraphPath, composed.supergraphSdl);

  const port = await freePort();
  const started = performance.now();
  const gateway = spawnNode(
    [
      GATEWAY_BIN,
      'supergraph',
      supergraphPath,
      '--config-path',
      GATEWAY_CONFIG,
      '--host',
      '127.0.0.1',
      '--port',
      String(port),
      '--fork',
      '1',
    ],
    {
      cwd: root,
      cores: context.plan.server,
      logFile: path.join(context.logDir, `${name}-gateway.log`),
      env: { NODE_ENV: 'production', LOG_LEVEL: 'info', PORT: '', HOST: '', FRESHGATE_ROUTER_SECRET: ROUTER_SECRET },
    },
  );
  const readyMs = await waitForOk(`http://127.0.0.1:${port}/readiness`, { child: gateway, since: started });
  return {
    freshgate,
    gateway: { child: gateway, url: `http://127.0.0.1:${port}/graphql`, wsUrl: `ws://127.0.0.1:${port}/graphql`, readyMs },
  };
}

/** freshgate's own gauges: its WebSocket connections and the operations running on them. */
export async function upstreamSockets(freshgate) {
  const text = await (await fetch(`${freshgate.base}/metrics`)).text();
  const gauge = (metric) => Number(new RegExp(`^${metric} (\\d+)$`, 'm').exec(text)?.[1]);
  return { connections: gauge('freshgate_ws_connections'), subscriptions: gauge('freshgate_active_subscriptions') };
}
