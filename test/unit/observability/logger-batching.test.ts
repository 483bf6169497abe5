import { spawn } from 'node:child_process';
import path from 'node:path';

const root = path.join(__dirname, '..', '..', '..');

/**
 * A process that logs, then keeps running: what a reader of its stdout receives, and when. Run
 * as a child with tsx (the logger writes to fd 1, which Jest's own process must keep).
 */
function logThenIdle(script: string): Promise<{ lines: string[]; firstAfterMs: number }> {
  const child = spawn(process.execPath, ['--import', 'tsx', '-e', script], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] });
  const started = performance.now();
  return new Promise((resolve, reject) => {
    let text = '';
    let firstAfterMs = -1;
    child.stdout.on('data', (chunk: Buffer) => {
      if (firstAfterMs < 0) firstAfterMs = performance.now() - started;
      text += chunk.toString();
    });
    child.on('error', reject);
    child.on('exit', () => resolve({ lines: text.split('\n').filter(Boolean), firstAfterMs }));
  });
}

const LOGGER = `const { createLogger, closeLogs } = require('./src/observability/logger.ts');`;

describe('the JSON log on stdout', () => {
  it('delivers a lone line while the process keeps running (not held for a batch until exit)', async () => {
    const { lines } = await logThenIdle(
      `${LOGGER}
       const logger = createLogger('info');
       logger.info({ n: 1 }, 'lone line');
       // Still running 1 s later; exits without flushing, so only lines written by then arrive.
       setTimeout(() => process.exit(0), 1000);`,
    );
    expect(lines.map((l) => JSON.parse(l).msg)).toEqual(['lone line']);
  }, 30_000);

  it('writes every line of a burst larger than a batch, in order, and the rest at closeLogs', async () => {
    const { lines } = await logThenIdle(
      `${LOGGER}
       const logger = createLogger('info');
       for (let n = 0; n < 500; n++) logger.info({ n }, 'burst');
       closeLogs(logger, 2000).then(() => process.exit(0));`,
    );
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([...Array(500).keys()]);
  }, 30_000);
});
