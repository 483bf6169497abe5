// npm run user:remove -- <userId>
// For operators: removes a user (not the tenant's last admin), audited as the operator
// (cli:<os user>). Their tokens stop working; history keeps their id, which is never reused.
import { AppError } from '../shared/errors';
import { Tenancy } from '../tenancy/tenancy';
import { operatorActor, parseArgs, runCommand, UsageError, withOperatorDatabase } from './operator';

const USAGE = 'npm run user:remove -- <userId>';

runCommand('user:remove', USAGE, async () => {
  const { positional } = parseArgs(process.argv.slice(2), []);
  if (positional.length !== 1) throw new UsageError('expected one user id');
  const [userId] = positional;
  const user = await withOperatorDatabase(async (data) => {
    const found = await data.users.findById(userId);
    if (!found) throw new AppError('NOT_FOUND', `No user ${userId}`, { userId });
    return new Tenancy(data).removeUser(operatorActor(found.tenantId), { tenantId: found.tenantId, userId });
  });
  return `removed user ${user.id} from tenant ${user.tenantId}`;
});
