// freshgate's pages over plain HTTP: which GET /graphql serves what under GRAPHQL_IDE, that the
// GraphQL requests themselves are unaffected, the headers the pages carry, the server-rendered
// status page (no JavaScript needed) and the assets route. The browser tests are browser-pages.test.ts.
import { CreatePricingPackDocument, MarkPackErrorDocument } from '../generated/operations';
import { ensureBrowserBundle } from '../support/browser';
import { samplePack } from '../support/packs';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

const HTML = { accept: 'text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8' };

describe("freshgate's pages over HTTP", () => {
  let database: TestDatabase;
  let t: TestServer;
  const base = () => t.server.url.replace(/\/graphql$/, '');

  beforeAll(async () => {
    ensureBrowserBundle();
    database = await openTestDatabase();
    t = await startTestServer({ database });
  });
  afterAll(async () => {
    await t.close();
    await database.close();
  });

  it('GET /graphql from a browser is GraphiQL, with a CSP that allows this origin only', async () => {
    const response = await fetch(t.server.url, { headers: HTML });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    const csp = response.headers.get('content-security-policy')!;
    expect(csp).toContain("default-src 'none'");
    expect(csp).toContain("script-src 'self';");
    expect(csp).toContain(`connect-src 'self' ws://${new URL(t.server.url).host} wss://${new URL(t.server.url).host};`);
    expect(csp).not.toMatch(/https?:\/\/|\*/);
    const html = await response.text();
    expect(html).toContain('<script type="module" src="/assets/graphiql/graphiql.js"></script>');
    expect(html).not.toMatch(/https?:\/\//);
  });

  it('GraphQL over GET and POST is unaffected: JSON for JSON clients', async () => {
    const get = await fetch(`${t.server.url}?query=${encodeURIComponent('{ packHealth { status } }')}`, {
      headers: { accept: 'application/json', 'apollo-require-preflight': 'true' },
    });
    expect(get.status).toBe(200);
    expect(await get.json()).toEqual({ data: { packHealth: { status: 'FRESH' } } });
    // A POST says text/html too (as a browser form would): still GraphQL, never the page.
    const post = await fetch(t.server.url, {
      method: 'POST',
      headers: { ...HTML, 'content-type': 'application/json' },
      body: JSON.stringify({ query: '{ packHealth { status } }' }),
    });
    expect(post.headers.get('content-type')).not.toContain('text/html');
    expect(await post.text()).toContain('"status":"FRESH"');
  });

  it('serves the bundles from node_modules under /assets, and nothing else there', async () => {
    const script = await fetch(`${base()}/assets/status/status.js`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(script.headers.get('x-content-type-options')).toBe('nosniff');
    for (const path of ['/assets/../package.json', '/assets/%2e%2e/package.json', '/assets/BUILT.missing']) {
      const refused = await fetch(`${base()}${path}`);
      expect([path, refused.status]).toEqual([path, 404]);
      expect(await refused.text()).not.toContain('"name": "freshgate"');
    }
    // A directory is never listed: refused in GraphQL's JSON error shape, like the edge's other refusals.
    const directory = await fetch(`${base()}/assets/graphiql/`);
    expect(directory.status).toBe(403);
    expect(directory.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await directory.text()).not.toContain('graphiql.js');
  });

  it('GET /status renders the latest pack in words, without JavaScript, and its error message escaped', async () => {
    const page = await fetch(`${base()}/status`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("style-src 'self';");
    const fresh = await page.text();
    expect(fresh).toMatch(/<html lang="en">[\s\S]*<meta name="viewport" content="width=device-width, initial-scale=1" \/>/);
    expect(fresh).toMatch(/<div id="board" data-status="FRESH" data-pack-id="PP_2026-11-20">/);
    expect(fresh).toContain('is fresh: prices as of <time datetime="2026-11-20">2026-11-20</time>');
    expect(fresh).not.toMatch(/<script>|\son\w+=/);

    const created = await t.request(CreatePricingPackDocument, { input: samplePack('2026-11-23') }, { as: 'pack-builder' });
    const packId = created.data!.createPricingPack!.id;
    const warming = await (await fetch(`${base()}/status`)).text();
    expect(warming).toMatch(/data-status="WARMING"/);
    expect(warming).toMatch(
      /expected ready at <time datetime="[^"]+">[^<]+<\/time>, <span class="countdown" data-countdown="[^"]+">in 1[45] min \d+ s<\/span>/,
    );

    await t.request(MarkPackErrorDocument, { id: packId, message: '<script>alert(1)</script> off by 9 bps' }, { as: 'pack-builder' });
    const error = await (await fetch(`${base()}/status`)).text();
    expect(error).toMatch(/data-status="ERROR"/);
    expect(error).toContain('failed reconciliation: <q data-field="error">&lt;script&gt;alert(1)&lt;/script&gt; off by 9 bps</q>');
    expect(error).not.toContain('<script>alert(1)');
  });

  it.each([
    ['false', 'off'],
    ['apollo-sandbox', 'apollo-sandbox'],
  ] as const)("GRAPHQL_IDE=%s: GET /graphql from a browser is no longer freshgate's GraphiQL", async (_value, ide) => {
    const other = await startTestServer({ database, config: { graphqlIde: ide } });
    try {
      const response = await fetch(other.server.url, { headers: HTML });
      const body = await response.text();
      expect(body).not.toContain('/assets/graphiql/graphiql.js');
      if (ide === 'off') {
        expect(response.status).toBe(400);
        expect(response.headers.get('content-type')).toMatch(/^application\/json/);
      } else {
        expect(response.status).toBe(200);
        expect(body).toContain('embeddable-sandbox');
      }
      // The status page does not depend on the IDE setting.
      expect((await fetch(`${other.server.url.replace(/\/graphql$/, '')}/status`)).status).toBe(200);
    } finally {
      await other.close();
    }
  });
});
