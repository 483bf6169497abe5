// npm run credits:grant -- <tenantId> <amount> "<reason>" [--actor <userId>]
// For operators: adds credits to a tenant, recorded as a GRANT with its audit entry.
import { randomUUID } from 'node:crypto';
import { grantCredits } from '../accounting/grant-credits';
import { loadConfig } from '../config';
import { migrate } from '../db/migrator';
import { openDatabase } from '../db/open-database';
import { createDataLayer } from '../data/data-layer';

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const actorAt = args.indexOf('--actor');
  const actor = actorAt >= 0 ? args.splice(actorAt, 2)[1] : 'operator';
  const [tenantId, amountText, reason] = args;
  if (!tenantId || !amountText || !reason)
    throw new Error('usage: npm run credits:grant -- <tenantId> <amount> "<reason>" [--actor <userId>]');
  const db = await openDatabase(loadConfig());
  try {
    await migrate(db);
    const id = randomUUID();
    const change = await grantCredits(
      createDataLayer(db),
      { userId: actor, tenantId, traceId: id.replace(/-/g, ''), requestId: id },
      { tenantId, amount: Number(amountText), reason },
    );
    process.stdout.write(`granted ${change.amount} credits to ${tenantId}; balance ${change.balanceAfter}\n`);
  } finally {
    await db.close();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`${(error as Error).message}\n`);
  process.exit(1);
});
