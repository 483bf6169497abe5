import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, UnsecuredJWT, type KeyLike } from 'jose';
import { bearerToken, createTokenVerifier } from '../../src/auth/token-verifier';
import { issueToken } from '../../src/auth/token-issuer';
import { AppError } from '../../src/shared/errors';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const key = (secret: string) => new TextEncoder().encode(secret);
const now = () => Math.floor(Date.now() / 1000);
const DAY_MS = 24 * 3_600_000;

async function rejection(promise: Promise<unknown>): Promise<AppError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(AppError);
    expect((error as AppError).code).toBe('UNAUTHENTICATED');
    return error as AppError;
  }
  throw new Error('expected the token to be rejected');
}

describe('createTokenVerifier (HS256)', () => {
  const verify = createTokenVerifier({ secret: SECRET, maxTtlMs: DAY_MS });

  it('needs a secret or a JWKS URL', () => {
    expect(() => createTokenVerifier({ maxTtlMs: DAY_MS })).toThrow(/JWT_SECRET or JWT_JWKS_URL/);
  });

  it('accepts a token issued with the secret and returns its subject', async () => {
    const token = await issueToken(SECRET, 'demo-analyst');
    await expect(verify(token)).resolves.toEqual({ subject: 'demo-analyst' });
  });

  it('issues tokens valid for 12 hours by default', async () => {
    const token = await issueToken(SECRET, 'demo-analyst');
    const payload = JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as { iat: number; exp: number };
    expect(payload.exp - payload.iat).toBe(12 * 3600);
  });

  it('rejects an expired token, saying so', async () => {
    const token = await issueToken(SECRET, 'demo-analyst', { expiresIn: '1 minute ago' });
    expect((await rejection(verify(token))).message).toMatch(/expired/);
    const signed = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt(now() - 7200)
      .setExpirationTime(now() - 3600)
      .sign(key(SECRET));
    expect((await rejection(verify(signed))).message).toMatch(/expired/);
  });

  it('rejects a token that is not valid yet', async () => {
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setNotBefore(now() + 3600)
      .setExpirationTime('2h')
      .sign(key(SECRET));
    expect((await rejection(verify(token))).message).toMatch(/nbf/);
  });

  it('rejects a token signed with another secret', async () => {
    const token = await issueToken('another-secret-of-the-same-kind-000000', 'demo-analyst');
    expect((await rejection(verify(token))).message).toMatch(/malformed or its signature is invalid/);
  });

  it('rejects a token whose payload was altered after signing', async () => {
    const [header, , signature] = (await issueToken(SECRET, 'demo-viewer')).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: 'demo-admin', exp: now() + 3600 })).toString('base64url');
    await rejection(verify(`${header}.${forged}.${signature}`));
  });

  it.each(['', 'not-a-jwt', 'a.b.c', 'eyJhbGciOiJIUzI1NiJ9..', 'eyJ.eyJ.'])('rejects the malformed string %p', async (token) => {
    await rejection(verify(token));
  });

  it('rejects an unsigned (alg: none) token', async () => {
    const unsigned = new UnsecuredJWT({}).setSubject('demo-admin').setExpirationTime('1h').encode();
    expect(unsigned.endsWith('.')).toBe(true);
    await rejection(verify(unsigned));
  });

  it('rejects an RS256 token, even one from a real key pair', async () => {
    const { privateKey } = await generateKeyPair('RS256');
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'RS256' }).setSubject('u').setExpirationTime('1h').sign(privateKey);
    await rejection(verify(token));
  });

  it('rejects an HS512 token made with the right secret', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS512' }).setSubject('u').setExpirationTime('1h').sign(key(SECRET));
    await rejection(verify(token));
  });

  it('rejects a token without a subject', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(key(SECRET));
    expect((await rejection(verify(token))).message).toMatch(/sub/);
  });

  it('refuses a token without exp: every credential must end', async () => {
    const token = await new SignJWT({}).setProtectedHeader({ alg: 'HS256' }).setSubject('u').setIssuedAt().sign(key(SECRET));
    expect((await rejection(verify(token))).message).toMatch(/exp/);
  });

  it('refuses a token that claims to live longer than the cap (JWT_MAX_TTL), with or without iat', async () => {
    const withIat = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt()
      .setExpirationTime('25h')
      .sign(key(SECRET));
    expect((await rejection(verify(withIat))).message).toMatch(/longer than the accepted maximum/);
    const withoutIat = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setExpirationTime('30d')
      .sign(key(SECRET));
    expect((await rejection(verify(withoutIat))).message).toMatch(/longer than the accepted maximum/);
    // Issued long ago but expiring within the cap from now: its claimed lifetime is what counts.
    const backdated = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt(now() - 48 * 3600)
      .setExpirationTime(now() + 60)
      .sign(key(SECRET));
    await rejection(verify(backdated));
    const justUnder = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u')
      .setIssuedAt()
      .setExpirationTime('23h')
      .sign(key(SECRET));
    await expect(verify(justUnder)).resolves.toEqual({ subject: 'u' });
    const strict = createTokenVerifier({ secret: SECRET, maxTtlMs: 60_000 });
    await rejection(strict(await issueToken(SECRET, 'u', { expiresIn: '2m' })));
  });

  it.each([
    ['an object', { not: 'x' }],
    ['a number', 42],
    ['an empty string', ''],
    ['a NUL byte', 'demo\u0000admin'],
    ['a control character', 'demo\nadmin'],
    ['a lone surrogate', 'demo\ud800'],
    ['256 characters', 'u'.repeat(256)],
  ])('refuses a sub that is %s (UNAUTHENTICATED, never a 500)', async (_what, sub) => {
    const token = await new SignJWT({ sub } as Record<string, unknown>)
      .setProtectedHeader({ alg: 'HS256' })
      .setExpirationTime('1h')
      .sign(key(SECRET));
    expect((await rejection(verify(token))).message).toMatch(/sub/);
  });

  it('does not check issuer or audience unless configured', async () => {
    const token = await issueToken(SECRET, 'u', { issuer: 'https://anyone.example/', audience: 'anything' });
    await expect(verify(token)).resolves.toEqual({ subject: 'u' });
  });
});

