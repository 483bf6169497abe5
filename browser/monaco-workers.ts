// Monaco's editor, JSON and GraphQL workers, bundled as files of their own next to this bundle
// (scripts/build-browser.mjs): GraphiQL's own setups load them from a CDN or expect webpack/vite.
const workers: Record<string, string> = {
  json: 'json.worker.js',
  graphql: 'graphql.worker.js',
};

(globalThis as { MonacoEnvironment?: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    return new Worker(new URL(workers[label] ?? 'editor.worker.js', import.meta.url), { type: 'module' });
  },
};
