import { timingSafeEqual } from 'node:crypto';

/**
 * A check of a presented secret against the configured one, in constant time. Without a
 * configured secret everyone passes (the setting is off).
 */
export function secretMatches(secret: string | undefined): (presented: string | string[] | undefined) => boolean {
  if (!secret) return () => true;
  const expected = Buffer.from(secret);
  return (presented) => {
    if (typeof presented !== 'string') return false;
    const given = Buffer.from(presented);
    return given.length === expected.length && timingSafeEqual(given, expected);
  };
}

/** The same for `Authorization: Bearer <secret>`. */
export function bearerMatches(secret: string | undefined): (authorization: string | undefined) => boolean {
  if (!secret) return () => true;
  const matches = secretMatches(secret);
  return (authorization) => {
    const match = typeof authorization === 'string' ? /^Bearer\s+(\S+)\s*$/i.exec(authorization) : null;
    return match !== null && matches(match[1]);
  };
}
