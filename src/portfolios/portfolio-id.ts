import { randomBytes } from 'node:crypto';

/** Crockford's base 32 (no I, L, O, U): ULID's alphabet. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

/**
 * A new portfolio id, made by the server (clients cannot choose one): `pf_`, then 10 characters
 * of the time in milliseconds and 16 random ones (80 bits), ULID-style. Ids made later sort
 * later, so `portfolios` (by id) lists new portfolios in the order they were created.
 */
export function newPortfolioId(now: number = Date.now()): string {
  let time = '';
  for (let rest = now, i = 0; i < 10; i++, rest = Math.floor(rest / 32)) time = ALPHABET[rest % 32] + time;
  const random = [...randomBytes(16)].map((byte) => ALPHABET[byte % 32]).join('');
  return `pf_${time}${random}`;
}
