import { spawn, execFileSync } from 'node:child_process';
import { createServer } from 'node:net';
import { readFileSync, openSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';

/** Cores for the server and for the load, when the machine has two or more and taskset exists. */
export function corePlan(cpuCount) {
  let taskset = false;
  try {
    execFileSync('taskset', ['-c', '0', 'true'], { stdio: 'ignore' });
    taskset = true;
  } catch {
    taskset = false;
  }
  if (!taskset || cpuCount < 2) return { pinned: false, server: undefined, load: undefined };
  return { pinned: true, server: '0', load: String(cpuCount - 1) };
}

let runtime = process.execPath;

/** The Node binary the measured servers run on from now on (the load generators keep the bench's own). */
export function useRuntime(nodeBinary) {
  runtime = nodeBinary;
}

/** Spawns `node ...args` on the runtime under test, pinned to `cores` with taskset when given; output goes to logFile. */
export function spawnNode(args, { cores, env, logFile, cwd }) {
  const out = logFile ? openSync(logFile, 'a') : 'ignore';
  const command = cores ? 'taskset' : runtime;
  const argv = cores ? ['-c', cores, runtime, ...args] : args;
  const child = spawn(command, argv, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', out, out, 'ipc'] });
  child.unref();
  return child;
}

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** Polls url until it answers 200; returns the milliseconds it took from `since`. */
export async function waitForOk(url, { timeoutMs = 60_000, intervalMs = 10, since = performance.now(), child } = {}) {
  const deadline = since + timeoutMs;
  while (performance.now() < deadline) {
    if (child && child.exitCode !== null) throw new Error(`process for ${url} exited with ${child.exitCode}`);
    try {
      const response = await fetch(url);
      await response.arrayBuffer();
      if (response.ok) return performance.now() - since;
    } catch {
      // not listening yet
    }
    await sleep(intervalMs);
  }
  throw new Error(`${url} not ready after ${timeoutMs} ms`);
}

/** Resident set size of a process in bytes (Linux). */
export function rssBytes(pid) {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = /VmRSS:\s+(\d+) kB/.exec(status);
  return match ? Number(match[1]) * 1024 : Number.NaN;
}

export async function stop(child, signal = 'SIGTERM') {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill(signal);
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}
