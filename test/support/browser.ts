import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

const root = path.join(__dirname, '..', '..');

/** Debian's Chromium (package `chromium`; .ci/run installs it when missing). */
export const CHROMIUM = '/usr/bin/chromium';
/** Screenshots of the pages under test: a git-ignored artefact directory. */
export const ARTIFACTS = path.join(root, 'test-artifacts');

/**
 * describe, or describe.skip with the reason when Chromium is missing outside CI. In CI the
 * tests always run (and fail if the browser is missing): a skipped browser test proves nothing.
 */
export const withChromium: jest.Describe = (() => {
  if (existsSync(CHROMIUM) || process.env.CI) return describe;
  console.warn(`browser tests skipped: ${CHROMIUM} is missing (apt-get install -y chromium); in CI they run`);
  return describe.skip;
})();

/**
 * The pages' scripts are bundled from node_modules by scripts/build-browser.mjs (part of
 * `npm run build`); built here when missing or older than their sources.
 */
export function ensureBrowserBundle(): void {
  const stamp = path.join(root, 'dist', 'browser', 'BUILT');
  const sources = [path.join(root, 'browser'), path.join(root, 'scripts', 'build-browser.mjs'), path.join(root, 'package-lock.json')];
  const newest = Math.max(...sources.flatMap((source) => mtimes(source)));
  if (existsSync(stamp) && statSync(stamp).mtimeMs >= newest) return;
  execFileSync(process.execPath, [path.join(root, 'scripts', 'build-browser.mjs')], { cwd: root, stdio: 'inherit' });
}

function mtimes(file: string): number[] {
  const stat = statSync(file);
  if (!stat.isDirectory()) return [stat.mtimeMs];
  return readdirSync(file).flatMap((name) => mtimes(path.join(file, name)));
}

/** What left (or tried to leave) the page for anywhere but the server under test. */
export interface NetworkLog {
  external: string[];
  failed: string[];
  consoleErrors: string[];
  webSockets: string[];
}

/**
 * Headless Chromium whose network reaches the server under test only: every other host name is
 * unresolvable (--host-resolver-rules, which covers workers and WebSockets too), and every request
 * to another origin is aborted and recorded.
 */
export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ['--no-sandbox', '--host-resolver-rules=MAP * ~NOTFOUND, EXCLUDE 127.0.0.1', '--disable-background-networking'],
  });
}

/** A page confined to origin, with a log of every request that tried to leave it or failed. */
export async function confinedPage(browser: Browser, origin: string): Promise<{ context: BrowserContext; page: Page; log: NetworkLog }> {
  const log: NetworkLog = { external: [], failed: [], consoleErrors: [], webSockets: [] };
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, serviceWorkers: 'block' });
  await context.route('**/*', async (route) => {
    const url = route.request().url();
    if (new URL(url).origin === origin || url.startsWith('data:')) return route.continue();
    log.external.push(url);
    return route.abort('blockedbyclient');
  });
  const page = await context.newPage();
  page.on('requestfailed', (request) => log.failed.push(`${request.url()}: ${request.failure()?.errorText}`));
  page.on('response', (response) => {
    if (response.status() >= 400) log.failed.push(`${response.url()}: HTTP ${response.status()}`);
  });
  page.on('console', (message) => {
    if (message.type() === 'error') log.consoleErrors.push(message.text());
  });
  page.on('pageerror', (error) => log.consoleErrors.push(String(error)));
  page.on('websocket', (socket) => log.webSockets.push(socket.url()));
  return { context, page, log };
}

/** Saves a screenshot under test-artifacts/ (never committed). */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(ARTIFACTS, { recursive: true });
  const file = path.join(ARTIFACTS, `${name}.png`);
  await page.screenshot({ path: file, fullPage: true });
  return file;
}
