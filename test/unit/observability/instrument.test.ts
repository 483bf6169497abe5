import { execFileSync } from 'node:child_process';
import path from 'node:path';

const root = path.resolve(__dirname, '..', '..', '..');

/**
 * What `npm start`'s preload leaves behind, in a fresh process: the OpenTelemetry modules it
 * loaded, and whether http's server is patched (the instrumentation wraps `emit`).
 */
function afterPreload(env: Record<string, string>): { otelModules: string[]; httpPatched: boolean } {
  const probe = `
    const http = require('node:http');
    const loaded = Object.keys(require.cache).map((f) => /node_modules\\/@opentelemetry\\/([^/]+)/.exec(f)?.[1]).filter(Boolean);
    process.stdout.write(JSON.stringify({ otelModules: [...new Set(loaded)].sort(), httpPatched: '__wrapped' in http.Server.prototype.emit }));`;
  const output = execFileSync(process.execPath, ['--require', 'tsx/cjs', '--require', './src/observability/instrument.ts', '-e', probe], {
    cwd: root,
    env: { PATH: process.env.PATH, ...env },
    encoding: 'utf8',
  });
  return JSON.parse(output) as { otelModules: string[]; httpPatched: boolean };
}

describe('the tracing preload (dist/observability/instrument.js)', () => {
  it('without OTEL_EXPORTER_OTLP_ENDPOINT loads no OpenTelemetry SDK and patches nothing', () => {
    expect(afterPreload({})).toEqual({ otelModules: [], httpPatched: false });
  });

  it('with an endpoint registers the SDK and the http, pg and graphql instrumentations', () => {
    const { otelModules, httpPatched } = afterPreload({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9' });
    expect(otelModules).toEqual(
      expect.arrayContaining([
        'sdk-trace-node',
        'exporter-trace-otlp-http',
        'instrumentation-http',
        'instrumentation-pg',
        'instrumentation-graphql',
      ]),
    );
    expect(httpPatched).toBe(true);
  });

  it('OTEL_NODE_DISABLED_INSTRUMENTATIONS leaves the named ones unpatched', () => {
    const { httpPatched } = afterPreload({
      OTEL_EXPORTER_OTLP_ENDPOINT: 'http://127.0.0.1:9',
      OTEL_NODE_DISABLED_INSTRUMENTATIONS: 'http',
    });
    expect(httpPatched).toBe(false);
  });
});
