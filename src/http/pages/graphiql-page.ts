import type { FastifyReply, FastifyRequest } from 'fastify';
import Negotiator from 'negotiator';
import { ASSETS_PATH } from './browser-assets';
import { pageHeaders } from './content-security-policy';

// The shell only: GraphiQL's script renders everything, from files this server serves.
const GRAPHIQL_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>freshgate · GraphiQL</title>
    <link rel="stylesheet" href="${ASSETS_PATH}graphiql/graphiql.css" />
    <link rel="stylesheet" href="${ASSETS_PATH}page.css" />
    <script type="module" src="${ASSETS_PATH}graphiql/graphiql.js"></script>
  </head>
  <body class="ide">
    <div id="graphiql"><p class="loading">Loading freshgate's GraphiQL…</p></div>
    <noscript><p>GraphiQL needs JavaScript. The pack's health is readable without it at <a href="/status">/status</a>.</p></noscript>
  </body>
</html>
`;

const TYPES = ['application/json', 'application/graphql-response+json', 'text/html'];

/** Whether a GET asks for a page rather than a GraphQL result (Apollo's own rule for its landing page). */
export function prefersHtml(accept: string | undefined): boolean {
  if (accept === undefined) return false;
  return new Negotiator({ headers: { accept } }).mediaType(TYPES) === 'text/html';
}

/** Sends freshgate's GraphiQL page. */
export function sendGraphiql(request: FastifyRequest, reply: FastifyReply): FastifyReply {
  return reply.headers(pageHeaders(request.headers.host, { inlineStyles: true })).send(GRAPHIQL_HTML);
}
