import type { GraphQLSchema } from 'graphql';
import { allow, rule, shield, type IRules } from 'graphql-shield';
import type { IMiddlewareFieldMap } from 'graphql-middleware';
import { hasAnyRole, type Role } from '../auth/roles';
import { actorOf, type GraphQLContext } from './context';
import { sourcesLacking } from '../rights/rights-check';
import { AppError, forbidden, unauthenticated } from '../shared/errors';
import { graphQLErrorOf, toGraphQLError } from './errors';
import type { ExecutionNode } from './executions/execution-mapping';

const notAuthenticated = () => graphQLErrorOf(unauthenticated());
const notAllowed = (what: string) => graphQLErrorOf(forbidden(`Not allowed: ${what}`));

// Cheap checks on the context: no caching, so a rule reused on many fields never answers
// with another field's cached result.
/** The rule of fields any signed-in caller may use; anyone else gets UNAUTHENTICATED. */
export const isAuthenticated = rule({ cache: 'no_cache' })((_parent, _args, ctx: GraphQLContext) =>
  ctx.viewer ? true : notAuthenticated(),
);

/** true when the caller has one of the roles; else the error to answer with. */
function roleCheck(ctx: GraphQLContext, roles: Role[]) {
  if (!ctx.viewer) return notAuthenticated();
  return hasAnyRole(ctx.viewer, roles) ? true : notAllowed(`needs one of the roles ${roles.join(', ')}`);
}

/** The rule of fields only these roles may use: FORBIDDEN for a caller without one, UNAUTHENTICATED for no caller. */
export function hasRole(...roles: Role[]) {
  return rule(`hasRole(${roles.join(',')})`, { cache: 'no_cache' })((_parent, _args, ctx: GraphQLContext) => roleCheck(ctx, roles));
}

const packWriters = hasRole('service', 'admin');
const analysts = hasRole('analyst', 'admin');
const admins = hasRole('admin');

/**
 * Rules read from the rights registry in force (re-read when its file changes): a result may
 * be seen only if every source it used may be viewed here. Evaluated per object, uncached.
 */
const resultViewable = rule('resultViewable', { cache: 'no_cache' })((parent: ExecutionNode, _args, ctx: GraphQLContext) => {
  const blockedSources = sourcesLacking(
    ctx.services.rights.current(),
    parent.attributions.map((a) => a.source),
    'canView',
  );
  return blockedSources.length === 0
    ? true
    : graphQLErrorOf(new AppError('FORBIDDEN', `Not allowed: ${blockedSources.join(', ')} may not be viewed here`, { blockedSources }));
});

/**
 * An analyst's (or admin's) export, and every source of the execution must allow export; a refusal
 * is audited as a rights violation. The role comes first, in the same rule, so a caller without it
 * never causes an audit write — not graphql-shield's chain(): its 7.6.5 release calls
 * util.isUndefined, which Node 23 removed (maticzav/graphql-shield#1561; the fix, #1552, is
 * unreleased).
 */
const analystsExport = rule('analystsExport', { cache: 'no_cache' })(async (
  _parent,
  args: { id: string; format: string },
  ctx: GraphQLContext,
) => {
  const role = roleCheck(ctx, ['analyst', 'admin']);
  if (role !== true) return role;
  try {
    await ctx.services.exports.assertExportable(actorOf(ctx), args.id, args.format);
    return true;
  } catch (error) {
    return toGraphQLError(error, ctx);
  }
});

/**
 * Every field has an explicit rule; anything not listed is denied (fallbackRule). Object
 * types reached only through a guarded root field are allowed as a whole.
 */
