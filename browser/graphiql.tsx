// The GraphQL IDE freshgate serves at GET /graphql: GraphiQL with the explorer and history
// plugins, bundled from node_modules (scripts/build-browser.mjs) so the page needs nothing but
// this server. Queries and mutations go over HTTP, subscriptions over graphql-ws, same URL.
import { explorerPlugin } from '@graphiql/plugin-explorer';
import { createGraphiQLFetcher } from '@graphiql/toolkit';
import { GraphiQL, HISTORY_PLUGIN } from 'graphiql';
import { createRoot } from 'react-dom/client';
import 'graphiql/style.css';
import '@graphiql/plugin-explorer/style.css';
import './monaco-workers';

const DEFAULT_QUERY = `# freshgate's GraphQL IDE. Anonymous callers may read packHealth; for everything else put
# your bearer token in the Headers tab below:
#   { "Authorization": "Bearer <token>" }
# (npm run --silent token -- demo-analyst prints one in development). The same header is sent as
# connectionParams when a subscription opens its WebSocket.

query PackHealth {
  packHealth {
    status
    packId
    asofDate
    isFresh
    estimatedReady
  }
}

subscription PackHealthChanged {
  packHealthChanged {
    status
    packId
    asofDate
    isFresh
    estimatedReady
  }
}
`;

const url = new URL(window.location.pathname, window.location.href);
const subscriptionUrl = new URL(url);
subscriptionUrl.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const fetcher = createGraphiQLFetcher({ url: url.href, subscriptionUrl: subscriptionUrl.href });
const plugins = [HISTORY_PLUGIN, explorerPlugin()];
const container = document.getElementById('graphiql');
if (!container) throw new Error('the page has no #graphiql element');
createRoot(container).render(<GraphiQL fetcher={fetcher} plugins={plugins} defaultQuery={DEFAULT_QUERY} />);
