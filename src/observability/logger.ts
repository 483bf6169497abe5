import pino, { type Logger } from 'pino';

export type { Logger };

/** JSON lines on stdout. Authorization headers and tokens are redacted wherever they appear. */
export function createLogger(level: string): Logger {
  return pino({
    level,
    base: { service: 'freshgate' },
    redact: {
      paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', '*.token', 'connectionParams'],
      censor: '[redacted]',
    },
  });
}
