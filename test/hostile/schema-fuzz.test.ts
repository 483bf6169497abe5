import { readFileSync } from 'node:fs';
import path from 'node:path';
import { isScalarType, type GraphQLScalarType } from 'graphql';
import { setErrorReporter } from '../../src/graphql/errors';
import { RawSocket } from '../support/raw-socket';
import {
  fuzzRequest,
  fuzzTargets,
  HOSTILE_VALUES,
  requestBody,
  variableValue,
  type BenignOverrides,
  type FuzzTarget,
  type HostileValue,
} from '../support/schema-fuzz';
import { startTestServer, testConfig, type TestServer } from '../support/test-server';

/**
 * Every argument of the live schema, down to each scalar and enum leaf of its input objects,
 * receives every hostile value as a variable, anonymously and as each kind of user. Whatever
 * happens, the answer is a client error or data: never a 5xx, an INTERNAL_SERVER_ERROR, a stack,
 * a source path or SQL. Values no field may accept (NUL, lone surrogates, numbers beyond a double,
 * absurd nesting, years outside 1900–9999 at dates) are refused as BAD_USER_INPUT before any
 * resolver writes anything, and where the edge guard refuses them, it names the argument path.
 */

const newsPattern = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'patterns', 'portfolio_news.json'), 'utf8')) as Record<
  string,
  unknown
>;

const REALISTIC: BenignOverrides = {
  'CreatePricingPackInput.date': '2025-01-03',
  'CreatePricingPackInput.policy': 'WM4PM_CAD',
  'PackPriceInput.symbol': 'RY.TO',
  'PackPriceInput.close': 171.2,
  'PackPriceInput.currency': 'CAD',
  'PackPriceInput.source': 'FMP',
  'FxRateInput.currency': 'USD',
  'FxRateInput.rate': 1.39,
  'FxRateInput.source': 'FRED',
  'Mutation.markPackFresh(id:)': 'PP_2025-01-03',
  'Mutation.markPackError(id:)': 'PP_2025-01-03',
  'ExecutePatternInput.patternId': 'portfolio_overview',
  'ExecutePatternInput.inputs': { portfolioId: 'pf-demo-growth', start: '2026-01-02' },
  'Mutation.appendLedgerEntries(portfolioId:)': 'pf-demo-growth',
  'LedgerEntryInput.kind': 'DEPOSIT',
  'LedgerEntryInput.tradeDate': '2027-01-04',
  'LedgerEntryInput.currency': 'CAD',
  'LedgerEntryInput.amount': 100,
  'Mutation.grantCredits(tenantId:)': 'demo',
  'Mutation.grantCredits(amount:)': 1,
  'PublishPatternInput.definition': { ...newsPattern, id: 'fuzz_news' },
  'Query._entities(representations:)': { __typename: 'PricingPack', id: 'PP_2025-01-03' },
  // Issue 16, portfolios: a currency the packs convert, so a fuzzed name or description reaches the use-case.
  'CreatePortfolioInput.name': 'Fuzzed',
  'CreatePortfolioInput.baseCurrency': 'CAD',
  'Query.portfolio(id:)': 'pf-demo-growth',
  // Bring your own data: valid securities and users, so each hostile leaf is the only thing wrong.
  'SecurityInput.symbol': 'FUZZ.TO',
  'SecurityInput.name': 'Fuzz Corp.',
  'SecurityInput.currency': 'CAD',
  'SecurityInput.assetClass': 'EQUITY',
  'Query.security(symbol:)': 'RY.TO',
  'CreateUserInput.userId': 'fuzz-user',
  'CreateUserInput.roles': 'viewer',
  'Mutation.setUserRoles(userId:)': 'demo-viewer',
  'Mutation.setUserRoles(roles:)': 'viewer',
  'Mutation.removeUser(userId:)': 'no-such-user',
};

/**
 * Anonymous (refused by the shield after the edge guard) and an admin, whom every rule admits
 * (admins hold the analyst's and the pack builder's rights): every field is reached past its rule.
 */
const IDENTITIES = [undefined, 'demo-admin'] as const;

