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
  // Lines are gathered up to BATCH_BYTES, and written at least every FLUSH_INTERVAL_MS: one
  // write(2) per request line was ~0.3 ms of a ~0.5 ms request on a machine whose system calls are
  // slow, and a line still reaches the reader within a tenth of a second when traffic is low.
  const destination = new SonicBoom({ fd: 1, sync: false, minLength: BATCH_BYTES });
  const flusher = setInterval(() => flushQuietly(destination), FLUSH_INTERVAL_MS);
  flusher.unref();
  destination.once('close', () => clearInterval(flusher));
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

/** How many bytes of log lines are gathered before they are written without waiting for the timer. */
const BATCH_BYTES = 4096;
/** The longest a log line waits in memory. */
const FLUSH_INTERVAL_MS = 100;

function flushQuietly(destination: SonicBoom): void {
  try {
    destination.flush();
  } catch {
    // Ending or destroyed: closeLogs owns the last write.
  }
}

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
