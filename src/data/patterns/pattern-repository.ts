import type { Prisma } from '../../generated/prisma/client';
import type { DataHandle } from '../handle';

/** A stored version of a pattern: its definition exactly as published, and its sha256 (the etag). */
export interface PatternVersionRow {
  patternId: string;
  version: string;
  sha256: string;
  definition: unknown;
  createdAt: Date;
}

/** A version to store: the definition as published with its sha256, what the catalogue shows of it, and who published it. */
export interface NewPatternVersion {
  patternId: string;
  version: string;
  sha256: string;
  description: string;
  cost: number;
  definition: unknown;
  createdBy: string | null;
}

const SELECT = { patternId: true, version: true, sha256: true, definition: true, createdAt: true } as const;

/**
 * Every version of every pattern ever published (pattern_versions). A version never changes once
 * stored; the current version of a pattern is its newest.
 */
export class PatternRepository {
  constructor(private readonly db: DataHandle) {}

  async findVersion(patternId: string, version: string): Promise<PatternVersionRow | null> {
    return this.db.prisma.patternVersion.findUnique({ where: { patternId_version: { patternId, version } }, select: SELECT });
  }

  /** The stored versions among the given pairs (in no particular order; missing ones are absent), in one query. */
  async findVersions(keys: readonly { patternId: string; version: string }[]): Promise<PatternVersionRow[]> {
    if (keys.length === 0) return [];
    return this.db.prisma.patternVersion.findMany({ where: { OR: keys.map(({ patternId, version }) => ({ patternId, version })) }, select: SELECT });
  }

  /** Every stored version, each pattern's newest first. */
  async listNewestFirst(): Promise<PatternVersionRow[]> {
    return this.db.prisma.patternVersion.findMany({ orderBy: [{ patternId: 'asc' }, { createdAt: 'desc' }], select: SELECT });
  }

  /** The etag of the pattern's current version; null for a pattern never published. */
  async currentEtag(patternId: string): Promise<string | null> {
    const row = await this.db.prisma.patternVersion.findFirst({ where: { patternId }, orderBy: { createdAt: 'desc' }, select: { sha256: true } });
    return row?.sha256 ?? null;
  }

  /** Stores a version; a unique violation when it is already stored (see isUniqueViolation). */
  async insert(version: NewPatternVersion): Promise<void> {
    await this.db.prisma.patternVersion.create({
      data: { ...version, definition: version.definition as Prisma.InputJsonValue },
    });
  }

  /** Serialises publishers of one pattern until the transaction ends (call inside DataLayer.transaction). */
  async lockForPublishing(patternId: string): Promise<void> {
    await this.db.sql.query('SELECT pg_advisory_xact_lock(hashtext($1))::text', [`pattern:${patternId}`]);
  }
}
