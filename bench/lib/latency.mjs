import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const loopScript = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'load', 'http-loop.mjs');

/** Runs load/http-loop.mjs in its own process, pinned to the load core. */
export async function latencyLoop(context, options) {
  const args = [loopScript, JSON.stringify(options)];
  const cores = context.plan.load;
  const { stdout } = await run(cores ? 'taskset' : process.execPath, cores ? ['-c', cores, process.execPath, ...args] : args, {
    maxBuffer: 256 << 20,
  });
  return JSON.parse(stdout);
}
