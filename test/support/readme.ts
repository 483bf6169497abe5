import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const root = path.join(__dirname, '..', '..');

/** The text of the README section under `heading` (a `##` or `###` line), up to the next heading of that level or above. */
export function readmeSection(heading: string): string {
  const lines = readFileSync(path.join(root, 'README.md'), 'utf8').split('\n');
  const level = /^#+/.exec(heading)![0].length;
  const start = lines.indexOf(heading);
  if (start < 0) throw new Error(`README has no section "${heading}"`);
  let inFence = false;
  let end = lines.length;
  for (let i = start + 1; i < lines.length; i++) {
    if (lines[i].startsWith('```')) inFence = !inFence;
    // A shell comment inside a fence is not a heading.
    const hashes = inFence ? undefined : /^(#+) /.exec(lines[i]);
    if (hashes && hashes[1].length <= level) {
      end = i;
      break;
    }
  }
  return lines.slice(start + 1, end).join('\n') + '\n';
}

/** The fenced code blocks of a given language, in order. */
export function codeBlocks(section: string, language: string): string[] {
  return [...section.matchAll(new RegExp('^```' + language + '\\n([\\s\\S]*?)^```', 'gm'))].map((m) => m[1]);
}

export interface ScriptRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * Runs a README shell block as a reader would paste it, from the project's root, with bash's
 * errexit and pipefail so a failing command fails the block. The server a reader would have on
 * localhost:4000 is the test's instance; curl ends each answer with a newline (one JSON per line).
 */
export function runShell(block: string, url: string, env: Record<string, string>): Promise<ScriptRun> {
  const origin = new URL(url).host;
  const script = [
    'set -eo pipefail',
    'curl() { command curl --fail-with-body "$@"; echo; }',
    block.replaceAll('localhost:4000', origin),
  ].join('\n');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', script], {
      cwd: root,
      env: { ...process.env, NODE_OPTIONS: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** Each line of a run's output that is a JSON document, parsed. */
export function jsonLines(stdout: string): Array<Record<string, any>> {
  return stdout
    .split('\n')
    .filter((line) => line.trim().startsWith('{'))
    .map((line) => JSON.parse(line) as Record<string, any>);
}
