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
 * (closeLogs); lines still unwritten when it runs out are lost, never the exit.
 */
export function createLogger(level: string): Logger {
  const destination = new SonicBoom({ fd: 1, sync: false });
  // A stdout that went away (EPIPE) must not take the process with it.
  destination.on('error', () => {});
  const logger = pino(
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
  destinations.set(logger, destination);
  return logger;
}

const destinations = new WeakMap<Logger, SonicBoom>();

/**
 * The last thing before exit: writes out what the logger still holds and ends its stream,
 * waiting at most `withinMs` (sonic-boom's flush() does not wait for writes in flight; ending
 * the stream does). A logger made elsewhere (tests pass their own) is left as it is.
 */
export function closeLogs(logger: Logger, withinMs: number): Promise<void> {
  const destination = destinations.get(logger);
  if (!destination) return Promise.resolve();
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, withinMs);
    timer.unref();
    destination.once('close', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      destination.end();
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}
