import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { PGlite } from '@electric-sql/pglite';
import { projectRoot } from '../shared/project-root';
import type { SqlExecutor } from './database';
import { migrate, readMigrations } from './migrator';

/**
 * A new embedded database starts from a template: an empty database with every migration applied,
 * dumped once (PGlite's dumpDataDir) and loaded into each new data directory (loadDataDir). PGlite's
 * initdb and the migrations are most of a first start; loading the template skips both.
 *
 * The template is named by what it contains — the PGlite version and every migration's name and
 * SQL — so a new migration or PGlite release makes a new one, and a stale one is never loaded.
 * It is kept gzipped (4–5 MB) and unzipped here with zlib: PGlite's own decompression is slower.
 */
const CACHE_DIR = path.join(projectRoot(), 'node_modules', '.cache', 'freshgate');

/** The template's file for the current migrations and PGlite version. */
export function pgliteTemplatePath(): string {
  const hash = createHash('sha256');
  hash.update(pgliteVersion());
  for (const migration of readMigrations()) hash.update(`\0${migration.name}\0${migration.sql}`);
  return path.join(CACHE_DIR, `pglite-template-${hash.digest('hex').slice(0, 16)}.tar.gz`);
}

/** The current template as PGlite's loadDataDir takes it, or undefined when none was built. */
export function readPgliteTemplate(): Blob | undefined {
  const file = pgliteTemplatePath();
  if (!existsSync(file)) return undefined;
  return new Blob([gunzipSync(readFileSync(file))]);
}

/**
 * Builds the current template unless it exists (`npm run build` does, and the test suites before
 * their first database). Written under a temporary name and renamed: processes building it at
 * once each write a whole file, and the last rename wins.
 */
export async function ensurePgliteTemplate(): Promise<string> {
  const file = pgliteTemplatePath();
  if (existsSync(file)) return file;
  const pglite = await PGlite.create();
  try {
    const sql: SqlExecutor = {
      async exec(text) {
        await pglite.exec(text);
      },
      async query<Row>(text: string, params: unknown[] = []) {
        return (await pglite.query<Row>(text, params)).rows;
      },
    };
    await migrate({ withConnection: (fn) => fn(sql) });
    const tar = Buffer.from(await (await pglite.dumpDataDir('none')).arrayBuffer());
    mkdirSync(CACHE_DIR, { recursive: true });
    const partial = `${file}.${process.pid}.partial`;
    writeFileSync(partial, gzipSync(tar));
    renameSync(partial, file);
    return file;
  } finally {
    await pglite.close();
  }
}

function pgliteVersion(): string {
  const manifest = path.join(projectRoot(), 'node_modules', '@electric-sql', 'pglite', 'package.json');
  return (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version;
}
