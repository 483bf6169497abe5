// jose's entry points one by one: its index loads JWE, JWK and key generation too (~20 ms of start-up).
import { SignJWT } from 'jose/jwt/sign';

/** Signs HS256 development and test tokens. Production tokens come from the identity provider. */
export async function issueToken(
  secret: string,
  subject: string,
  options: { /** a duration such as '12h' or '15m' */ expiresIn?: string; issuer?: string; audience?: string } = {},
): Promise<string> {
  let jwt = new SignJWT({}).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setSubject(subject).setIssuedAt();
  jwt = jwt.setExpirationTime(options.expiresIn ?? '12h');
  if (options.issuer) jwt = jwt.setIssuer(options.issuer);
  if (options.audience) jwt = jwt.setAudience(options.audience);
  return jwt.sign(new TextEncoder().encode(secret));
}
