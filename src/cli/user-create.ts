// npm run user:create -- <userId> --tenant <tenantId> --roles admin,analyst
// For operators: a new user of a tenant (the first admin of a new tenant, typically), audited as
// the operator (cli:<os user>). Then `npm run token -- <userId>` signs a token for them.
import { Tenancy } from '../tenancy/tenancy';
import { operatorActor, parseArgs, roleList, runCommand, UsageError, withOperatorDatabase } from './operator';

const USAGE = 'npm run user:create -- <userId> --tenant <tenantId> --roles admin,analyst';

runCommand('user:create', USAGE, async () => {
  const { positional, options } = parseArgs(process.argv.slice(2), ['--tenant', '--roles']);
  if (positional.length !== 1) throw new UsageError('expected one user id');
  const tenantId = options.get('--tenant');
  const roles = options.get('--roles');
  if (tenantId === undefined) throw new UsageError('--tenant is required');
  if (roles === undefined) throw new UsageError('--roles is required');
  const user = await withOperatorDatabase((data) =>
    new Tenancy(data).createUser(operatorActor(tenantId), { tenantId, userId: positional[0], roles: roleList(roles) }),
  );
  return `created user ${user.id} in tenant ${user.tenantId} with roles ${user.roles.join(',')}`;
});
