import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** The npm package Node publishes its own binary as, for this machine. */
const NODE_PACKAGE = `node-${process.platform}-${process.arch}`;

/**
 * The runtimes a run measures: BENCH_NODES (comma-separated Node binaries) when set; else the
 * Node running the bench and, when it is older than 24 (the reference runtime), Node 24 from the
 * npm registry — installed into the same scratch prefix `.ci/run` uses, once.
 */
export async function runtimesToMeasure() {
  const listed = (process.env.BENCH_NODES ?? '').split(',').filter(Boolean);
  const binaries = listed.length ? listed : [process.execPath];
  if (!listed.length && Number(process.versions.node.split('.')[0]) < 24) binaries.unshift(node24());
  return binaries.map((binary) => ({ binary, node: execFileSync(binary, ['--version'], { encoding: 'utf8' }).trim() }));
}

function node24() {
  const prefix = process.env.NODE24_PREFIX ?? path.join(process.env.TMPDIR ?? os.tmpdir(), 'freshgate-node24');
  const binary = path.join(prefix, 'node_modules', NODE_PACKAGE, 'bin', 'node');
  if (!existsSync(binary)) {
    execFileSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--prefix', prefix, `${NODE_PACKAGE}@24`],
      {
        stdio: 'inherit',
      },
    );
  }
  return binary;
}
