import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ApolloClient, HttpLink, InMemoryCache, type OperationVariables, type TypedDocumentNode } from '@apollo/client';
import { print } from 'graphql';
import {
  ExecutePatternDocument,
  ExecutionDocument,
  ExecutionsDocument,
  PackHealthDocument,
  PatternDocument,
  PatternsDocument,
  PatternVersionDocument,
  PortfolioDocument,
  PortfoliosDocument,
  PricingPackDocument,
  PricingPacksDocument,
  RightsRegistryDocument,
  ViewerDocument,
} from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

/** The type policies the README tells Apollo Client users to pass (schema/apollo-type-policies.json). */
function typePolicies(): Record<string, object> {
  const { $comment: _comment, ...policies } = JSON.parse(
    readFileSync(path.join(__dirname, '..', '..', 'schema', 'apollo-type-policies.json'), 'utf8'),
  ) as Record<string, object>;
  return policies;
}

/** Drops the __typename fields Apollo Client adds to every selection. */
function withoutTypenames(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(withoutTypenames);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value)
      .filter(([key]) => key !== '__typename')
      .map(([key, v]) => [key, withoutTypenames(v)]),
  );
}

/**
 * A normalising client cache (Apollo Client's InMemoryCache: objects keyed by `__typename` and
 * `id`, with the documented policies for the few types without identity) must hold, for every
 * example operation, what the server answers: no two different objects may share a type and an id.
 */
describe("Apollo Client's InMemoryCache over the example operations", () => {
  let t: TestServer;
  let client: ApolloClient;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer();
    token = await t.token('demo-admin');
    client = new ApolloClient({
      link: new HttpLink({ uri: t.server.url, headers: { authorization: `Bearer ${token}` } }),
      cache: new InMemoryCache({ typePolicies: typePolicies() }),
    });
  });
  afterAll(async () => {
    client.stop();
    await t.close();
  });

  /** The server's own answer, without any cache: what the cache must agree with. */
  async function serverAnswer<T, V>(document: TypedDocumentNode<T, V>, variables: V): Promise<unknown> {
    const response = await t.request(print(document), variables, { token });
    expect(response.errors).toBeUndefined();
    return response.data;
  }

  it('keeps every answer intact across patterns, pattern versions, executions, packs and portfolios', async () => {
    // Two executions of two patterns whose steps share step ids (both have a "series" step).
    const overview = await client.mutate({
      mutation: ExecutePatternDocument,
      variables: { input: { patternId: 'portfolio_overview', inputs: { portfolioId: 'pf-demo-growth' } } },
    });
    const risk = await client.mutate({
      mutation: ExecutePatternDocument,
      variables: { input: { patternId: 'portfolio_risk', inputs: { portfolioId: 'pf-demo-growth' } } },
    });
    const overviewId = overview.data!.executePattern!.id;
    const riskId = risk.data!.executePattern!.id;
    // A newer version of the pattern the first execution ran.
    const definition = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'patterns', 'portfolio_overview.json'), 'utf8'));
    const published = await t.request(
      'mutation($input: PublishPatternInput!, $ifMatch: String) { publishPattern(input: $input, ifMatch: $ifMatch) { version } }',
      {
        input: { definition: { ...definition, version: '1.1.1', description: 'Overview, republished.' } },
        ifMatch: (await t.app.services.patterns.currentVersion('portfolio_overview'))!.sha256,
      },
      { token },
    );
    expect(published.errors).toBeUndefined();

    const operations: [TypedDocumentNode<unknown, OperationVariables>, OperationVariables][] = [
      [ExecutionDocument as never, { id: overviewId }],
      [ExecutionDocument as never, { id: riskId }],
      [PatternVersionDocument as never, { id: 'portfolio_overview@1.1.0' }],
      [PatternVersionDocument as never, { id: 'portfolio_risk@1.1.0' }],
      // Loaded last among the pattern queries: the current version must not rewrite what ran.
      [PatternsDocument as never, {}],
      [PatternDocument as never, { id: 'portfolio_overview' }],
      [ExecutionsDocument as never, { first: 5 }],
      [PricingPacksDocument as never, { first: 3 }],
      [PricingPackDocument as never, { id: 'PP_2026-11-20' }],
      [PackHealthDocument as never, {}],
      [ViewerDocument as never, {}],
      [PortfoliosDocument as never, {}],
      [PortfolioDocument as never, { id: 'pf-demo-growth' }],
      [RightsRegistryDocument as never, {}],
    ];
    for (const [query, variables] of operations) await client.query({ query, variables, fetchPolicy: 'network-only' });

    for (const [query, variables] of operations) {
      const cached = client.readQuery({ query, variables });
      expect({ operation: print(query).split('\n')[0], variables, data: withoutTypenames(cached) }).toEqual({
        operation: print(query).split('\n')[0],
        variables,
        data: await serverAnswer(query, variables),
      });
    }

    // What the first execution ran stays 1.1.0; its pattern (current) is 1.1.1 — two objects.
    const execution = client.readQuery({ query: ExecutionDocument, variables: { id: overviewId } })!.execution!;
    expect(execution.patternVersion).toMatchObject({ id: 'portfolio_overview@1.1.0', version: '1.1.0' });
    expect(execution.pattern).toMatchObject({ id: 'portfolio_overview', version: '1.1.1' });
    const patterns = client.readQuery({ query: PatternsDocument })!.patterns;
    const stepIds = patterns.flatMap((p) => p.steps.map((s) => s.id));
    expect(new Set(stepIds).size).toBe(stepIds.length);
    expect(stepIds).toEqual(expect.arrayContaining(['portfolio_overview@1.1.1#series', 'portfolio_risk@1.1.0#series']));
  });
});
