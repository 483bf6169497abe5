import { readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const LOCK_FILE = 'freshgate.pid';

/**
 * PGlite is a single-process database: two processes opening one data directory corrupt it.
 * The process that opens it leaves its pid here; others refuse, or stay out.
 */
export function embeddedDatabaseOwner(dataDir: string): number | undefined {
  let pid: number;
  try {
    pid = Number(readFileSync(path.join(dataDir, LOCK_FILE), 'utf8').trim());
  } catch {
    return undefined;
  }
  if (!Number.isInteger(pid) || pid <= 0 || pid === process.pid) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (error) {
    // EPERM: alive but not ours to signal; ESRCH: a stale file from a crash.
    return (error as NodeJS.ErrnoException).code === 'EPERM' ? pid : undefined;
  }
}

/** Claims the data directory for this process, or throws while another live process holds it; the function returned releases it. */
export function lockEmbeddedDatabase(dataDir: string): () => void {
  const owner = embeddedDatabaseOwner(dataDir);
  if (owner !== undefined) {
    throw new Error(`the embedded database in ${dataDir} is in use by another freshgate process (pid ${owner})`);
  }
  const file = path.join(dataDir, LOCK_FILE);
  writeFileSync(file, `${process.pid}\n`);
  return () => rmSync(file, { force: true });
}
