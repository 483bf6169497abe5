import { randomBytes } from 'node:crypto';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import type { Config } from '../config';

/**
 * The HS256 secret in force. Embedded mode without JWT_SECRET keeps a generated one in
 * DATA_DIR so tokens survive restarts; a server database must be configured explicitly.
 */
export function resolveJwtSecret(config: Pick<Config, 'databaseUrl' | 'dataDir' | 'jwt'>): string | undefined {
  if (config.jwt.secret || config.jwt.jwksUrl) return config.jwt.secret;
  if (config.databaseUrl) {
    throw new Error('JWT_SECRET or JWT_JWKS_URL is required when DATABASE_URL is set');
  }
  const file = path.join(config.dataDir, 'jwt-secret');
  try {
    return readFileSync(file, 'utf8').trim();
  } catch {
    mkdirSync(config.dataDir, { recursive: true });
    const secret = randomBytes(32).toString('base64url');
    writeFileSync(file, `${secret}\n`, { mode: 0o600 });
    return secret;
  }
}
