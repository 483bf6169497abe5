// The status page's live updates: follows packHealthChanged over graphql-ws on this server's
// /graphql and, on every event, swaps #board for the same element of a fresh GET /status (the
// server renders both). Reconnects forever after the server goes away, with a capped backoff;
// a new subscription sends the current state at once, so nothing missed stays missed.
import { createClient } from 'graphql-ws';

const SUBSCRIPTION = 'subscription StatusPage { packHealthChanged { status packId updatedAt estimatedReady } }';
const MAX_RETRY_WAIT_MS = 3_000;
const RESUBSCRIBE_WAIT_MS = 250;

const live = document.getElementById('live');

function setLive(state: 'connecting' | 'live' | 'reconnecting', text: string): void {
  if (!live) return;
  live.dataset.state = state;
  live.textContent = text;
}

/** The same words as the server's countdownText (src/http/pages/status-html.ts). */
function countdownText(ms: number): string {
  const seconds = Math.round(Math.abs(ms) / 1000);
  const text = seconds >= 60 ? `${Math.floor(seconds / 60)} min ${seconds % 60} s` : `${seconds} s`;
  return ms >= 0 ? `in ${text}` : `overdue by ${text}`;
}

function tick(): void {
  for (const element of document.querySelectorAll<HTMLElement>('[data-countdown]')) {
    const target = Date.parse(element.dataset.countdown ?? '');
    if (!Number.isNaN(target)) element.textContent = countdownText(target - Date.now());
  }
}

// Refreshes run one at a time; an event during one asks for one more afterwards.
let refreshing: Promise<void> | undefined;
let again = false;

async function refreshBoard(): Promise<void> {
  const response = await fetch(window.location.pathname, { headers: { accept: 'text/html' }, cache: 'no-store' });
  if (!response.ok) throw new Error(`GET ${window.location.pathname}: ${response.status}`);
  const fresh = new DOMParser().parseFromString(await response.text(), 'text/html').getElementById('board');
  const current = document.getElementById('board');
  if (fresh && current) current.replaceWith(document.importNode(fresh, true));
  tick();
}

function refresh(): void {
  if (refreshing) {
    again = true;
    return;
  }
  refreshing = refreshBoard()
    .catch((error: unknown) => console.warn('status refresh failed', error))
    .finally(() => {
      refreshing = undefined;
      if (again) {
        again = false;
        refresh();
      }
    });
}

const url = new URL('/graphql', window.location.href);
url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';

const client = createClient({
  url: url.href,
  lazy: false,
  keepAlive: 10_000,
  retryAttempts: Infinity,
  // Every close is worth retrying here: a restart closes with 1001, a refused connection with 1006.
  shouldRetry: () => true,
  retryWait: (retries) =>
    new Promise((resolve) => setTimeout(resolve, Math.min(MAX_RETRY_WAIT_MS, 250 * 2 ** retries) + Math.random() * 250)),
  on: {
    connecting: (isRetry) =>
      setLive(isRetry ? 'reconnecting' : 'connecting', isRetry ? 'Live updates: reconnecting…' : 'Live updates: connecting…'),
    closed: () => setLive('reconnecting', 'Live updates: connection lost, reconnecting…'),
  },
});

/**
 * Subscribes, and subscribes again whenever the stream ends: a server shutting down completes its
 * streams before it closes the socket, and an error (a rate limit, say) is worth another try later.
 * "Live" means an event arrived: the stream sends the current state first.
 */
function follow(): void {
  client.subscribe(
    { query: SUBSCRIPTION },
    {
      next: () => {
        setLive('live', 'Live updates: on.');
        refresh();
      },
      error: (error) => {
        console.warn('packHealthChanged failed; subscribing again', error);
        setLive('reconnecting', 'Live updates: interrupted, reconnecting…');
        setTimeout(follow, MAX_RETRY_WAIT_MS);
      },
      complete: () => {
        setLive('reconnecting', 'Live updates: interrupted, reconnecting…');
        setTimeout(follow, RESUBSCRIBE_WAIT_MS);
      },
    },
  );
}

setLive('connecting', 'Live updates: connecting…');
follow();

setInterval(tick, 1_000);
tick();