const STACK = /\n\s+at |\bat [^"\n]*\((?:file:|node:|\/)[^)]*:\d+:\d+\)/;
const INTERNAL = /INTERNAL_SERVER_ERROR/;
const LEAKS: [string, RegExp][] = [
  ['a stack trace', STACK],
  ['a source path', /\/src\/|\.ts:\d/],
  ['SQL', /\bSELECT\b|\bINSERT\b|relation "|violates|invalid byte sequence/],
  ['Prisma', /Prisma/],
  ['an internal error', INTERNAL],
];

type ErrorBody = { message: string; path?: (string | number)[]; extensions?: { code?: string; path?: unknown } };
type Body = { data?: Record<string, unknown> | null; errors?: ErrorBody[] };

/** What an answer must not be; an empty list when it is acceptable. */
function problemsOf(status: number, text: string, target: FuzzTarget, hostile: HostileValue): string[] {
  const problems: string[] = [];
  if (status >= 500) problems.push(`status ${status}`);
  for (const [what, pattern] of LEAKS) if (pattern.test(text)) problems.push(`shows ${what}`);
  let body: Body;
  try {
    body = JSON.parse(text) as Body;
  } catch {
    return [...problems, 'not JSON'];
  }
  if (mustBeRefused(target, hostile) && parentFailed(body, target)) {
    // A field's arguments are checked when it runs: under a parent that was refused or not found
    // (Portfolio.positions under an anonymous portfolio(id)) it never does, and must not answer.
    if (answered(body.data, target)) problems.push('the field answered');
  } else if (mustBeRefused(target, hostile)) {
    const codes = (body.errors ?? []).map((e) => e.extensions?.code);
    if (!codes.includes('BAD_USER_INPUT'))
      problems.push(`not refused as BAD_USER_INPUT (${codes.map((c) => c ?? 'no code').join(',') || 'no error'})`);
    if (answered(body.data, target)) problems.push('the field answered');
    if (reachesTheGuard(target, hostile)) {
      const paths = (body.errors ?? []).flatMap((e) => (Array.isArray(e.extensions?.path) ? (e.extensions.path as string[]) : []));
      if (!paths.some((p) => p === target.label || p.startsWith(`${target.label}.`)))
        problems.push(`no path ${target.label} (${JSON.stringify(paths)})`);
    }
  }
  return problems;
}

/** Whether a field above the target (a nested field's parent) failed with an error of its own. */
function parentFailed(body: Body, target: FuzzTarget): boolean {
  if (target.route.length < 2) return false;
  const field = target.route[target.route.length - 1].field.name;
  return (body.errors ?? []).some((e) => Array.isArray(e.path) && e.extensions?.code !== 'BAD_USER_INPUT' && !e.path.includes(field));
}

/** Whether the data holds a value for the target field (through the first item of any list on the way). */
function answered(data: unknown, target: FuzzTarget): boolean {
  let value = data;
  for (const { field } of target.route) {
    while (Array.isArray(value)) value = value[0];
    if (typeof value !== 'object' || value === null) return false;
    value = (value as Record<string, unknown>)[field.name];
  }
  return value != null;
}

const isDateLeaf = (target: FuzzTarget) => target.leafType.name === 'Date' || target.leafType.name === 'DateTime';

function mustBeRefused(target: FuzzTarget, hostile: HostileValue): boolean {
  return hostile.refused === 'everywhere' || (hostile.refused === 'at dates' && isDateLeaf(target) && target.innerKey === undefined);
}

/** A value the leaf's own scalar takes as it is goes on to the arguments, where the edge guard must name it. */
function reachesTheGuard(target: FuzzTarget, hostile: HostileValue): boolean {
  if (!isScalarType(target.leafType)) return false;
  if (target.innerKey !== undefined) return true;
  try {
    (target.leafType as GraphQLScalarType).parseValue(hostile.value);
    return true;
  } catch {
    return false;
  }
}

/**
 * A large value goes only where its type is accepted: elsewhere graphql-js refuses it by its
 * type, exactly as it refuses the small values of that type, and sending it would only cost time.
 */
function worthSending(target: FuzzTarget, hostile: HostileValue): boolean {
  return (hostile.raw ?? JSON.stringify(hostile.value) ?? '').length < 65_536 || reachesTheGuard(target, hostile);
}

/** Runs the jobs `width` at a time: the server, not the test, should be the busy side. */
async function inPool<T>(jobs: T[], width: number, run: (job: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < jobs.length) await run(jobs[next++]);
    }),
  );
}

