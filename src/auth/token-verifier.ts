// jose's entry points one by one: its index loads JWE, JWK and key generation too (~20 ms of start-up).
import * as errors from 'jose/errors';
import { createRemoteJWKSet } from 'jose/jwks/remote';
import { jwtVerify, type JWTVerifyGetKey } from 'jose/jwt/verify';
import { LRUCache } from 'lru-cache';
import { AppError, unauthenticated } from '../shared/errors';

/** The longest user id a token may name (users.id is bounded the same way). */
export const MAX_SUBJECT_LENGTH = 255;

/**
 * How bearer tokens are checked: a shared HS256 secret or a JWKS URL, the issuer and audience to
 * require, and the longest lifetime accepted.
 */
export interface TokenVerifierOptions {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
  /** The longest lifetime a token may claim; a token without `exp` is never accepted. */
  maxTtlMs: number;
}

/** Checks a bearer token and resolves to the user id it names (its subject); rejects with UNAUTHENTICATED otherwise. */
export type TokenVerifier = (token: string) => Promise<{ subject: string }>;

/**
 * How long a verified token is trusted without checking its signature again. Never past the
 * token's own expiry; short, so a key withdrawn from the JWKS stops working within a minute.
 */
const VERIFIED_TTL_MS = 60_000;
const MAX_VERIFIED = 10_000;

/**
 * HS256 with a shared secret, or RS256 keys from a JWKS endpoint (cached and rotated by
 * jose). Issuer and audience are checked when configured. Every failure is UNAUTHENTICATED
 * with a message that says what was wrong, never why in cryptographic detail.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { secret, jwksUrl, issuer, audience, maxTtlMs } = options;
  if (!secret && !jwksUrl) throw new Error('JWT_SECRET or JWT_JWKS_URL must be configured');
  const key: Uint8Array | JWTVerifyGetKey = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : new TextEncoder().encode(secret);
  const algorithms = jwksUrl ? ['RS256'] : ['HS256'];

  // Keyed by the whole token, signature included: only a token that verified can hit.
  const verified = new LRUCache<string, { subject: string }>({ max: MAX_VERIFIED });

  return async (token) => {
    const known = verified.get(token);
    if (known) return known;
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, { algorithms, issuer, audience, requiredClaims: ['sub', 'exp'] });
      const expiresAt = (payload.exp as number) * 1000;
      // A token that claims to live longer than the cap is refused whether or not it says when it
      // was issued: a leaked long-lived token is the risk the cap exists for.
      if (expiresAt - (typeof payload.iat === 'number' ? payload.iat * 1000 : Date.now()) > maxTtlMs || expiresAt - Date.now() > maxTtlMs) {
        throw unauthenticated(`The token lives longer than the accepted maximum of ${Math.round(maxTtlMs / 1000)} s`);
      }
      const result = Object.freeze({ subject: checkedSubject(payload.sub) });
      const ttl = Math.min(VERIFIED_TTL_MS, expiresAt - Date.now());
      if (ttl > 0) verified.set(token, result, { ttl });
      return result;
    } catch (error) {
      if (error instanceof AppError) throw error;
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`The token's ${error.claim} claim is not accepted`);
      throw unauthenticated('The token is malformed or its signature is invalid');
    }
  };
}

/** C0 controls and DEL: never part of a user id. */
// eslint-disable-next-line no-control-regex -- matching control characters is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** `sub` names a user: a non-empty string of printable characters, bounded in length. */
function checkedSubject(sub: unknown): string {
  if (
    typeof sub !== 'string' ||
    sub.length === 0 ||
    sub.length > MAX_SUBJECT_LENGTH ||
    CONTROL_CHARACTER.test(sub) ||
    LONE_SURROGATE.test(sub)
  ) {
    throw unauthenticated(`The token's sub claim must name a user (1–${MAX_SUBJECT_LENGTH} printable characters)`);
  }
  return sub;
}

/** `Bearer <token>` → token; anything else present is a malformed credential. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  return match[1];
}
