// npm run user:roles -- <userId> --roles viewer,analyst
// For operators: replaces a user's roles (the tenant's last admin keeps admin), audited as the
// operator (cli:<os user>).
import { AppError } from '../shared/errors';
import { Tenancy } from '../tenancy/tenancy';
import { operatorActor, parseArgs, roleList, runCommand, UsageError, withOperatorDatabase } from './operator';

const USAGE = 'npm run user:roles -- <userId> --roles viewer,analyst';

runCommand('user:roles', USAGE, async () => {
  const { positional, options } = parseArgs(process.argv.slice(2), ['--roles']);
  if (positional.length !== 1) throw new UsageError('expected one user id');
  const roles = options.get('--roles');
  if (roles === undefined) throw new UsageError('--roles is required');
  const [userId] = positional;
  const user = await withOperatorDatabase(async (data) => {
    const found = await data.users.findById(userId);
    if (!found) throw new AppError('NOT_FOUND', `No user ${userId}`, { userId });
    return new Tenancy(data).setUserRoles(operatorActor(found.tenantId), { tenantId: found.tenantId, userId }, roleList(roles));
  });
  return `user ${user.id} of tenant ${user.tenantId} now has roles ${user.roles.join(',')}`;
});
