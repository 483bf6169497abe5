// npm run tenant:create -- <tenantId> [--name "…"] [--credits N]
// For operators: a new tenant, with an opening credit balance when --credits is given (a GRANT),
// audited as the operator (cli:<os user>).
import { Tenancy } from '../tenancy/tenancy';
import { operatorActor, parseArgs, runCommand, UsageError, withOperatorDatabase } from './operator';

const USAGE = 'npm run tenant:create -- <tenantId> [--name "…"] [--credits N]';
const NUMBER = /^(?:\d+(?:\.\d*)?|\.\d+)$/;

runCommand('tenant:create', USAGE, async () => {
  const { positional, options } = parseArgs(process.argv.slice(2), ['--name', '--credits']);
  if (positional.length !== 1) throw new UsageError('expected one tenant id');
  const [tenantId] = positional;
  const creditsText = options.get('--credits');
  if (creditsText !== undefined && !NUMBER.test(creditsText)) throw new UsageError('--credits must be a number ≥ 0');
  const tenant = await withOperatorDatabase((data) =>
    new Tenancy(data).createTenant(operatorActor(tenantId), {
      tenantId,
      name: options.get('--name'),
      credits: creditsText === undefined ? undefined : Number(creditsText),
    }),
  );
  return `created tenant ${tenant.id} ("${tenant.name}") with ${tenant.creditBalance} credits`;
});
