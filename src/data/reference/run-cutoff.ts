/**
 * What pins the data a run reads beyond its pack's prices and its ledger's entries (reference
 * data, news): the later of the moments its pack and its ledger commit were written. Both are
 * immutable, so a rerun on the same pack and commit reads the same rows, whatever was written since.
 */
export interface RunCutoff {
  /** The pack's created_at, ISO 8601. */
  packCreatedAt: string;
  /** The commit the run replays, if it reads a ledger. */
  ledgerCommitHash: string | null;
}

/** The cut-off as an SQL timestamptz, from the parameters holding the pack's created_at and the commit's hash. */
export function cutoffSql(packCreatedAtParam: string, ledgerCommitParam: string): string {
  return `GREATEST(${packCreatedAtParam}::timestamptz, (SELECT c.created_at FROM ledger_commits c WHERE c.hash = ${ledgerCommitParam}))`;
}
