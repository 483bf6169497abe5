import { createHash } from 'node:crypto';

/**
 * A stable pseudonym for a user or tenant id in logs, traces and error reports: the same id
 * always maps to the same value (so lines can be correlated), the raw id never leaves.
 */
export function hashIdentifier(id: string | null | undefined): string | null {
  if (!id) return null;
  return createHash('sha256').update(`freshgate:${id}`).digest('hex').slice(0, 16);
}