export const rules: IRules = {
  Query: {
    packHealth: allow, // the public "data warming" banner
    pricingPack: isAuthenticated,
    pricingPacks: isAuthenticated,
    portfolios: isAuthenticated,
    portfolio: isAuthenticated,
    viewer: isAuthenticated,
    patterns: isAuthenticated,
    pattern: isAuthenticated,
    patternVersion: isAuthenticated,
    execution: isAuthenticated,
    rightsRegistry: isAuthenticated,
    executions: isAuthenticated,
    auditLog: admins,
    _service: allow, // the subgraph's SDL for composition; introspection shows as much
    _entities: isAuthenticated,
    // Bring your own data: securities (shared reference data), users (admins, own tenant).
    securities: isAuthenticated,
    security: isAuthenticated,
    users: admins,
  },
  Mutation: {
    createPricingPack: packWriters,
    markPackFresh: packWriters,
    markPackError: packWriters,
    executePattern: analysts,
    appendLedgerEntries: analysts,
    // The role first, so a caller without it never causes an audit write.
    exportExecution: analystsExport,
    grantCredits: admins,
    publishPattern: admins,
    // Issue 16, portfolios: analysts and admins create and change them, only admins archive.
    createPortfolio: analysts,
    updatePortfolio: analysts,
    archivePortfolio: admins,
    // Bring your own data: the pack builder registers what it prices; admins manage their tenant's users.
    upsertSecurities: packWriters,
    createUser: admins,
    setUserRoles: admins,
    removeUser: admins,
  },
  // Shield cannot guard subscribe (it wraps resolve only): access is decided when the
  // subscription starts, in the subscribe function. Pack health is public, like the query.
  Subscription: {
    packHealthChanged: allow,
    executionProgress: isAuthenticated, // and the tenant check in its subscribe function
  },
  Pattern: allow,
  PatternVersion: allow,
  PatternStep: allow,
  PatternExecution: { '*': allow, result: resultViewable },
  RightsRegistry: allow,
  CreditTransaction: allow,
  PatternExecutionConnection: allow,
  PatternExecutionEdge: allow,
  AuditEntry: allow,
  AuditEntryConnection: allow,
  AuditEntryEdge: allow,
  ExecutionExport: allow,
  ExecutionMetadata: allow,
  StepTrace: allow,
  Attribution: allow,
  ExecutionError: allow,
  // Issue 17, analytics: a run's warnings, readable like its other fields.
  ExecutionWarning: allow,
  ExecutionProgress: allow,
  LedgerCommit: { '*': allow, entries: allow },
  PackHealth: allow,
  PricingPack: allow,
  PackPrice: allow,
  FxRate: allow,
  DataSource: allow,
  PricingPackConnection: allow,
  PricingPackEdge: allow,
  // Issue 16, portfolios: the new fields each named; the reads that go beyond the row (ledger,
  // runs) also need a user, though only authenticated root fields and _entities reach a portfolio.
  Portfolio: {
    '*': allow,
    description: allow,
    archivedAt: allow,
    createdAt: allow,
    positions: isAuthenticated,
    ledger: isAuthenticated,
    executions: isAuthenticated,
  },
  PortfolioPositions: allow,
  Holding: allow,
  CashBalance: allow,
  Security: allow, // reference data, the same for every tenant
  LedgerEntry: allow,
  LedgerCommitConnection: allow,
  LedgerCommitEdge: allow,
  PortfolioConnection: allow,
  PortfolioEdge: allow,
  PageInfo: allow,
  Viewer: allow,
  _Service: allow,
  // Bring your own data: reached only through the guarded fields above.
  SecurityConnection: allow,
  SecurityEdge: allow,
  User: allow,
  UserConnection: allow,
  UserEdge: allow,
};

const shieldOptions = (debug: boolean) => ({
  fallbackRule: rule('deny', { cache: 'no_cache' })(() => notAllowed('no rule grants this field')),
  fallbackError: () => notAllowed('denied'),
  // Errors thrown by resolvers (already coded GraphQLErrors) pass through unchanged.
  allowExternalErrors: true,
  debug,
});

type FieldMiddlewareMap = Record<string, Record<string, IMiddlewareFieldMap[string]>>;

/**
 * The shield's middleware for the fields that a rule guards, and none for the fields whose rule
 * is `allow`.
 *
 * graphql-shield wraps every field of every type in an async middleware, `allow` included: a
 * packHealth answer is eight extra async calls, a pack's price list hundreds. Fields resolved to
 * `allow` by shield's own precedence (field rule, then the type's '*', then the type's rule,
 * then the fallback) keep their plain resolver; every other field gets shield's own middleware,
 * so what is checked, and how, is unchanged.
 */
export function shieldGuards(schema: GraphQLSchema, options: { debug: boolean }): FieldMiddlewareMap {
  const generated = (shield(rules, shieldOptions(options.debug)) as unknown as { generate(s: GraphQLSchema): FieldMiddlewareMap }).generate(
    schema,
  );
  const guarded: FieldMiddlewareMap = {};
  for (const [typeName, fields] of Object.entries(generated)) {
    const typeRules = (rules as Record<string, unknown>)[typeName];
    for (const [fieldName, middleware] of Object.entries(fields)) {
      if (effectiveRule(typeRules, fieldName) === allow) continue;
      (guarded[typeName] ??= {})[fieldName] = middleware;
    }
  }
  return guarded;
}

function effectiveRule(typeRules: unknown, fieldName: string): unknown {
  if (typeRules === undefined) return undefined; // the fallback: deny
  if (typeof typeRules === 'object' && typeRules !== null && !('resolve' in typeRules)) {
    const map = typeRules as Record<string, unknown>;
    return map[fieldName] ?? map['*'];
  }
  return typeRules;
}
