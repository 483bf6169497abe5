import { composeServices } from '@apollo/composition';
import { ApolloGateway, RemoteGraphQLDataSource } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { parse } from 'graphql';
import { startTestServer, type TestServer } from '../support/test-server';

interface RouterContext {
  authorization?: string;
}

describe('federation 2 subgraph', () => {
  let t: TestServer;
  let sdl: string;

  beforeAll(async () => {
    t = await startTestServer();
    const response = await t.request<{ _service: { sdl: string } }, never>('{ _service { sdl } }');
    sdl = response.data!._service.sdl;
  });
  afterAll(async () => {
    await t.close();
  });

  it('serves its SDL through _service, with @link to federation ≥ 2.4 and @key entities', () => {
    expect(sdl).toMatch(/@link\(url: "https:\/\/specs\.apollo\.dev\/federation\/v2\.(\d+)"/);
    const minor = Number(/federation\/v2\.(\d+)/.exec(sdl)![1]);
    expect(minor).toBeGreaterThanOrEqual(4);
    expect(sdl).toMatch(/type PricingPack\s+@key\(fields: "id"\)/);
    expect(sdl).toMatch(/type Portfolio\s+@key\(fields: "id"\)/);
  });

  it('resolves entities through _entities, behind the shield and inside the tenant', async () => {
    const query = `query ($r: [_Any!]!) { _entities(representations: $r) {
      ... on PricingPack { id status } ... on Portfolio { id name } } }`;
    const representations = [
      { __typename: 'PricingPack', id: 'PP_2026-11-20' },
      { __typename: 'Portfolio', id: 'pf-demo-growth' },
      { __typename: 'Portfolio', id: 'pf-other-income' },
    ];
    const anonymous = await t.request(query, { r: representations });
    expect(anonymous.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');

    const demo = await t.request<{ _entities: unknown[] }, { r: unknown[] }>(query, { r: representations }, { as: 'demo-viewer' });
    expect(demo.errors).toBeUndefined();
    expect(demo.data?._entities).toEqual([
      { id: 'PP_2026-11-20', status: 'FRESH' },
      { id: 'pf-demo-growth', name: 'Demo Growth' },
      null, // another tenant's portfolio is indistinguishable from a missing one
    ]);
  });

  it('composes with @apollo/composition and answers a query sent through @apollo/gateway', async () => {
    const composed = composeServices([{ name: 'freshgate', typeDefs: parse(sdl), url: t.server.url }]);
    expect(composed.errors ?? []).toEqual([]);

    const gateway = new ApolloGateway({
      supergraphSdl: composed.supergraphSdl!,
      buildService: ({ url }) =>
        new RemoteGraphQLDataSource<RouterContext>({
          url,
          willSendRequest({ request, context }) {
            if (context.authorization) request.http?.headers.set('authorization', context.authorization);
          },
        }),
    });
    const router = new ApolloServer<RouterContext>({ gateway });
    await router.start();
    try {
      const token = await t.token('demo-analyst');
      const result = await router.executeOperation(
        {
          query: `{ packHealth { status packId }
                    pricingPack(id: "PP_2026-11-20") { id asofDate sources { name watermarkRequired } }
                    portfolios { edges { node { id baseCurrency } } } }`,
        },
        { contextValue: { authorization: `Bearer ${token}` } },
      );
      expect(result.body.kind).toBe('single');
      const single = (result.body as { singleResult: { data?: unknown; errors?: unknown } }).singleResult;
      expect(single.errors).toBeUndefined();
      expect(single.data).toEqual({
        packHealth: { status: 'FRESH', packId: 'PP_2026-11-20' },
        pricingPack: {
          id: 'PP_2026-11-20',
          asofDate: '2026-11-20',
          sources: [
            { name: 'FMP', watermarkRequired: true },
            { name: 'FRED', watermarkRequired: false },
            { name: 'Polygon', watermarkRequired: true },
          ],
        },
        portfolios: { edges: [{ node: { id: 'pf-demo-growth', baseCurrency: 'CAD' } }] },
      });

      const anonymous = await router.executeOperation({ query: '{ viewer { userId } }' }, { contextValue: {} });
      const anonymousResult = (anonymous.body as { singleResult: { errors?: { extensions?: { code?: string } }[] } }).singleResult;
      expect(anonymousResult.errors?.[0].extensions?.code).toBe('UNAUTHENTICATED');
    } finally {
      await router.stop();
    }
  });
});
