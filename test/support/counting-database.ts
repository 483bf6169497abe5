import type { Database } from '../../src/db/database';
import type { TestDatabase } from './test-database';

/**
 * The test database with every query the application sends recorded, as `Model.operation` for
 * Prisma's and `sql` for the SQL executor's: the database work a request did, whichever way.
 */
export function countingDatabase(database: TestDatabase): { database: TestDatabase; queries: string[] } {
  const queries: string[] = [];
  const prisma = database.db.prisma.$extends({
    query: {
      $allModels: {
        $allOperations({ model, operation, args, query }) {
          queries.push(`${model}.${operation}`);
          return query(args);
        },
      },
    },
  }) as unknown as Database['prisma'];
  const sql: Database['sql'] = {
    exec(text) {
      queries.push('sql');
      return database.db.sql.exec(text);
    },
    query<Row>(text: string, params?: unknown[]) {
      queries.push('sql');
      return database.db.sql.query<Row>(text, params);
    },
  };
  return { database: { ...database, db: { ...database.db, prisma, sql } }, queries };
}
