#!/usr/bin/env node
// `prisma generate` needs no schema engine, but the Prisma 7 CLI insists on downloading one
// from a host this project's machines cannot reach. Pointing PRISMA_SCHEMA_ENGINE_BINARY at
// any existing file skips that download; generation itself is unaffected.
const { execFileSync } = require('node:child_process');
const path = require('node:path');

const env = { ...process.env };
if (!env.PRISMA_SCHEMA_ENGINE_BINARY) env.PRISMA_SCHEMA_ENGINE_BINARY = __filename;
env.PRISMA_HIDE_UPDATE_MESSAGE = '1';
const cli = path.join(__dirname, '..', 'node_modules', 'prisma', 'build', 'index.js');
execFileSync(process.execPath, [cli, 'generate'], { stdio: 'inherit', env });
