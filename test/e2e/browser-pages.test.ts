// freshgate's own pages in a real browser (Debian's Chromium, headless, through playwright-core)
// whose network reaches the server under test only: the GraphiQL IDE at GET /graphql and the
// live status page at /status. Screenshots of each state go to test-artifacts/.
import type { Browser, Page } from 'playwright-core';
import { CreatePricingPackDocument, MarkPackErrorDocument, MarkPackFreshDocument, PackHealthDocument } from '../generated/operations';
import { confinedPage, ensureBrowserBundle, launchBrowser, screenshot, withChromium, type NetworkLog } from '../support/browser';
import { samplePack } from '../support/packs';
import { openTestDatabase, type TestDatabase } from '../support/test-database';
import { startTestServer, type TestServer } from '../support/test-server';

jest.setTimeout(120_000);

/** How soon a change must show on the status page (the issue: within a second). */
const LIVE_WITHIN_MS = 1_000;

withChromium('freshgate pages in Chromium, offline but for the server under test', () => {
  let database: TestDatabase;
  let t: TestServer;
  let browser: Browser;
  let origin: string;

  beforeAll(async () => {
    ensureBrowserBundle();
    database = await openTestDatabase();
    t = await startTestServer({ database });
    origin = new URL(t.server.url).origin;
    browser = await launchBrowser();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await database?.close();
  });

  async function publish(date: string): Promise<string> {
    const created = await t.request(CreatePricingPackDocument, { input: samplePack(date) }, { as: 'pack-builder' });
    expect(created.errors).toBeUndefined();
    return created.data!.createPricingPack!.id;
  }

  function expectConfined(log: NetworkLog): void {
    expect(log.external).toEqual([]);
    expect(log.failed).toEqual([]);
    expect(log.consoleErrors).toEqual([]);
    for (const socket of log.webSockets) expect(new URL(socket).host).toBe(new URL(origin).host);
  }

  describe('GraphiQL at GET /graphql', () => {
    it('loads every asset from this server, runs a query and receives a subscription event', async () => {
      const { context, page, log } = await confinedPage(browser, origin);
      try {
        const response = await page.goto(`${origin}/graphql`);
        expect(response?.headers()['content-security-policy']).toMatch(/default-src 'none'.*script-src 'self'/);
        // The schema's descriptions, in the docs explorer, once introspection has loaded.
        await page.getByRole('button', { name: 'Show Documentation Explorer' }).click();
        await page.locator('.graphiql-doc-explorer').getByText('Query', { exact: true }).click();
        await page.getByText('Health of a pack; the latest non-superseded pack when packId is omitted.').waitFor();
        // The explorer plugin lists the root fields to build an operation from.
        await page.getByRole('button', { name: 'Show GraphiQL Explorer' }).click();
        await page.locator('.graphiql-plugin').getByText('pricingPacks', { exact: true }).waitFor();
        await screenshot(page, 'graphiql-explorer');

        await run(page, 'PackHealth');
        await waitForResponse(page, /"status":\s"FRESH"/);
        expect(await responseText(page)).toContain('"packId": "PP_2026-11-20"');

        await run(page, 'PackHealthChanged');
        await waitForResponse(page, /"status":\s"FRESH"/);
        expect(log.webSockets).toEqual([`${origin.replace('http', 'ws')}/graphql`]);
        const packId = await publish('2026-11-23');
        await waitForResponse(page, /"status":\s"WARMING"/);
        expect(await responseText(page)).toContain(`"packId": "${packId}"`);
        await screenshot(page, 'graphiql-subscription');

        await page.getByRole('button', { name: 'Show History' }).click();
        await expect(page.locator('.graphiql-history-item').first().waitFor()).resolves.toBeUndefined();
        expectConfined(log);
        await t.request(MarkPackFreshDocument, { id: packId }, { as: 'pack-builder' });
      } finally {
        await context.close();
      }
    });
  });

  describe('the status page at /status', () => {
    let page: Page;
    let log: NetworkLog;
    let close: () => Promise<void>;

    beforeAll(async () => {
      const confined = await confinedPage(browser, origin);
      ({ page, log } = confined);
      close = () => confined.context.close();
    });
    afterAll(() => close());

    const board = () => page.locator('#board');
    async function becomes(status: string, withinMs: number): Promise<void> {
      await page.locator(`#board[data-status="${status}"]`).waitFor({ timeout: withinMs });
    }

    it('shows FRESH, rendered on the server, then follows packHealthChanged live', async () => {
      const response = await page.goto(`${origin}/status`);
      expect(response?.headers()['content-security-policy']).toMatch(/script-src 'self';.*style-src 'self';/);
      const { packId, asofDate } = (await t.request(PackHealthDocument, {})).data!.packHealth;
      expect(await board().getAttribute('data-status')).toBe('FRESH');
      expect(await board().getAttribute('data-pack-id')).toBe(packId);
      await expect(page.locator('.headline').textContent()).resolves.toMatch(
        new RegExp(
          `^Fresh\\s+Pack ${packId} is fresh: prices as of ${asofDate}, published \\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d UTC\\.`,
        ),
      );
      await liveState(page, 'live', 5_000);
      await screenshot(page, 'status-fresh');
    });

    it('turns WARMING within a second of createPricingPack, and counts down to estimatedReady', async () => {
      const packId = await publish('2026-11-24');
      const published = Date.now();
      await becomes('WARMING', LIVE_WITHIN_MS);
      expect(Date.now() - published).toBeLessThan(LIVE_WITHIN_MS);
      expect(await board().getAttribute('data-pack-id')).toBe(packId);
      await expect(page.locator('.headline').textContent()).resolves.toMatch(
        new RegExp(`Pack ${packId} .* is warming up: expected ready at .* in 1[45] min`),
      );

      // It ticks once a second, so two steps down come within a few seconds, and never sooner than
      // the clock allows: n steps take more than n - 1 seconds. (Reading twice after a fixed wait
      // counted the ticks a busy browser delays.)
      const countdown = async () => secondsLeft(await page.locator('.countdown').textContent());
      const first = await countdown();
      const firstReadAt = Date.now();
      let later = first;
      while (later > first - 2 && Date.now() - firstReadAt < 6_000) {
        await page.waitForTimeout(100);
        later = await countdown();
      }
      const dropped = first - later;
      expect(dropped).toBeGreaterThanOrEqual(2);
      expect(Date.now() - firstReadAt).toBeGreaterThan((dropped - 1) * 1_000);
      await screenshot(page, 'status-warming');

      const fresh = await t.request(MarkPackFreshDocument, { id: packId }, { as: 'pack-builder' });
      expect(fresh.errors).toBeUndefined();
      const marked = Date.now();
      await becomes('FRESH', LIVE_WITHIN_MS);
      expect(Date.now() - marked).toBeLessThan(LIVE_WITHIN_MS);
      await expect(page.locator('.countdown').count()).resolves.toBe(0);
      await expect(page.locator(`#board tr[data-pack-id="${packId}"]`).textContent()).resolves.toContain('Fresh');
    });

    it('turns ERROR with its message after markPackError', async () => {
      const before = await board().getAttribute('data-pack-id');
      const packId = await publish('2026-11-25');
      await becomes('WARMING', LIVE_WITHIN_MS);
      const failed = await t.request(MarkPackErrorDocument, { id: packId, message: 'FX USD off by 42 bps' }, { as: 'pack-builder' });
      expect(failed.errors).toBeUndefined();
      const marked = Date.now();
      await becomes('ERROR', LIVE_WITHIN_MS);
      expect(Date.now() - marked).toBeLessThan(LIVE_WITHIN_MS);
      await expect(page.locator('.headline').textContent()).resolves.toMatch(
        new RegExp(`Error\\s+Pack ${packId} .*failed reconciliation: .?FX USD off by 42 bps`),
      );
      const rows = await Promise.all((await page.locator('#board tbody tr').all()).map((row) => row.getAttribute('data-pack-id')));
      expect(rows.slice(0, 2)).toEqual([packId, before]);
      await screenshot(page, 'status-error');
      expectConfined(log);
    });

    it('recovers by itself after the server restarts', async () => {
      const { port } = t.server;
      await t.close();
      await liveState(page, 'reconnecting', 5_000);
      await screenshot(page, 'status-reconnecting');

      t = await startTestServer({ database, config: { port } });
      await liveState(page, 'live', 10_000);
      const packId = await publish('2026-11-26');
      await becomes('WARMING', LIVE_WITHIN_MS);
      expect(await board().getAttribute('data-pack-id')).toBe(packId);
      await t.request(MarkPackFreshDocument, { id: packId }, { as: 'pack-builder' });
      await becomes('FRESH', LIVE_WITHIN_MS);
      await screenshot(page, 'status-after-restart');
    });
  });
});

