// Bundles the browser code freshgate serves (browser/) from node_modules into dist/browser:
// GraphiQL with Monaco's workers, and the status page's live script. No CDN: every file the
// pages load is one of these. Run by `npm run build` (so by `npm start`) and by the tests when
// the bundle is missing or older than its sources.
import { build } from 'esbuild';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdir = path.join(root, 'dist', 'browser');

/** The files the build writes; the server serves dist/browser and nothing else. */
export async function buildBrowser({ quiet = false } = {}) {
  const started = Date.now();
  const common = {
    bundle: true,
    minify: true,
    sourcemap: false,
    format: 'esm',
    target: ['chrome110', 'firefox110', 'safari16'],
    legalComments: 'linked',
    define: { 'process.env.NODE_ENV': '"production"' },
    logLevel: quiet ? 'error' : 'warning',
    absWorkingDir: root,
  };
  // The IDE: one entry with code splitting (Monaco is imported lazily), its CSS, and fonts inlined.
  await build({
    ...common,
    entryPoints: { graphiql: 'browser/graphiql.tsx' },
    outdir: path.join(outdir, 'graphiql'),
    splitting: true,
    chunkNames: 'chunks/[name]-[hash]',
    loader: { '.ttf': 'file', '.woff': 'file', '.woff2': 'file' },
    assetNames: 'assets/[name]-[hash]',
    jsx: 'automatic',
  });
  // Monaco's workers, at the fixed names browser/monaco-workers.ts asks for.
  await build({
    ...common,
    entryPoints: {
      'editor.worker': 'monaco-editor/esm/vs/editor/editor.worker.js',
      'json.worker': 'monaco-editor/esm/vs/language/json/json.worker.js',
      'graphql.worker': 'monaco-graphql/esm/graphql.worker.js',
    },
    outdir: path.join(outdir, 'graphiql'),
  });
  // The status page's live updates (graphql-ws client).
  await build({ ...common, entryPoints: { 'status/status': 'browser/status-page.ts', page: 'browser/page.css' }, outdir });
  mkdirSync(outdir, { recursive: true });
  writeFileSync(path.join(outdir, 'BUILT'), `${new Date().toISOString()}\n`);
  if (!quiet) console.log(`browser bundles in ${path.relative(root, outdir)} (${Date.now() - started} ms)`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  await buildBrowser();
}
