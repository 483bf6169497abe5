import pino, { type Logger } from 'pino';

export type { Logger };

/**
 * JSON lines on stdout. Authorization headers and tokens are redacted wherever they appear.
 * Written asynchronously (sonic-boom coalesces lines written while a write is in flight): a
 * synchronous write per request line was a tenth of a small request's time. pino flushes what
 * is pending when the process exits.
 */
export function createLogger(level: string): Logger {
  return pino(
    {
      level,
      base: { service: 'freshgate' },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', '*.token', 'connectionParams'],
        censor: '[redacted]',
      },
    },
    pino.destination({ dest: 1, sync: false }),
  );
}