/**
 * Runs one operation of the editor's document with GraphiQL's execute button, which offers a menu
 * of the document's operations. On a busy machine the editor may not have parsed the document when
 * the button is first pressed (no menu appears): the press is repeated, as a user would.
 */
async function run(page: Page, operationName: string): Promise<void> {
  await page.locator('.graphiql-query-editor .view-lines', { hasText: operationName }).waitFor({ timeout: 30_000 });
  const item = page.getByRole('menuitem', { name: operationName, exact: true });
  for (let attempt = 1; ; attempt++) {
    await page.locator('.graphiql-execute-button').click();
    try {
      await item.waitFor({ timeout: 10_000 });
      break;
    } catch (error) {
      if (attempt === 3) throw error;
      await page.keyboard.press('Escape');
    }
  }
  await item.click();
}

/** The response editor's text (Monaco renders spaces as no-break spaces). */
async function responseText(page: Page): Promise<string> {
  return (await page.locator('.graphiql-response .view-lines').innerText()).replace(/\u00a0/g, ' ');
}

async function waitForResponse(page: Page, pattern: RegExp): Promise<void> {
  await page.locator('.graphiql-response .view-lines', { hasText: pattern }).waitFor({ timeout: 10_000 });
}

async function liveState(page: Page, state: string, timeout: number): Promise<void> {
  await page.locator(`#live[data-state="${state}"]`).waitFor({ timeout });
}

function secondsLeft(text: string | null): number {
  const match = /in (?:(\d+) min )?(\d+) s/.exec(text ?? '');
  if (!match) throw new Error(`not a countdown: ${text}`);
  return Number(match[1] ?? 0) * 60 + Number(match[2]);
}
