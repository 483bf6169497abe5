import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';

const run = promisify(execFile);
const root = path.join(__dirname, '..', '..');
const tsx = path.join(root, 'node_modules', '.bin', 'tsx');

/** Starts the real entry point and expects it to refuse, returning what it printed. */
async function startExpectingFailure(env: Record<string, string>): Promise<{ code: number; stderr: string }> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'freshgate-start-'));
  try {
    await run(tsx, [path.join(root, 'src', 'main.ts')], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', DATA_DIR: dataDir, PORT: '0', LOG_LEVEL: 'silent', DATABASE_URL: '', ...env },
      timeout: 60_000,
    });
  } catch (error) {
    const failure = error as { code: number; stderr: string };
    return { code: failure.code, stderr: failure.stderr };
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  throw new Error('the server started although it should have refused');
}

describe('a bad pattern file stops the server at start, named', () => {
  it.each([
    ['a cycle', 'startup-cycle', /news-cycle\.json.*cycle/],
    ['a template naming a step that does not exist', 'startup-dangling', /news-dangling\.json.*"holdings", which does not exist/],
    ['broken JSON', 'startup-badjson', /truncated\.json.*not JSON/],
  ])('%s', async (_name, folder, message) => {
    const { code, stderr } = await startExpectingFailure({ PATTERNS_DIR: path.join(root, 'test', 'fixtures', folder) });
    expect(code).toBe(1);
    expect(stderr).toMatch(message);
    expect(stderr).not.toMatch(/\n\s+at /); // a message, not a stack trace
  });
});
