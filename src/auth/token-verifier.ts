import { createRemoteJWKSet, errors, jwtVerify, type JWTVerifyGetKey } from 'jose';
import { unauthenticated } from '../shared/errors';

export interface TokenVerifierOptions {
  secret?: string;
  jwksUrl?: string;
  issuer?: string;
  audience?: string;
}

export type TokenVerifier = (token: string) => Promise<{ subject: string }>;

/**
 * HS256 with a shared secret, or RS256 keys from a JWKS endpoint (cached and rotated by
 * jose). Issuer and audience are checked when configured. Every failure is UNAUTHENTICATED
 * with a message that says what was wrong, never why in cryptographic detail.
 */
export function createTokenVerifier(options: TokenVerifierOptions): TokenVerifier {
  const { secret, jwksUrl, issuer, audience } = options;
  if (!secret && !jwksUrl) throw new Error('JWT_SECRET or JWT_JWKS_URL must be configured');
  const key: Uint8Array | JWTVerifyGetKey = jwksUrl ? createRemoteJWKSet(new URL(jwksUrl)) : new TextEncoder().encode(secret);
  const algorithms = jwksUrl ? ['RS256'] : ['HS256'];

  return async (token) => {
    try {
      const { payload } = await jwtVerify(token, key as Uint8Array, { algorithms, issuer, audience, requiredClaims: ['sub'] });
      return { subject: payload.sub as string };
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw unauthenticated('The token has expired');
      if (error instanceof errors.JWTClaimValidationFailed) throw unauthenticated(`The token's ${error.claim} claim is not accepted`);
      throw unauthenticated('The token is malformed or its signature is invalid');
    }
  };
}

/** `Bearer <token>` → token; anything else present is a malformed credential. */
export function bearerToken(header: string | undefined): string | undefined {
  if (header === undefined || header === '') return undefined;
  const match = /^Bearer\s+(\S+)\s*$/i.exec(header);
  if (!match) throw unauthenticated('The Authorization header must be "Bearer <token>"');
  return match[1];
}
