import { Writable } from 'node:stream';
import pino from 'pino';
import * as Sentry from '@sentry/node';
import { ExecutePatternDocument, ExportExecutionDocument } from '../generated/operations';
import { startTestServer, type TestServer } from '../support/test-server';

// Sentry is outside the project: a transport that keeps what would have been sent.
const sent: string[] = [];
const fakeTransport: Sentry.NodeOptions['transport'] = (options) =>
  Sentry.createTransport(options, async (request) => {
    sent.push(typeof request.body === 'string' ? request.body : Buffer.from(request.body).toString('utf8'));
    return { statusCode: 200 };
  });

const lines: string[] = [];
const logger = pino(
  { level: 'info', base: { service: 'freshgate' } },
  new Writable({
    write(chunk, _encoding, done) {
      lines.push(...String(chunk).split('\n').filter(Boolean));
      done();
    },
  }),
);

describe('error reporting and logs', () => {
  let t: TestServer;
  let token: string;

  beforeAll(async () => {
    t = await startTestServer({ config: { sentryDsn: 'https://public@sentry.invalid/1' }, app: { errorTransport: fakeTransport, logger } });
    token = await t.token('demo-analyst');
  });
  afterAll(async () => {
    await t.close();
  });

  it('an unexpected error reaches Sentry scrubbed; the client sees only the code and the trace id', async () => {
    const leaky = `boom for demo-analyst <viewer@demo.example> in tenant demo with Bearer ${token}`;
    t.app.services.patterns.listCurrent = () => {
      throw new Error(leaky);
    };
    const response = await t.request(
      '{ patterns { id } }',
      {},
      { token, headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } },
    );
    expect(response.errors).toEqual([
      expect.objectContaining({
        message: 'Internal server error',
        extensions: { code: 'INTERNAL_SERVER_ERROR', traceId: '0af7651916cd43dd8448eb211c80319c' },
      }),
    ]);
    expect(JSON.stringify(response)).not.toContain('boom');

    await Sentry.flush(2_000);
    const envelope = sent.join('\n');
    expect(envelope).toContain('0af7651916cd43dd8448eb211c80319c'); // tagged with the trace id
    expect(envelope).toContain('boom for');
    expect(envelope).not.toContain(token);
    expect(envelope).not.toContain('eyJ');
    expect(envelope).not.toContain('viewer@demo.example');
    expect(envelope).not.toMatch(/demo-analyst/);
    expect(envelope).not.toMatch(/tenant demo /);
  });

  it('logs one JSON line per request and per execution, with ids, and never a token or a raw user id', async () => {
    const run = await t.request(
      ExecutePatternDocument,
      { input: { patternId: 'portfolio_news', inputs: { portfolioId: 'pf-demo-growth' } } },
      { token },
    );
    await t.request(ExportExecutionDocument, { id: run.data!.executePattern!.id, format: 'JSON' }, { token });
    const parsed = lines.map((line) => JSON.parse(line) as Record<string, unknown>);
    const requests = parsed.filter((l) => l.msg === 'graphql request');
    const executions = parsed.filter((l) => l.msg === 'execution finished');
    expect(requests.length).toBeGreaterThanOrEqual(3);
    expect(requests.find((l) => l.operation === 'ExportExecution')).toMatchObject({
      level: 30,
      errors: ['RIGHTS_EXPORT_BLOCKED'],
      requestId: expect.any(String),
      traceId: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    expect(executions).toHaveLength(1);
    // A request refused before execution (here a bad token) still has its line.
    const before = lines.length;
    const refused = await t.request('{ viewer { userId } }', {}, { token: 'not-a-token' });
    expect(refused.status).toBe(401);
    const refusedLine = lines
      .slice(before)
      .map((line) => JSON.parse(line) as Record<string, unknown>)
      .find((l) => l.msg === 'graphql request');
    expect(refusedLine).toMatchObject({ operationType: 'refused', errors: ['UNAUTHENTICATED'], requestId: expect.any(String) });
    expect(executions[0]).toMatchObject({
      executionId: run.data!.executePattern!.id,
      status: 'SUCCESS',
      pattern: 'portfolio_news@1.0.0',
      traceId: run.data!.executePattern!.metadata!.traceId,
    });
    const all = lines.join('\n');
    expect(all).not.toContain(token);
    expect(all).not.toContain('eyJ');
    expect(all).not.toMatch(/"demo-analyst"|demo-analyst/);
    expect(all).not.toContain('viewer@demo.example');
    expect(all).not.toContain('pf-demo-growth');
  });
});
