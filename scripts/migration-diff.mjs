#!/usr/bin/env node
// Prints the SQL that takes the database from prisma/migrations to prisma/schema.prisma,
// using Prisma's own schema engine compiled to WebAssembly and an in-memory PGlite as the
// shadow database. This replaces `prisma migrate diff`, whose native engine cannot be
// downloaded on this project's machines.
//
//   node scripts/migration-diff.mjs            # SQL on stdout (empty when up to date)
//   node scripts/migration-diff.mjs --check    # exit 1 when the schema has unmigrated changes
import { readFileSync, readdirSync, existsSync } from 'node:fs';
import path from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { PrismaPGlite } from 'pglite-prisma-adapter';
import { bindMigrationAwareSqlAdapterFactory } from '@prisma/driver-adapter-utils';
import { createRequire } from 'node:module';
import * as bindings from '@prisma/schema-engine-wasm/schema_engine_bg';

// The package imports its .wasm as an ES module (a bundler convention Node lacks), so
// instantiate it by hand with the generated JS bindings as its imports.
const wasmPath = createRequire(import.meta.url)
  .resolve('@prisma/schema-engine-wasm/schema_engine_bg')
  .replace(/\.js$/, '.wasm');
const { instance } = await WebAssembly.instantiate(readFileSync(wasmPath), { './schema_engine_bg.js': bindings });
bindings.__wbg_set_wasm(instance.exports);
instance.exports.__wbindgen_start();
const { SchemaEngine } = bindings;

const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const schemaPath = path.join(root, 'prisma', 'schema.prisma');
const migrationsDir = path.join(root, 'prisma', 'migrations');

const migrationDirectories = existsSync(migrationsDir)
  ? readdirSync(migrationsDir, { withFileTypes: true })
      .filter((d) => d.isDirectory())
      .map((d) => d.name)
      .sort()
      .map((name) => ({
        path: name,
        migrationFile: {
          path: 'migration.sql',
          content: { tag: 'ok', value: readFileSync(path.join(migrationsDir, name, 'migration.sql'), 'utf8') },
        },
      }))
  : [];

const lockPath = path.join(migrationsDir, 'migration_lock.toml');
const shadow = new PGlite();
const factory = new PrismaPGlite(shadow);
// The engine expects the Result-wrapped adapter the Prisma CLI builds, not the raw factory.
const adapter = bindMigrationAwareSqlAdapterFactory(factory);
const schema = { files: [{ path: schemaPath, content: readFileSync(schemaPath, 'utf8') }] };
const engine = await SchemaEngine.new({ datamodels: [[schemaPath, schema.files[0].content]] }, () => {}, adapter);

const from = migrationDirectories.length
  ? {
      tag: 'migrations',
      baseDir: migrationsDir,
      lockfile: { path: 'migration_lock.toml', content: existsSync(lockPath) ? readFileSync(lockPath, 'utf8') : null },
      shadowDbInitScript: '',
      migrationDirectories,
    }
  : { tag: 'empty' };

const originalWrite = process.stdout.write.bind(process.stdout);
const result = await engine.diff({
  from,
  to: { tag: 'schemaDatamodel', ...schema },
  script: true,
  exitCode: null,
  filters: { externalTables: [], externalEnums: [] },
});
const sql = result.stdout ?? '';
await shadow.close();

const empty = sql.trim() === '' || /^-- This is an empty migration\.?\s*$/.test(sql.trim());
if (process.argv.includes('--check')) {
  if (!empty) {
    originalWrite('prisma/schema.prisma has changes that no migration contains:\n' + sql);
    process.exit(1);
  }
  originalWrite('migrations are up to date with prisma/schema.prisma\n');
} else if (!empty) {
  originalWrite(sql);
}
