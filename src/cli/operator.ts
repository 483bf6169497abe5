// What the operators' commands share (tenant:create, user:create, user:roles, user:remove): who
// they act as, the database they may open, their arguments, and how they fail.
import { randomUUID } from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import { loadConfig } from '../config';
import { createDataLayer, type DataLayer } from '../data/data-layer';
import { embeddedDatabaseOwner } from '../db/embedded-lock';
import { pendingMigrations } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import type { Actor } from '../shared/actor';

/** A mistake in how the command was called: printed with the usage line, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/**
 * The operator as the audit log records them: `cli:<os user>` (user ids cannot contain `:`, so
 * no user can be mistaken for an operator), acting on `tenantId`, with ids of its own.
 */
export function operatorActor(tenantId: string): Actor {
  const id = randomUUID();
  return { userId: `cli:${osUser()}`, tenantId, traceId: id.replace(/-/g, ''), requestId: id };
}

function osUser(): string {
  try {
    return os.userInfo().username || 'operator';
  } catch {
    return process.env.USER || 'operator'; // a uid without a passwd entry (some containers)
  }
}

/**
 * Runs `fn` on the configured database (DATABASE_URL, or the embedded one under DATA_DIR). The
 * embedded database belongs to one process: while a server holds it the command refuses, naming
 * the server's pid, and writes nothing. PostgreSQL is shared, so there the command runs beside
 * live servers, which see its changes within their user cache (5 s) and WS_REAUTH_INTERVAL.
 */
export async function withOperatorDatabase<T>(fn: (data: DataLayer) => Promise<T>): Promise<T> {
  const config = loadConfig();
  const dataDir = path.join(config.dataDir, 'pglite');
  const owner = config.databaseUrl ? undefined : embeddedDatabaseOwner(dataDir);
  if (owner !== undefined) {
    throw new Error(
      `the embedded database in ${dataDir} is in use by a running server (pid ${owner}): stop it first, or use PostgreSQL (DATABASE_URL)`,
    );
  }
  const db = await openDatabase(config);
  try {
    if ((await pendingMigrations(db)).length > 0)
      throw new Error('the database is not migrated yet: run npm start or npm run db:migrate first');
    return await fn(createDataLayer(db));
  } finally {
    await db.close();
  }
}

/** Parsed command line: positional arguments and `--name value` options. */
export interface ParsedArgs {
  positional: string[];
  options: Map<string, string>;
}

/** Reads `argv` allowing only the `known` options, each once and with a value. */
export function parseArgs(argv: readonly string[], known: readonly string[]): ParsedArgs {
  const positional: string[] = [];
  const options = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (!arg.startsWith('--')) {
      positional.push(arg);
      continue;
    }
    if (!known.includes(arg)) throw new UsageError(`unknown option ${arg}`);
    const value = argv[++i];
    if (value === undefined) throw new UsageError(`${arg} needs a value`);
    if (options.has(arg)) throw new UsageError(`${arg} given twice`);
    options.set(arg, value);
  }
  return { positional, options };
}

/** `admin,analyst` → ['admin', 'analyst']; what is not a role is the use-case's to refuse. */
export function roleList(text: string): string[] {
  return text.split(',').map((role) => role.trim());
}

/**
 * Runs a command: its output on stdout; a failure as one line on stderr — `<command>: <why>`,
 * plus the usage line for a usage error — and a non-zero exit code (2: usage, 1: refused or failed).
 */
export function runCommand(command: string, usage: string, main: () => Promise<string>): void {
  main().then(
    (output) => process.stdout.write(`${output}\n`),
    (error: unknown) => {
      const message = (error instanceof Error ? error.message : String(error)).replace(/\s*\n\s*/g, ' ');
      process.stderr.write(`${command}: ${message}\n`);
      if (error instanceof UsageError) process.stderr.write(`usage: ${usage}\n`);
      process.exitCode = error instanceof UsageError ? 2 : 1;
    },
  );
}
