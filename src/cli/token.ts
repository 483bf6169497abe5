// npm run token -- <userId> [--expires 12h]
// Prints a valid HS256 token for a user of the configured database (embedded by default).
import path from 'node:path';
import { embeddedDatabaseOwner } from '../db/embedded-lock';
import { resolveJwtSecret } from '../auth/jwt-secret';
import { issueToken } from '../auth/token-issuer';
import { loadConfig } from '../config';
import { openDatabase } from '../db/open-database';
import { createDataLayer } from '../data/data-layer';
import { pendingMigrations } from '../db/migrator';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const userId = args.find((a) => !a.startsWith('--'));
  const expiresAt = args.indexOf('--expires');
  const expiresIn = expiresAt >= 0 ? args[expiresAt + 1] : '12h';
  if (!userId) throw new Error('usage: npm run token -- <userId> [--expires 12h]');

  const config = loadConfig();
  const secret = resolveJwtSecret(config);
  if (!secret) throw new Error('tokens can only be issued with JWT_SECRET (JWT_JWKS_URL keys belong to your identity provider)');
  const issue = () => issueToken(secret, userId, { expiresIn, issuer: config.jwt.issuer, audience: config.jwt.audience });

  const pgliteDir = path.join(config.dataDir, 'pglite');
  const owner = config.databaseUrl ? undefined : embeddedDatabaseOwner(pgliteDir);
  if (owner !== undefined) {
    // The running server holds the embedded database; it checks the user on every request.
    process.stderr.write(`token for ${userId}, valid ${expiresIn} (user not checked: the embedded database is in use by pid ${owner}):\n`);
    process.stdout.write(`${await issue()}\n`);
    return;
  }

  const db = await openDatabase(config);
  try {
    if ((await pendingMigrations(db)).length > 0)
      throw new Error('the database is not migrated yet: run npm start or npm run db:migrate first');
    const user = await createDataLayer(db).users.findById(userId);
    if (!user) throw new Error(`no user ${userId} in the database`);
    const token = await issue();
    process.stderr.write(`token for ${userId} (tenant ${user.tenantId}, roles ${user.roles.join(', ')}), valid ${expiresIn}:\n`);
    process.stdout.write(`${token}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
