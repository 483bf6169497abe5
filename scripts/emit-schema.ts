// Writes schema/schema.graphql from the code (npm run schema). A test fails when they differ.
import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { buildFreshgateSchema, printFreshgateSchema } from '../src/graphql/build-schema';
import { projectRoot } from '../src/shared/project-root';

async function main(): Promise<void> {
  const { schema } = await buildFreshgateSchema();
  const file = path.join(projectRoot(), 'schema', 'schema.graphql');
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, printFreshgateSchema(schema));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exit(1);
});