describe('createTokenVerifier with issuer and audience', () => {
  const ISSUER = 'https://idp.example/';
  const AUDIENCE = 'freshgate';
  const verify = createTokenVerifier({ secret: SECRET, issuer: ISSUER, audience: AUDIENCE, maxTtlMs: DAY_MS });

  it('accepts a token from that issuer for that audience', async () => {
    const token = await issueToken(SECRET, 'u', { issuer: ISSUER, audience: AUDIENCE });
    await expect(verify(token)).resolves.toEqual({ subject: 'u' });
  });

  it.each<[string, { issuer?: string; audience?: string }, RegExp]>([
    ['another issuer', { issuer: 'https://evil.example/', audience: AUDIENCE }, /iss/],
    ['no issuer', { audience: AUDIENCE }, /iss/],
    ['another audience', { issuer: ISSUER, audience: 'other-service' }, /aud/],
    ['no audience', { issuer: ISSUER }, /aud/],
  ])('rejects a token with %s, naming the claim', async (_what, claims, claim) => {
    const token = await issueToken(SECRET, 'u', claims);
    expect((await rejection(verify(token))).message).toMatch(claim);
  });
});

describe('createTokenVerifier (RS256 from a JWKS URL)', () => {
  let server: Server;
  let privateKey: KeyLike;
  let verify: ReturnType<typeof createTokenVerifier>;
  let jwksRequests = 0;

  beforeAll(async () => {
    const pair = await generateKeyPair('RS256');
    privateKey = pair.privateKey;
    const jwks = JSON.stringify({ keys: [{ ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] });
    server = createServer((req, res) => {
      jwksRequests++;
      res.writeHead(200, { 'content-type': 'application/json' }).end(jwks);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    verify = createTokenVerifier({ jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`, maxTtlMs: DAY_MS });
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  const rs256 = (kid: string, signingKey: KeyLike = privateKey) =>
    new SignJWT({}).setProtectedHeader({ alg: 'RS256', kid }).setSubject('idp-user').setExpirationTime('1h').sign(signingKey);

  it('accepts a token signed by a key the JWKS publishes', async () => {
    await expect(verify(await rs256('k1'))).resolves.toEqual({ subject: 'idp-user' });
    expect(jwksRequests).toBeGreaterThan(0);
  });

  it('rejects a token signed by a key it does not publish', async () => {
    const { privateKey: stranger } = await generateKeyPair('RS256');
    await rejection(verify(await rs256('k1', stranger)));
  });

  it('rejects an HS256 token, whatever its secret', async () => {
    await rejection(verify(await issueToken(SECRET, 'idp-user')));
  });
});

describe('bearerToken', () => {
  it.each([
    ['Bearer abc.def.ghi', 'abc.def.ghi'],
    ['bearer abc.def.ghi', 'abc.def.ghi'],
    ['BEARER   abc.def.ghi  ', 'abc.def.ghi'],
  ])('reads %p', (header, token) => {
    expect(bearerToken(header)).toBe(token);
  });

  it('treats a missing or empty header as anonymous', () => {
    expect(bearerToken(undefined)).toBeUndefined();
    expect(bearerToken('')).toBeUndefined();
  });

  it.each(['Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'abc.def.ghi', 'Bearer a b', 'Token abc'])(
    'rejects %p as UNAUTHENTICATED',
    (header) => {
      expect(() => bearerToken(header)).toThrow(expect.objectContaining({ code: 'UNAUTHENTICATED' }));
    },
  );
});

describe('createTokenVerifier: verified tokens are remembered, never past their expiry', () => {
  it('keeps accepting a verified token until it expires, then refuses it', async () => {
    const verify = createTokenVerifier({ secret: SECRET, maxTtlMs: DAY_MS });
    const token = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u-short')
      .setExpirationTime(now() + 2)
      .sign(key(SECRET));
    expect(await verify(token)).toEqual({ subject: 'u-short' });
    expect(await verify(token)).toEqual({ subject: 'u-short' });
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    expect((await rejection(verify(token))).message).toMatch(/expired/);
  });

  it('does not remember a token whose signature is wrong', async () => {
    const verify = createTokenVerifier({ secret: SECRET, maxTtlMs: DAY_MS });
    const forged = await new SignJWT({})
      .setProtectedHeader({ alg: 'HS256' })
      .setSubject('u1')
      .setExpirationTime('1h')
      .sign(key('another-secret-that-is-long-enough'));
    await rejection(verify(forged));
    await rejection(verify(forged));
  });
});
