import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';

/**
 * A stable pseudonym for a user or tenant id in logs, traces and error reports: the same id
 * always maps to the same value (so lines can be correlated), the raw id never leaves.
 */
export function hashIdentifier(id: string | null | undefined): string | null {
  if (!id) return null;
  let hashed = recent.get(id);
  if (hashed === undefined) {
    hashed = createHash('sha256').update(`freshgate:${id}`).digest('hex').slice(0, 16);
    recent.set(id, hashed);
  }
  return hashed;
}

// Every request line hashes its user and tenant; the same few ids come back all the time.
const recent = new LRUCache<string, string>({ max: 10_000 });
