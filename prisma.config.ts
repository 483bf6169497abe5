// Prisma 7 reads its datasource URL from here, not from the schema. Only the CLI uses it
// (`prisma migrate status`/`deploy` on a machine where Prisma's engines can be downloaded);
// freshgate itself migrates with src/db/migrator.ts.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: 'prisma/schema.prisma',
  migrations: { path: 'prisma/migrations' },
  datasource: { url: process.env.DATABASE_URL ?? 'postgresql://postgres@127.0.0.1:5432/freshgate' },
});
