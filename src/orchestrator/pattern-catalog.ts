import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { isUniqueViolation } from '../data/errors';
import type { PatternRepository } from '../data/patterns/pattern-repository';
import { projectRoot } from '../shared/project-root';
import { compilePattern, PatternDefinitionError, type CompiledPattern, type PatternDefinition } from './pattern-definition';

/** The pattern library shipped with freshgate (config.patternsDir defaults to it). */
export const PATTERNS_DIR = path.join(projectRoot(), 'patterns');

/**
 * A pattern file that cannot be loaded (not JSON, an invalid definition, an id and version defined
 * twice), named by its path.
 */
export class PatternLoadError extends Error {}

/** Reads and compiles every patterns/*.json; the first bad file stops start-up, named. */
export function loadPatternFiles(dir: string, capabilities: ReadonlySet<string>): CompiledPattern[] {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort();
  const compiled: CompiledPattern[] = [];
  const seen = new Map<string, string>();
  for (const file of files) {
    const full = path.join(dir, file);
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(full, 'utf8'));
    } catch (error) {
      throw new PatternLoadError(`pattern file ${full}: not JSON (${(error as Error).message})`);
    }
    let pattern: CompiledPattern;
    try {
      pattern = compilePattern(raw, capabilities);
    } catch (error) {
      if (error instanceof PatternDefinitionError) throw new PatternLoadError(`pattern file ${full}: ${error.message}`);
      throw error;
    }
    const key = `${pattern.definition.id}@${pattern.definition.version}`;
    if (seen.has(key)) throw new PatternLoadError(`pattern file ${full}: ${key} is also defined in ${seen.get(key)}`);
    seen.set(key, file);
    compiled.push(pattern);
  }
  return compiled;
}

/** How stale an instance's view of published pattern versions may get (other instances publish too). */
export const CATALOG_MAX_AGE_MS = 5_000;

/**
 * The patterns a server can run. Every version ever published stays in the database, so an
 * execution can always be traced to (and rerun with) the exact definition it used; the
 * current version of a pattern is its newest.
 */
export class PatternCatalog {
  private readonly current = new Map<string, CompiledPattern>();
  private readonly versions = new Map<string, CompiledPattern>();
  private loadedAt = 0;

  constructor(
    private readonly patterns: PatternRepository,
    private readonly capabilities: ReadonlySet<string>,
  ) {}

  /** Stores file versions the database lacks, refuses a changed definition under an old version, loads current versions. */
  async sync(files: CompiledPattern[]): Promise<void> {
    for (const pattern of files) {
      const { id, version, description, cost } = pattern.definition;
      const stored = await this.patterns.findVersion(id, version);
      if (stored && stored.sha256 !== pattern.sha256) {
        throw new PatternLoadError(
          `pattern ${id} version ${version} differs from the stored one: give the changed definition a new version`,
        );
      }
      if (!stored) {
        await this.patterns
          .insert({ patternId: id, version, sha256: pattern.sha256, description, cost, definition: pattern.definition, createdBy: null })
          .catch((error: unknown) => {
            // Another instance stored it first: same version, and the check above ran on the same file.
            if (!isUniqueViolation(error)) throw error;
          });
      }
      // The stored version is this file's definition (same sha256): reload need not compile it again.
      this.versions.set(`${id}@${version}`, pattern);
    }
    await this.reload();
  }

  /**
   * Re-reads current versions when the in-memory copy is older than CATALOG_MAX_AGE_MS, so a version
   * published through another instance is picked up within that time. Every read of the current
   * versions (currentVersion, listCurrent) goes through it: a query or an entity reference on an
   * instance that runs nothing sees a new version within the bound too, not only a run.
   */
  private async refreshIfStale(): Promise<void> {
    if (Date.now() - this.loadedAt > CATALOG_MAX_AGE_MS) await this.reload();
  }

  /** Re-reads the newest version of every pattern from the database. */
  async reload(): Promise<void> {
    this.loadedAt = Date.now();
    const rows = await this.patterns.listNewestFirst();
    const latest = new Map<string, CompiledPattern>();
    for (const row of rows) {
      if (latest.has(row.patternId)) continue;
      // A stored version never changes (its sha256 is checked when stored): compile it once.
      const key = `${row.patternId}@${row.version}`;
      const compiled = this.versions.get(key) ?? this.compileStored(row.definition);
      this.versions.set(key, compiled);
      latest.set(row.patternId, compiled);
    }
    this.current.clear();
    for (const [id, compiled] of latest) this.current.set(id, compiled);
  }

  /** Every pattern at its current version, by id. */
  async listCurrent(): Promise<CompiledPattern[]> {
    await this.refreshIfStale();
    return [...this.current.values()].sort((a, b) => a.definition.id.localeCompare(b.definition.id));
  }

  /** A pattern's current version; undefined for an unknown id. */
  async currentVersion(id: string): Promise<CompiledPattern | undefined> {
    await this.refreshIfStale();
    return this.current.get(id);
  }

  async version(id: string, version: string): Promise<CompiledPattern | undefined> {
    const [found] = await this.versionsOf([{ patternId: id, version }]);
    return found;
  }

  /**
   * Several versions at once, in the order asked (undefined for one never published): the
   * current ones and those compiled before from memory, the rest in one query. Stored versions
   * never change, so a compiled one is kept.
   */
  async versionsOf(keys: readonly { patternId: string; version: string }[]): Promise<(CompiledPattern | undefined)[]> {
    const known = (k: { patternId: string; version: string }) => {
      const current = this.current.get(k.patternId);
      return current?.definition.version === k.version ? current : this.versions.get(`${k.patternId}@${k.version}`);
    };
    const missing = keys.filter((k) => !known(k));
    if (missing.length > 0) {
      for (const row of await this.patterns.findVersions(missing)) {
        this.versions.set(`${row.patternId}@${row.version}`, this.compileStored(row.definition));
      }
    }
    return keys.map(known);
  }

  private compileStored(definition: unknown): CompiledPattern {
    return compilePattern(definition as PatternDefinition, this.capabilities);
  }
}
