import type { FastifyInstance } from 'fastify';
import type { App } from '../../app';
import { pageHeaders } from './content-security-policy';
import { renderStatusPage } from './status-html';

/** The public status page's path. */
export const STATUS_PATH = '/status';

/**
 * GET /status: the latest pack's health in plain words and the packs that changed last,
 * rendered on the server (readable without JavaScript). Public data only: what anonymous
 * packHealth answers, the failed pack's reconciliation message, and publication times.
 */
export function registerStatusPage(fastify: FastifyInstance, app: App): void {
  fastify.get(STATUS_PATH, async (request, reply) => {
    const view = await app.services.packStatus.view();
    return reply.headers(pageHeaders(request.headers.host, { inlineStyles: false })).send(renderStatusPage(view, new Date()));
  });
}
