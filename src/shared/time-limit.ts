/** What a time-limited wait ended with: the work's value, or the time running out first. */
export type Limited<T> = { done: true; value: T } | { done: false };

/**
 * Waits for `work` at most `ms` (at least 0). The work is not cancelled when time runs out — it
 * may still finish later — but nobody waits for it any more: shutdown uses this so that no step
 * can hold the process past its promise. A rejection is passed on as it is.
 */
export async function withinTime<T>(work: Promise<T>, ms: number): Promise<Limited<T>> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<Limited<T>>((resolve) => {
    timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms));
    timer.unref();
  });
  try {
    return await Promise.race([work.then((value): Limited<T> => ({ done: true, value })), timeout]);
  } finally {
    clearTimeout(timer);
  }
}
