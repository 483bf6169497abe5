import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** wrk (C, one thread) when installed; autocannon in a child process otherwise. */
export function loadTool() {
  try {
    execFileSync('wrk', ['--version'], { stdio: 'ignore' });
    return 'wrk';
  } catch (error) {
    // wrk --version exits 1 after printing its version
    if (error.status === 1) return 'wrk';
    return 'autocannon';
  }
}

/**
 * Closed-loop HTTP load for `durationS` seconds from a separate process pinned to `cores`.
 * request: { url, method, headers, body }. Returns requests/s and latency percentiles (ms).
 */
export async function httpLoad(tool, request, { connections = 50, durationS = 5, cores } = {}) {
  const result =
    tool === 'wrk' ? await wrk(request, connections, durationS, cores) : await autocannon(request, connections, durationS, cores);
  if (result.errors > 0) throw new Error(`${result.errors} failed or non-2xx responses from ${request.url}: the figure would be wrong`);
  return result;
}

let scriptDir;
async function wrk(request, connections, durationS, cores) {
  scriptDir ??= mkdtempSync(path.join(tmpdir(), 'freshgate-bench-'));
  const script = path.join(scriptDir, `${Math.random().toString(36).slice(2)}.lua`);
  const lines = [`wrk.method = ${JSON.stringify(request.method ?? 'GET')}`];
  if (request.body) lines.push(`wrk.body = ${luaString(request.body)}`);
  for (const [name, value] of Object.entries(request.headers ?? {}))
    lines.push(`wrk.headers[${JSON.stringify(name)}] = ${luaString(value)}`);
  writeFileSync(script, `${lines.join('\n')}\n`);
  const args = ['-t1', `-c${connections}`, `-d${durationS}s`, '--latency', '-s', script, request.url];
  const { stdout } = await run(cores ? 'taskset' : 'wrk', cores ? ['-c', cores, 'wrk', ...args] : args, { maxBuffer: 1 << 20 });
  const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((n, v) => n + Number(v), 0) : 0);
  const latency = (p) => toMs(new RegExp(`\\s${p}%\\s+([\\d.]+)(us|ms|s)`).exec(stdout));
  return { rps, p50: latency(50), p99: latency(99), errors };
}

async function autocannon(request, connections, durationS, cores) {
  const args = [path.join(here, '..', 'load', 'autocannon-child.mjs'), JSON.stringify({ request, connections, durationS })];
  const { stdout } = await run(cores ? 'taskset' : process.execPath, cores ? ['-c', cores, process.execPath, ...args] : args, {
    maxBuffer: 1 << 20,
  });
  return JSON.parse(stdout);
}

function toMs(match) {
  if (!match) return Number.NaN;
  const value = Number(match[1]);
  return match[2] === 'us' ? value / 1000 : match[2] === 's' ? value * 1000 : value;
}

function luaString(value) {
  return `"${String(value).replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}
