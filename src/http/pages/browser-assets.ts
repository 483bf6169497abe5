import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import path from 'node:path';
import type { App } from '../../app';
import { projectRoot } from '../../shared/project-root';

/** Where the pages' scripts, styles and workers are served from. */
export const ASSETS_PATH = '/assets/';

/** What scripts/build-browser.mjs writes: GraphiQL, Monaco's workers and the status page's script. */
export const BROWSER_BUNDLE_DIR = path.join(projectRoot(), 'dist', 'browser');

/**
 * Serves the browser bundles built from node_modules (never a CDN), with the same
 * Content-Security-Policy-friendly headers as the pages. A missing bundle is logged, not fatal:
 * the GraphQL API does not depend on it.
 */
export async function serveBrowserAssets(fastify: FastifyInstance, app: App): Promise<void> {
  if (!existsSync(path.join(BROWSER_BUNDLE_DIR, 'BUILT'))) {
    app.logger.warn(
      { dir: BROWSER_BUNDLE_DIR },
      'the browser bundles are missing (run npm run build): the IDE and /status will load without their scripts',
    );
  }
  await fastify.register(fastifyStatic, {
    root: BROWSER_BUNDLE_DIR,
    prefix: ASSETS_PATH,
    // Only GET/HEAD of existing files; no directory listings, no index.html, no dotfiles.
    index: false,
    list: false,
    dotfiles: 'deny',
    wildcard: true,
    setHeaders: (response) => {
      response.setHeader('x-content-type-options', 'nosniff');
      response.setHeader('cross-origin-resource-policy', 'same-origin');
    },
  });
}
