import pino, { type Logger } from 'pino';
import SonicBoom from 'sonic-boom';

export type { Logger };

/**
 * JSON lines on stdout. Authorization headers and tokens are redacted wherever they appear.
 *
 * Written asynchronously (sonic-boom coalesces lines written while a write is in flight): a
 * synchronous write per request line was a tenth of a small request's time. The destination is
 * made here rather than by `pino.destination()`, which would also flush synchronously when the
 * process exits — and a synchronous write to a stdout nobody reads any more (a dead parent's full
 * pipe) never returns, so the process never exits. Shutdown flushes with a time limit instead
 * (flushLogs); lines still unwritten when it runs out are lost, never the exit.
 */
export function createLogger(level: string): Logger {
  const destination = new SonicBoom({ fd: 1, sync: false });
  // A stdout that went away (EPIPE) must not take the process with it.
  destination.on('error', () => {});
  return pino(
    {
      level,
      base: { service: 'freshgate' },
      redact: {
        paths: ['authorization', 'headers.authorization', 'req.headers.authorization', 'token', '*.token', 'connectionParams'],
        censor: '[redacted]',
      },
    },
    destination,
  );
}

/** Writes out what the logger holds, waiting at most `withinMs`. */
export function flushLogs(logger: Logger, withinMs: number): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    timer.unref();
    try {
      logger.flush(() => {
        clearTimeout(timer);
        resolve();
      });
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
