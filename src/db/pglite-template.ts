import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { projectRoot } from '../shared/project-root';
import type { Database } from './database';
import { migrate, readMigrations } from './migrator';

/**
 * A new embedded database starts from a template: an empty database with every migration applied
 * (and, for the demo, its data), dumped once (PGlite's dumpDataDir) and loaded into each new data
 * directory (loadDataDir). PGlite's initdb, the migrations and the demo's seeding are most of a
 * first start; loading a template skips them.
 *
 * A template is named by what it contains — the PGlite version, every migration's name and SQL, and
 * whatever else its maker adds — so a new migration or PGlite release makes a new one, and a stale
 * one is never loaded. It is kept gzipped (a few MB) and unzipped here with zlib: PGlite's own
 * decompression is slower.
 */
const CACHE_DIR = path.join(projectRoot(), 'node_modules', '.cache', 'freshgate');

/** The file of a template named `name` holding the current migrations and `contents` besides. */
export function templatePath(name: string, contents = ''): string {
  const hash = createHash('sha256');
  hash.update(pgliteVersion());
  for (const migration of readMigrations()) hash.update(`\0${migration.name}\0${migration.sql}`);
  hash.update(`\0${contents}`);
  return path.join(CACHE_DIR, `${name}-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** A template as PGlite's loadDataDir takes it, or undefined when it was not built. */
export function readTemplate(file: string): Blob | undefined {
  if (!existsSync(file)) return undefined;
  return new Blob([gunzipSync(readFileSync(file))]);
}

/**
 * Builds a template unless it exists: a migrated in-memory database (from `base` when given),
 * then `fill`, then the dump. Written under a temporary name and renamed: processes building it at
 * once each write a whole file, and the last rename wins.
 */
export async function ensureTemplate(file: string, fill: (db: Database) => Promise<void> = async () => {}, base?: string): Promise<string> {
  if (existsSync(file)) return file;
  const { openPgliteDatabase } = await import('./pglite-database.js'); // not on a PostgreSQL start's path
  const db = await openPgliteDatabase(undefined, base ? () => readTemplate(base) : undefined);
  try {
    await migrate(db);
    await fill(db);
    const tar = Buffer.from(await (await db.dumpDataDir!()).arrayBuffer());
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, gzipSync(tar));
    renameSync(partial, file);
    return file;
  } finally {
    await db.close();
  }
}

/** The migrated, empty template's file. */
export function pgliteTemplatePath(): string {
  return templatePath('pglite-template');
}

/** The migrated, empty template, or undefined when none was built. */
export function readPgliteTemplate(): Blob | undefined {
  return readTemplate(pgliteTemplatePath());
}

/** Builds the migrated, empty template unless it exists (`npm run build`, the test suites). */
export function ensurePgliteTemplate(): Promise<string> {
  return ensureTemplate(pgliteTemplatePath());
}

function pgliteVersion(): string {
  const manifest = path.join(projectRoot(), 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
