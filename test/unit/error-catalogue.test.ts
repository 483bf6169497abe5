import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { ERROR_CATALOGUE, EXECUTION_ERROR_CATALOGUE, EXECUTION_WARNING_CATALOGUE, extensionsFor } from '../../src/shared/error-catalogue';
import { renderErrorDocs } from '../../src/shared/error-docs';

const ROOT = path.join(__dirname, '..', '..');
const SRC = path.join(ROOT, 'src');
const CATALOGUE_FILE = path.join(SRC, 'shared', 'error-catalogue.ts');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'generated' ? [] : sourceFiles(full);
    return entry.name.endsWith('.ts') && full !== CATALOGUE_FILE ? [full] : [];
  });
}

/** The sources (catalogue excepted), each with its text. */
const SOURCES = sourceFiles(SRC).map((file) => ({ file: path.relative(ROOT, file), text: readFileSync(file, 'utf8') }));

/**
 * Where a code is written in the sources: raised (`new AppError('X'`, `CapabilityError('X'`),
 * stored (`code: 'X'`), compared (`code === 'X'`), or named by a constant of the same name
 * (`const RESULT_NOT_STORED = 'RESULT_NOT_STORED'`).
 */
const CODE_SITES = [
  /\b(?:AppError|CapabilityError)\(\s*'([A-Z][A-Z0-9_]*)'/g,
  /\bcode:\s*'([A-Z][A-Z0-9_]*)'/g,
  /\bcode\s*[!=]==?\s*'([A-Z][A-Z0-9_]*)'/g,
  /\bconst ([A-Z][A-Z0-9]*_[A-Z0-9_]+) = '\1'/g,
];

/** Codes of other libraries' errors that the sources inspect: Node's errno names, Prisma's P-codes. */
const FOREIGN = [/^E[A-Z]+$/, /^P\d{4}$/];

function codesWritten(): Map<string, string> {
  const found = new Map<string, string>();
  for (const { file, text } of SOURCES) {
    for (const pattern of CODE_SITES) {
      for (const [, code] of text.matchAll(pattern)) {
        if (!found.has(code) && !FOREIGN.some((foreign) => foreign.test(code))) found.set(code, file);
      }
    }
  }
  return found;
}

describe('the error catalogue', () => {
  it('docs/errors.md is exactly what the catalogue generates (run `npm run docs:errors` after changing it)', () => {
    expect(readFileSync(path.join(ROOT, 'docs', 'errors.md'), 'utf8')).toBe(renderErrorDocs());
  });

  it('declares every code the sources raise, store or compare', () => {
    const declared = new Set([
      ...Object.keys(ERROR_CATALOGUE),
      ...Object.keys(EXECUTION_ERROR_CATALOGUE),
      ...Object.keys(EXECUTION_WARNING_CATALOGUE),
    ]);
    const written = codesWritten();
    expect(written.size).toBeGreaterThan(20); // the scan finds what it is meant to
    const undeclared = [...written].filter(([code]) => !declared.has(code)).map(([code, file]) => `${code} (${file})`);
    expect(undeclared).toEqual([]);
  });

  it('declares no code that nothing in the sources names (Apollo raises its own)', () => {
    const everything = SOURCES.map((s) => s.text).join('\n');
    const unused = [
      ...Object.entries(ERROR_CATALOGUE)
        .filter(([, entry]) => !('apollo' in entry))
        .map(([code]) => code),
      ...Object.keys(EXECUTION_ERROR_CATALOGUE),
      ...Object.keys(EXECUTION_WARNING_CATALOGUE),
    ].filter((code) => !everything.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });

  it('keeps the API codes and the execution codes apart', () => {
    const both = Object.keys(ERROR_CATALOGUE).filter((code) => code in EXECUTION_ERROR_CATALOGUE);
    expect(both).toEqual([]);
  });

  it('gives a request-level status only in the 4xx/5xx range, or 200 for what Apollo answers that way', () => {
    for (const [code, entry] of Object.entries(ERROR_CATALOGUE)) {
      const status: number | undefined = 'status' in entry ? entry.status : undefined;
      if (status === undefined) continue;
      expect({ code, ok: status >= 400 || ('apollo' in entry && status === 200) }).toEqual({ code, ok: true });
    }
  });

  describe('extensionsFor', () => {
    it('adds the code last, so given extensions cannot replace it', () => {
      expect(extensionsFor('NOT_FOUND', { code: 'SOMETHING_ELSE', executionId: 'e1' })).toEqual({ code: 'NOT_FOUND', executionId: 'e1' });
    });

    it('stamps the retryable flag on codes that declare it, whoever raised the error', () => {
      expect(extensionsFor('SERVICE_UNAVAILABLE')).toEqual({ code: 'SERVICE_UNAVAILABLE', retryable: true });
      expect(extensionsFor('CONFLICT', { portfolioId: 'p' })).toEqual({ code: 'CONFLICT', retryable: true, portfolioId: 'p' });
    });

    it('adds no flag to codes that do not declare one (their extensions stay as clients know them)', () => {
      expect(extensionsFor('RATE_LIMITED', { retryAfterSeconds: 3, scope: 'ip' })).toEqual({
        code: 'RATE_LIMITED',
        retryAfterSeconds: 3,
        scope: 'ip',
      });
      expect(extensionsFor('UNAUTHENTICATED')).toEqual({ code: 'UNAUTHENTICATED' });
    });
  });
});