describe('schema-driven fuzz', () => {
  let t: TestServer;
  let targets: FuzzTarget[];
  const tokens = new Map<string, string>();
  // The server's logs are silent in tests: an internal error's cause is kept by trace id for the failure message.
  const unexpected = new Map<string, unknown>();

  beforeAll(async () => {
    const limits = testConfig().rateLimits;
    t = await startTestServer({ config: { rateLimits: { ...limits, perUser: 0, perTenant: 0, perAnonymousIp: 0 } } });
    setErrorReporter((error, { traceId }) => unexpected.set(traceId, error));
    targets = fuzzTargets(t.app.schema, REALISTIC);
    for (const user of IDENTITIES) if (user) tokens.set(user, await t.token(user));
  });
  afterAll(async () => {
    await t.close();
  });

  it('finds every argument of every root field, down to the leaves of its input objects', () => {
    const labels = (field: string) => targets.filter((x) => x.route[0].field.name === field).map((x) => x.label);
    for (const root of [t.app.schema.getQueryType()!, t.app.schema.getMutationType()!, t.app.schema.getSubscriptionType()!]) {
      for (const field of Object.values(root.getFields())) {
        for (const argument of field.args) expect(labels(field.name).some((l) => l.split('.')[0] === argument.name)).toBe(true);
      }
    }
    expect(labels('createPricingPack')).toEqual(
      expect.arrayContaining(['input.date', 'input.prices.0.symbol', 'input.prices.0.close', 'input.fxRates.0.rate']),
    );
    expect(labels('executePattern')).toEqual(expect.arrayContaining(['input.inputs', 'input.inputs.portfolioId', 'input.mode']));
    expect(labels('executions')).toEqual(expect.arrayContaining(['filter.from', 'filter.status.0', 'first', 'after']));
  });

  it('answers every hostile value in every argument over HTTP with a client error or data', async () => {
    const cases = targets
      .filter((target) => target.operation !== 'subscription')
      .flatMap((target) =>
        HOSTILE_VALUES.filter((hostile) => worthSending(target, hostile)).flatMap((hostile) =>
          IDENTITIES.map((user) => ({ target, hostile, user })),
        ),
      );
    const failures: string[] = [];
    await inPool(cases, 6, async ({ target, hostile, user }) => {
      const root = target.operation === 'query' ? 'Query' : 'Mutation';
      const body = requestBody(fuzzRequest(target, variableValue(hostile), REALISTIC, root), hostile);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (user) headers.authorization = `Bearer ${tokens.get(user)}`;
      const response = await fetch(t.server.url, { method: 'POST', headers, body });
      const text = await response.text();
      const problems = problemsOf(response.status, text, target, hostile);
      if (problems.length > 0) {
        const traceId = /"traceId":"(\w+)"/.exec(text)?.[1];
        const cause = traceId && unexpected.has(traceId) ? ` — cause: ${String(unexpected.get(traceId)).slice(0, 300)}` : '';
        failures.push(
          `${target.route[0].field.name} ${target.label} ← ${hostile.name} as ${user ?? 'anonymous'}: ${problems.join('; ')} — ${text.slice(0, 300)}${cause}`,
        );
      }
    });
    expect(failures).toEqual([]);
    // And the server is still itself.
    expect((await t.request('{ packHealth { status } }')).data).toEqual({ packHealth: { status: 'FRESH' } });
  }, 180_000);

  it('answers every hostile value in every subscription argument over graphql-ws with an error for that operation, and keeps the socket', async () => {
    const subscriptions = targets.filter((target) => target.operation === 'subscription');
    const maxPayload = testConfig().limits.wsMaxPayloadBytes;
    for (const user of [undefined, 'demo-admin']) {
      const failures: string[] = [];
      const socket = new RawSocket(t.server.wsUrl);
      await socket.init(user ? { authorization: `Bearer ${tokens.get(user)}` } : {});
      const closed = socket.closed.then(({ code }) => `the socket was closed (${code})`);
      let id = 0;
      for (const target of subscriptions) {
        for (const hostile of HOSTILE_VALUES) {
          const opId = `s${++id}`;
          const frameText = `{"id":"${opId}","type":"subscribe","payload":${requestBody(fuzzRequest(target, variableValue(hostile), REALISTIC, 'Subscription'), hostile)}}`;
          if (Buffer.byteLength(frameText) > maxPayload) continue; // over WS_MAX_PAYLOAD_BYTES the socket is closed by design (1009)
          socket.send(frameText);
          const answer = socket.next((f) => f.id === opId && (f.type === 'next' || f.type === 'error')).catch(() => 'no answer');
          const frame = await Promise.race([answer, closed]);
          if (typeof frame === 'string') {
            failures.push(`${target.route[0].field.name} ${target.label} ← ${hostile.name} as ${user ?? 'anonymous'}: ${frame}`);
            break;
          }
          if (frame.type === 'next') socket.send({ id: opId, type: 'complete' });
          const text = JSON.stringify(frame.payload);
          const problems =
            frame.type === 'error'
              ? problemsOf(200, JSON.stringify({ errors: frame.payload }), target, hostile)
              : problemsOf(200, text, target, hostile);
          if (problems.length > 0)
            failures.push(
              `${target.route[0].field.name} ${target.label} ← ${hostile.name} as ${user ?? 'anonymous'}: ${problems.join('; ')} — ${text.slice(0, 300)}`,
            );
        }
      }
      expect(failures).toEqual([]);
      // The socket survived all of it: a well-formed subscription still gets the current health.
      socket.send({ id: 'after', type: 'subscribe', payload: { query: 'subscription { packHealthChanged { status } }' } });
      const after = await socket.next((f) => f.id === 'after');
      expect(after).toMatchObject({ type: 'next', payload: { data: { packHealthChanged: { status: 'FRESH' } } } });
      socket.close();
    }
  });
});
